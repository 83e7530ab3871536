#!/usr/bin/env bash
# A search cluster on loopback: one coordinator node and N worker nodes (`hwc node`), each its own JVM. Waits for the
# coordinator to finish the search, then stops the workers. Logs go to $LOG_DIR (default hwc-data/cluster-logs).
#
#   deploy/local-cluster.sh [-n WORKERS] [-p PORT] -- COORDINATOR-OPTIONS...
#   deploy/local-cluster.sh -n 2 -- --id lenet-2w --model models/lenet5.zip --episodes 100
#   deploy/local-cluster.sh -n 2 -- --id lenet-pg --model models/lenet5.zip --config deploy/postgres/journal.conf
#
# The coordinator's options are those of `hwc node --role coordinator` (--id, --model, --episodes, --seed, --config,
# --max-in-flight ...); run the same command again to resume a search the journal holds. Workers get
# HWC_WORKER_JAVA_OPTS (default -Xmx2g), the coordinator HWC_JAVA_OPTS (bin/hwc's default).
set -euo pipefail
HWC_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORKERS=2
PORT=25520
while [ $# -gt 0 ]; do
  case "$1" in
    -n) WORKERS="$2"; shift 2 ;;
    -p) PORT="$2"; shift 2 ;;
    --) shift; break ;;
    *) echo "local-cluster.sh: unknown option '$1' (usage: local-cluster.sh [-n WORKERS] [-p PORT] -- COORDINATOR-OPTIONS...)" >&2; exit 2 ;;
  esac
done
case "$WORKERS" in ''|*[!0-9]*) echo "local-cluster.sh: -n must be a number of workers, was '$WORKERS'" >&2; exit 2 ;; esac
LOG_DIR="${LOG_DIR:-$HWC_HOME/hwc-data/cluster-logs}"
mkdir -p "$LOG_DIR"
SEED="127.0.0.1:$PORT"

# Build once here, not in N+1 launchers at the same time.
"$HWC_HOME/bin/hwc" --version >/dev/null

pids=()
stop_workers() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap stop_workers EXIT

"$HWC_HOME/bin/hwc" node --role coordinator --host 127.0.0.1 --port "$PORT" --seed-nodes "$SEED" "$@" \
  >"$LOG_DIR/coordinator.log" 2>&1 &
coordinator=$!
for i in $(seq 1 "$WORKERS"); do
  HWC_JAVA_OPTS="${HWC_WORKER_JAVA_OPTS:--Xmx2g}" "$HWC_HOME/bin/hwc" node --role worker --host 127.0.0.1 --port 0 \
    --seed-nodes "$SEED" >"$LOG_DIR/worker-$i.log" 2>&1 &
  pids+=($!)
done
echo "coordinator pid $coordinator, workers ${pids[*]:-none}; logs in $LOG_DIR" >&2
status=0
wait "$coordinator" || status=$?
tail -n 5 "$LOG_DIR/coordinator.log"
exit "$status"
