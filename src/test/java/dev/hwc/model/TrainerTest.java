package dev.hwc.model;

import dev.hwc.data.Dataset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {

  /** 1000 images 1×4×4: class 0 has a bright left half, class 1 a bright right half, plus uniform noise. */
  private static Dataset halves() {
    Random r = new Random(5);
    int n = 1000;
    float[] v = new float[n * 16];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++) {
          boolean bright = (x < 2) == (labels[i] == 0);
          v[i * 16 + y * 4 + x] = (bright ? 0.6f : 0f) + 0.4f * r.nextFloat();
        }
    }
    return new Dataset("halves", Nd4j.create(v, new long[]{n, 1, 4, 4}, 'c'), labels, 2);
  }

  /** input → batchnorm → conv 1→2 2×2 stride 2 → relu → flatten → dense 8→2. */
  private static Network small(long seed) {
    ReferenceArchitectures.Builder b = new ReferenceArchitectures.Builder("halves", seed);
    return b.buildFrom(List.of(new Node.Input("input", 1, 4, 4)), bld -> {
      bld.bn("bn", "input", 1);
      bld.conv("c", "bn", 1, 2, 2, 2, 0, true);
      bld.relu("r", "c");
      bld.flatten("f", "r");
      bld.dense("fc", "f", 8, 2);
    });
  }

  @Test
  void learnsSetsBatchNormStatisticsAndIsDeterministic() {
    Dataset d = halves();
    List<Trainer.EpochReport> reports = new ArrayList<>();
    TrainSettings s = new TrainSettings(2, 11, 32, 0.01, 0.7, 1000, 100);
    Network trained = new Trainer(s, reports::add).train(small(11), d);

    assertEquals(2, reports.size());
    assertTrue(reports.get(1).trainAccuracy() > 0.95, "train accuracy " + reports.get(1).trainAccuracy());
    assertTrue(Evaluator.evaluate(ExecutableNetwork.of(trained), d).accuracy() > 0.95);

    // the BN right after the input sees the raw pixels: its statistics are the pixels' mean and population variance
    INDArray px = d.images().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
    double mean = px.meanNumber().doubleValue();
    double var = px.sub(mean).muli(px.sub(mean)).meanNumber().doubleValue();
    assertEquals(mean, trained.params().get("bn/mean").getDouble(0), 1e-5);
    assertEquals(var, trained.params().get("bn/var").getDouble(0), 1e-5);
    assertEquals(2, trained.metadata().epochs());

    Network again = new Trainer(s, r -> {}).train(small(11), d);
    assertEquals(trained.params().get("fc/W"), again.params().get("fc/W"));
  }
}
