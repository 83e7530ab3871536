package dev.hwc.compress;

import dev.hwc.model.LayerKind;
import dev.hwc.model.ModelGraph;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ObsReconstructionTest {
  private static final ObsReconstruction OBS = new ObsReconstruction();

  private static ObsReconstruction.Block block(double[] xtx, double[]... targets) {
    return new ObsReconstruction.Block(xtx, (int) Math.round(Math.sqrt(xtx.length)), targets);
  }

  @Test void uncorrelatedInputsKeepTheWeightWithMoreOutputEnergy() {
    // H = diag(100, 1), w = (0.2, 1), t = Hw = (20, 1); λ = 1% of mean diag = 0.505.
    // w* = (20/100.505, 1/1.505); saliency w*²·(H+λI)_jj = 3.980 vs 0.664: the larger weight goes (its input is small),
    // which magnitude pruning would keep. The kept weight: 20/100.505.
    float[] w = OBS.prune(List.of(block(new double[]{100, 0, 0, 1}, new double[]{20, 1})), 0.5);
    assertArrayEquals(new float[]{(float) (20 / 100.505), 0f}, w, 1e-6f);
  }

  @Test void aKeptWeightTakesOverACorrelatedRemovedOne() {
    // H = [[2, 1], [1, 2]] (correlated inputs), w = (1, 0.2), t = Hw = (2.2, 1.4); λ = 0.02.
    // w* = (H+λI)⁻¹t = (0.98818, 0.20387); U of (H+λI)⁻¹: U00² = 2.02/3.0804 = 0.65576, U11² = 1/2.02 = 0.49505;
    // saliencies 1.4891 and 0.08396: w1 goes. Refit of w0 alone: 2.2 / 2.02 = 1.08911 (magnitude pruning keeps 1).
    float[] w = OBS.prune(List.of(block(new double[]{2, 1, 1, 2}, new double[]{2.2, 1.4})), 0.5);
    assertArrayEquals(new float[]{(float) (2.2 / 2.02), 0f}, w, 1e-6f);
  }

  @Test void everyRowRemovesItsShareAndItsKeptWeightsSolveTheNormalEquations() {
    Random rnd = new Random(3);
    int n = 200, d = 12, rows = 5;
    double[] x = new double[n * d];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < d; j++) x[i * d + j] = rnd.nextGaussian() + (j > 0 ? 0.6 * x[i * d + j - 1] : 0);  // correlated
    double[] xtx = new double[d * d];
    for (int i = 0; i < n; i++) for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) xtx[a * d + b] += x[i * d + a] * x[i * d + b];
    double[][] t = new double[rows][d];
    for (int r = 0; r < rows; r++) {
      double[] wr = new double[d];
      for (int j = 0; j < d; j++) wr[j] = rnd.nextGaussian();
      for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) t[r][a] += xtx[a * d + b] * wr[b];
    }
    double ratio = 0.4;   // floor(0.4·60) = 24 elements: 24/5 per row -> 4, 5, 5, 5, 5 by the cumulative split
    float[] w = OBS.prune(List.of(block(xtx, t)), ratio);
    double lambda = 0;
    for (int i = 0; i < d; i++) lambda += xtx[i * d + i];
    lambda = 0.01 * lambda / d;
    int[] expectedZeros = {4, 5, 5, 5, 5};
    for (int r = 0; r < rows; r++) {
      int zeros = 0;
      for (int j = 0; j < d; j++) if (w[r * d + j] == 0) zeros++;
      assertEquals(expectedZeros[r], zeros, "row " + r);
      // gradient of ‖y − Xw‖² + λ‖w‖² on the kept weights is zero: (H + λI)_S w_S = t_S
      for (int a = 0; a < d; a++) {
        if (w[r * d + a] == 0) continue;
        double g = lambda * w[r * d + a] - t[r][a];
        for (int b = 0; b < d; b++) g += xtx[a * d + b] * w[r * d + b];
        assertEquals(0, g / Math.abs(t[r][a]), 1e-4, "row " + r + ", kept weight " + a);
      }
    }
  }

  @Test void refitSolvesEachRowOnItsNonZeroWeightsAndKeepsTheZeros() {
    // H = 2I, λ = 1% of the mean diagonal = 0.02: a full row solves 2.02·w = t, a row with a zero only its kept weight
    var block = new ObsReconstruction.Block(new double[]{2, 0, 0, 2}, 2, new double[][]{{4, 2}, {4, 2}});
    float[] w = ObsReconstruction.refit(List.of(block), new float[]{1, 1, 0, 5});
    assertArrayEquals(new float[]{(float) (4 / 2.02), (float) (2 / 2.02), 0, (float) (2 / 2.02)}, w, 1e-6f);
    // correlated inputs: the kept weight takes over the zeroed one's part, (H_SS + λ)·w_S = t_S
    var corr = new ObsReconstruction.Block(new double[]{1, 1, 1, 1}, 2, new double[][]{{3, 3}});
    assertArrayEquals(new float[]{(float) (3 / 1.01), 0}, ObsReconstruction.refit(List.of(corr), new float[]{1, 0}), 1e-6f);
    var e = assertThrows(IllegalArgumentException.class, () -> ObsReconstruction.refit(List.of(block), new float[]{1, 1, 1}));
    assertEquals("ObsReconstruction.refit: 3 weights for rows of 2", e.getMessage());
  }

  @Test void mismatchedStatisticsAreRefusedWithTheSizes() {
    var e = assertThrows(IllegalArgumentException.class, () -> new ObsReconstruction.Block(new double[]{1, 0, 0, 1}, 2, new double[][]{{1, 2, 3}}));
    assertEquals("ObsReconstruction: a target has 3 values, expected 2", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ObsReconstruction.Block(new double[]{1, 0, 0}, 2, new double[0][]));
    assertEquals("ObsReconstruction: XᵀX has 3 values, expected 2×2", e.getMessage());
  }

  @Test void inTheCompressorEveryLayerKindGetsThePlansSparsityAndBothFormsAgree() {
    // mobilenet-small has dense, conv and depthwise layers (a depthwise filter is its own 9-weight block)
    CompressorTest.Fixture f = CompressorTest.fixture("mobilenet-small");
    ModelGraph g = f.graph();
    List<CompressionPlan.LayerPlan> l = new ArrayList<>();
    for (var layer : g.layers()) l.add(new CompressionPlan.LayerPlan(layer.name(), new LayerDecision(0.5, "ObsReconstruction", 8, 8)));
    CompressedModel m = f.compressor().apply(new CompressionPlan(l));
    boolean sawDepthwise = false;
    for (LayerStats s : m.stats()) {
      assertEquals("ObsReconstruction", s.appliedAlgorithm(), s.layer());
      long weights = s.shape().weights();
      // at least the plan's share is zero; more where a calibration input is always 0 (this random network has dead
      // channels: the least-squares value of their weights is 0)
      long atMost = weights - Pruner.removedCount((int) weights, 0.5);
      assertTrue(s.nonZeroWeights() <= atMost && s.nonZeroWeights() > 0, s.layer() + ": " + s.nonZeroWeights() + " of " + weights);
      sawDepthwise |= g.layer(s.layer()).kind() == LayerKind.DEPTHWISE_CONV;
    }
    assertTrue(sawDepthwise);
    // the same plan gives the same weights
    CompressedModel again = f.compressor().apply(new CompressionPlan(l));
    for (var e : m.thinnedParams().entrySet()) assertEquals(e.getValue(), again.thinnedParams().get(e.getKey()), e.getKey());
  }
}
