package dev.hwc.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.hwc.cli.HwcConfig;
import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.LayerDecision;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two episodes in flight share one backend: the next episode's layers are compressed on one thread while another
 * evaluates. The evaluation must not see the other episode's session: the same plans give the same accuracies as
 * when each episode is compressed and evaluated alone.
 */
class ModelCompressionConcurrencyTest {
  @Test void compressingOneEpisodeWhileEvaluatingAnotherChangesNoAccuracy() throws Exception {
    Config base = HwcConfig.load(null);
    assumeTrue(Files.isDirectory(Path.of(base.getString("hwc.data.dir"))), "Fashion-MNIST not installed");
    Config root = ConfigFactory.parseString("hwc.data.search-size = 1000\nhwc.compress.calibration.images = 64\n"
        + "hwc.model.early-rejection.enabled = off").withFallback(base).resolve();
    ModelCompression c = RealParts.compression(root, Path.of("models/lenet5.zip"));
    c.baselineAccuracy();
    List<String> menu = c.algorithms();
    int layers = c.decisionLayers().size();
    List<List<LayerDecision>> plans = new ArrayList<>();
    for (int p = 0; p < 6; p++) {
      List<LayerDecision> plan = new ArrayList<>();
      for (int l = 0; l < layers; l++)
        plan.add(new LayerDecision(0.1 * ((p + l) % 6), menu.get((p + l) % menu.size()), 4 + (p + l) % 5, 5 + (p * l) % 4));
      plans.add(plan);
    }

    // alone: compress episode k's layers, then evaluate it
    CompressionBackend.Accuracy[] alone = new CompressionBackend.Accuracy[plans.size()];
    for (int k = 0; k < plans.size(); k++) alone[k] = stepsThenEvaluate(c, 1 + k, plans.get(k));

    // overlapped: episode k+1's layers compressed while episode k is evaluated, as with two in flight
    ExecutorService compressing = Executors.newSingleThreadExecutor();
    try {
      int id = 100;
      List<CompressionPlan> applied = new ArrayList<>();
      applied.add(steps(c, id, plans.get(0)));
      for (int k = 0; k < plans.size(); k++) {
        int next = id + k + 1;
        Future<CompressionPlan> nextSteps = k + 1 < plans.size()
            ? compressing.submit(() -> steps(c, next, plans.get(next - id))) : null;
        assertEquals(alone[k], c.evaluate(id + k, applied.get(k)), "plan " + k);
        if (nextSteps != null) applied.add(nextSteps.get());
      }
    } finally {
      compressing.shutdownNow();
    }
  }

  private static CompressionPlan steps(ModelCompression c, int episode, List<LayerDecision> plan) {
    List<CompressionPlan.LayerPlan> out = new ArrayList<>();
    for (int l = 0; l < plan.size(); l++) {
      var o = c.compressLayer(episode, l, plan.get(l)).get(0);
      out.add(new CompressionPlan.LayerPlan(o.layer(), o.decision()));
    }
    return new CompressionPlan(out);
  }

  private static CompressionBackend.Accuracy stepsThenEvaluate(ModelCompression c, int episode, List<LayerDecision> plan) {
    return c.evaluate(episode, steps(c, episode, plan));
  }
}
