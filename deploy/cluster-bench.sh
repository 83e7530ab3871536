#!/usr/bin/env bash
# Throughput of cluster mode on this machine: episodes per minute of a search on deploy/local-cluster.sh with 1 and
# with 2 worker JVMs, RUNS runs each (fresh work directory each), median and ratio. The rate counts the episodes
# evaluated after the first one, over the time between the first and the last EpisodeEvaluated in the journal (JVM
# start-up and joining are left out). The machine's other load shows in the figures: say what else ran.
#
#   deploy/cluster-bench.sh                      # lenet5, 60 episodes, 3 runs per worker count
#   MODEL=models/vgg-small.zip EPISODES=30 RUNS=3 deploy/cluster-bench.sh
#   COORDINATOR_OPTS=-Dhwc.model.early-rejection.enabled=off deploy/cluster-bench.sh   # journaled: workers follow it
set -euo pipefail
HWC_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="${MODEL:-$HWC_HOME/models/lenet5.zip}"
EPISODES="${EPISODES:-60}"
RUNS="${RUNS:-3}"
PORT="${PORT:-25620}"
OUT="${OUT:-$(mktemp -d /tmp/hwc-cluster-bench.XXXXXX)}"

rate() {  # episodes/min from a journal's EpisodeEvaluated times
  java -Dhwc.home="$HWC_HOME" -Dhwc.work-dir="$1" -jar "$HWC_HOME/target/hwc.jar" journal bench --json 2>/dev/null | python3 -c '
import sys, json, datetime
t = [datetime.datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp()
     for e in (json.loads(l) for l in sys.stdin if l.startswith("{")) if e["type"] == "EpisodeEvaluated"]
print("%.1f" % ((len(t) - 1) / (t[-1] - t[0]) * 60))'
}

declare -A median
for workers in 1 2; do
  rates=()
  for run in $(seq 1 "$RUNS"); do
    dir="$OUT/w$workers-r$run"
    HWC_JAVA_OPTS="-Xmx3g -Dhwc.work-dir=$dir ${COORDINATOR_OPTS:-}" LOG_DIR="$dir/logs" \
      "$HWC_HOME/deploy/local-cluster.sh" -n "$workers" -p "$PORT" -- --id bench --model "$MODEL" --episodes "$EPISODES" >/dev/null 2>&1
    r=$(rate "$dir")
    rates+=("$r")
    echo "$workers worker(s), run $run: $r episodes/min" >&2
  done
  median[$workers]=$(printf '%s\n' "${rates[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
  echo "$workers worker(s): median ${median[$workers]} episodes/min (runs: ${rates[*]})"
done
awk -v a="${median[1]}" -v b="${median[2]}" 'BEGIN {printf "ratio 2 vs 1 workers: %.2fx\n", b / a}'
echo "logs and journals: $OUT" >&2
