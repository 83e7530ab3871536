package dev.hwc.cli;

import dev.hwc.compress.CompressionPlan;
import dev.hwc.search.Doubles;
import dev.hwc.search.SearchRuntime;

/**
 * `hwc` with the doubles on every node, for the process-level cluster test and manual runs of deploy/local-cluster.sh
 * without a DNN: a worker's evaluation takes {@code -Dhwc.test.evaluate-millis} (default 500), so a worker can be
 * killed mid-episode. Run from the test classpath.
 */
public final class ClusterDoublesMain {
  public static void main(String[] args) {
    long millis = Long.getLong("hwc.test.evaluate-millis", 500);
    SearchCommand.parts = (root, model, seed, hw) -> new SearchRuntime.Parts(new Doubles.Backend(0), new Doubles.Energy(),
        new Doubles.Ddpg(seed), new Doubles.Rainbow(seed + 1));
    NodeCommand.workerBackends = (root, job) -> new Doubles.Backend(0) {
      @Override public Accuracy evaluate(int episode, CompressionPlan plan) {
        try {
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.evaluate(episode, plan);
      }
    };
    Hwc.main(args);
  }
}
