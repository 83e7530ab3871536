package dev.hwc.compress;

import dev.hwc.model.LayerKind;
import dev.hwc.model.ModelGraph;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class GptqRoundingTest {
  private static GptqRounding.RowGroup group(double[] xtx, int rows) {
    return new GptqRounding.RowGroup(xtx, (int) Math.round(Math.sqrt(xtx.length)), rows);
  }

  @Test void uncorrelatedInputsRoundToNearest() {
    // H diagonal: U is diagonal, no error moves, every weight rounds alone. 3 bits: grid ±3, scale 1/3.
    float[] w = {0.3f, -0.7f, 1.0f, 0.5f, 0f, -0.2f};
    float[] q = GptqRounding.quantize(w, List.of(group(new double[]{4, 0, 0, 0, 1, 0, 0, 0, 9}, 2)), 3, false, 3);
    assertArrayEquals(Quantizer.quantizeWeights(w, 2, 3, false, 3), q);   // clipBelowBits 3: max |w| range
    assertArrayEquals(new float[]{1 / 3f, -2 / 3f, 1f, 2 / 3f, 0f, -1 / 3f}, q, 1e-7f);
  }

  @Test void aRoundingErrorMovesOntoACorrelatedLaterWeight() {
    // Inputs 1 and 2 correlated: H = [[1, 0, 0], [0, 1, .9], [0, .9, 1]] + λI, λ = 1% of the mean diagonal = 0.01.
    // w = (1, 0.4, 0.4), 2 bits: grid {−1, 0, 1}·1.0. Nearest: (1, 0, 0). GPTQ: w1 → 0 leaves error 0.4; with
    // (H+λI)⁻¹'s Cholesky, U12/U11 = −0.9/1.01, so w2 becomes 0.4 + 0.4·0.9/1.01 = 0.7564 → 1.
    // Output error (w − q)ᵀH(w − q): nearest 0.16 + 0.16 + 2·0.9·0.16 = 0.608, GPTQ 0.16 + 0.36 − 2·0.9·0.24 = 0.088.
    double[] h = {1, 0, 0, 0, 1, 0.9, 0, 0.9, 1};
    float[] w = {1f, 0.4f, 0.4f};
    assertArrayEquals(new float[]{1f, 0f, 0f}, Quantizer.quantizeWeights(w, 1, 2, false, 2));
    assertArrayEquals(new float[]{1f, 0f, 1f}, GptqRounding.quantize(w, List.of(group(h, 1)), 2, false, 2));
  }

  @Test void zerosStayZeroAndTheOutputErrorFallsOnACorrelatedProblem() {
    Random rnd = new Random(5);
    int n = 400, d = 16, rows = 6;
    double[] x = new double[n * d];
    for (int i = 0; i < n; i++)
      for (int j = 0; j < d; j++) x[i * d + j] = rnd.nextGaussian() + (j > 0 ? 0.7 * x[i * d + j - 1] : 0);
    double[] xtx = new double[d * d];
    for (int i = 0; i < n; i++) for (int a = 0; a < d; a++) for (int b = 0; b < d; b++) xtx[a * d + b] += x[i * d + a] * x[i * d + b];
    float[] w = new float[rows * d];
    for (int i = 0; i < w.length; i++) w[i] = i % 3 == 0 ? 0f : (float) rnd.nextGaussian();   // a third pruned
    for (boolean perChannel : new boolean[]{false, true}) {
      float[] near = Quantizer.quantizeWeights(w, rows, 3, perChannel, 9);
      float[] gptq = GptqRounding.quantize(w, List.of(group(xtx, rows)), 3, perChannel, 9);
      double errNear = 0, errGptq = 0;
      for (int r = 0; r < rows; r++) {
        errNear += outputError(xtx, d, w, near, r);
        errGptq += outputError(xtx, d, w, gptq, r);
        // the same grid: every value an integer multiple of the row's (or layer's) scale, at most 3 steps
        float scale = perChannel ? Quantizer.weightScale(w, r * d, (r + 1) * d, 3, true) : Quantizer.weightScale(w, 0, w.length, 3, true);
        for (int j = 0; j < d; j++) {
          float v = gptq[r * d + j];
          assertEquals(Math.round(v / scale), v / scale, 1e-4, "row " + r + " col " + j);
          assertTrue(Math.abs(v / scale) <= 3 + 1e-4);
          if (w[r * d + j] == 0) assertEquals(0f, v, "pruned weight " + r + "," + j);
        }
      }
      // on this problem GPTQ's output error is 0.66 (one scale) and 0.77 (per channel) of round-to-nearest's
      assertTrue(errGptq < 0.85 * errNear, "per-channel " + perChannel + ": GPTQ " + errGptq + " vs nearest " + errNear);
    }
  }

  private static double outputError(double[] h, int d, float[] w, float[] q, int r) {
    double e = 0;
    for (int a = 0; a < d; a++)
      for (int b = 0; b < d; b++) e += (w[r * d + a] - q[r * d + a]) * h[a * d + b] * (w[r * d + b] - q[r * d + b]);
    return e;
  }

  @Test void mismatchedStatisticsAreRefusedWithTheSizes() {
    var e = assertThrows(IllegalArgumentException.class, () -> new GptqRounding.RowGroup(new double[]{1, 0, 0}, 2, 1));
    assertEquals("GPTQ: XᵀX has 3 values, expected 2×2", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> GptqRounding.quantize(new float[5], List.of(new GptqRounding.RowGroup(new double[]{1, 0, 0, 1}, 2, 2)), 4, false, 9));
    assertEquals("GPTQ: the row groups cover 4 weights, the layer has 5", e.getMessage());
  }

  @Test void inTheCompressorEveryLayerKindKeepsItsZerosAndBothFormsAgree() {
    // mobilenet-small: dense, conv and depthwise layers (a depthwise filter is its own group)
    CompressorTest.Fixture near = CompressorTest.fixture("mobilenet-small");
    CompressorTest.Fixture f = CompressorTest.fixture("mobilenet-small", CompressorTest.BASE_INPUTS.withWeightRounding("gptq"));
    ModelGraph g = f.graph();
    List<CompressionPlan.LayerPlan> l = new ArrayList<>();
    for (var layer : g.layers()) l.add(new CompressionPlan.LayerPlan(layer.name(), new LayerDecision(0.5, "Magnitude", 3, 8)));
    CompressionPlan plan = new CompressionPlan(l);
    CompressedModel m = f.compressor().apply(plan), n = near.compressor().apply(plan);
    boolean sawDepthwise = false, differs = false;
    for (LayerStats s : m.stats()) {
      float[] q = m.thinnedParams().get(s.layer() + "/W").data().asFloat(), r = n.thinnedParams().get(s.layer() + "/W").data().asFloat();
      long nonZero = 0;
      for (float v : q) if (v != 0) nonZero++;
      assertTrue(nonZero <= s.nonZeroWeights(), s.layer() + ": " + nonZero + " non-zeros after rounding, " + s.nonZeroWeights() + " before");
      differs |= !java.util.Arrays.equals(q, r);
      sawDepthwise |= g.layer(s.layer()).kind() == LayerKind.DEPTHWISE_CONV;
    }
    assertTrue(sawDepthwise);
    assertTrue(differs, "GPTQ rounded every layer exactly as round-to-nearest");
    assertEquals(n.stats(), m.stats());   // rounding changes values only, not the plan's structure
    CompressedModel again = f.compressor().apply(plan);
    for (var e : m.thinnedParams().entrySet()) assertEquals(e.getValue(), again.thinnedParams().get(e.getKey()), e.getKey());
  }
}
