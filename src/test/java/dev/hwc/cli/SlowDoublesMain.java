package dev.hwc.cli;

import dev.hwc.compress.CompressionPlan;
import dev.hwc.search.Doubles;
import dev.hwc.search.SearchRuntime;

/**
 * Manual check of signal handling (not a test): `hwc` with doubles whose evaluation takes 200 ms, so a search can be
 * interrupted with SIGTERM / Ctrl-C mid-run and resumed. Run from the test classpath.
 */
public final class SlowDoublesMain {
  public static void main(String[] args) {
    SearchCommand.parts = (root, model, seed, hw) -> new SearchRuntime.Parts(new Doubles.Backend(0) {
      @Override public Accuracy evaluate(int episode, CompressionPlan plan) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.evaluate(episode, plan);
      }
    }, new Doubles.Energy(), new Doubles.Ddpg(seed), new Doubles.Rainbow(seed + 1));
    Hwc.main(args);
  }
}
