package dev.hwc.compress;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class PrunersTest {

  @Test void filterL1DropsTheSmallestMeanAbsFilters() {
    // filters' mean |w|: 2, 1/3, 4/3, 1/6 -> at ratio 0.5 the two smallest (3, then 1) go
    var w = Nd4j.create(new float[]{1, 2, 3, 0, 1, 0, 2, 2, 0, 0.5f, 0, 0}, 4, 1, 1, 3);
    assertArrayEquals(new int[]{0, 2}, new FilterL1().keptFilters(w, 0.5));
    // floor(0.3·4) = 1 filter goes
    assertArrayEquals(new int[]{0, 1, 2}, new FilterL1().keptFilters(w, 0.3));
  }

  @Test void filterL1AndL2DisagreeOnAPeakyFilter() {
    // f0 = [3,0,0,0]: mean|w| 0.75, rms 1.5; f1 = [1,1,1,1]: mean|w| 1, rms 1
    var w = Nd4j.create(new float[]{3, 0, 0, 0, 1, 1, 1, 1}, 2, 1, 2, 2);
    assertArrayEquals(new int[]{1}, new FilterL1().keptFilters(w, 0.5));
    assertArrayEquals(new int[]{0}, new FilterL2().keptFilters(w, 0.5));
  }

  @Test void equalScoresDropTheLowerIndexFirst() {
    var w = Nd4j.create(new float[]{1, -1, -1, 1, 2, 2}, 3, 1, 1, 2);
    assertArrayEquals(new int[]{1, 2}, new FilterL1().keptFilters(w, 0.34));
    assertArrayEquals(new int[]{1, 2}, new FilterL2().keptFilters(w, 0.34));
  }

  @Test void geometricMedianDropsTheMostCentralFilters() {
    // 1-d filters 0, 1, 2, 10: distance sums 13, 11, 11, 27 -> the central 1 and 2 go (L1 would drop 0 and 1)
    var w = Nd4j.create(new float[]{0, 1, 2, 10}, 4, 1, 1, 1);
    assertArrayEquals(new int[]{0, 2, 3}, new FilterGeometricMedian().keptFilters(w, 0.25));
    assertArrayEquals(new int[]{0, 3}, new FilterGeometricMedian().keptFilters(w, 0.5));
    assertArrayEquals(new int[]{2, 3}, new FilterL1().keptFilters(w, 0.5));
  }

  @Test void magnitudeZeroesTheSmallestWithIndexTieBreak() {
    // |w| = .5 .1 .3 .2 .1 0; floor(0.34·6) = 2 go: the 0 (index 5), then the first 0.1 (index 1, not 4)
    var w = Nd4j.create(new float[]{0.5f, -0.1f, 0.3f, -0.2f, 0.1f, 0f}, 1, 6, 1, 1);
    assertArrayEquals(new float[]{1, 0, 1, 1, 1, 0}, new Magnitude().mask(w, 0.34, null).data().asFloat());
    assertArrayEquals(new float[]{1, 0, 1, 0, 0, 0}, new Magnitude().mask(w, 0.67, null).data().asFloat());
  }

  @Test void balancedMagnitudeGivesEveryFilterTheSameSparsity() {
    // f0 = 4 3 2 1, f1 = .1 .2 .3 .4: each filter loses its 2 smallest (plain magnitude would empty f1)
    var w = Nd4j.create(new float[]{4, 3, 2, 1, 0.1f, 0.2f, 0.3f, 0.4f}, 2, 1, 2, 2);
    assertArrayEquals(new float[]{1, 1, 0, 0, 0, 0, 1, 1}, new BalancedMagnitude().mask(w, 0.5, null).data().asFloat());
    assertArrayEquals(new float[]{1, 1, 1, 1, 0, 0, 0, 0}, new Magnitude().mask(w, 0.5, null).data().asFloat());
  }

  @Test void activationAwareMagnitudeWeighsByInputNorms() {
    // w: f0 = [1, 2], f1 = [3, 0.5] over channels c0, c1 with ‖x‖ = 4, 1: scores 4 2 12 0.5 -> (f1,c1), (f0,c1) go
    var w = Nd4j.create(new float[]{1, 2, 3, 0.5f}, 2, 2, 1, 1);
    assertArrayEquals(new float[]{1, 0, 1, 0}, new ActivationAwareMagnitude().mask(w, 0.5, new double[]{4, 1}).data().asFloat());
    assertArrayEquals(new float[]{0, 1, 1, 0}, new Magnitude().mask(w, 0.5, null).data().asFloat());
    var e = assertThrows(IllegalArgumentException.class, () -> new ActivationAwareMagnitude().mask(w, 0.5, null));
    assertEquals("ActivationAwareMagnitude needs 2 input-channel norms, got none", e.getMessage());
  }

  @Test void channelReconstructionDropsAChannelThatContributesNothing() {
    // 3 input channels, 1×1 kernel; channel 1's inputs are all zero, so it contributes nothing and goes
    int n = 50;
    Random r = new Random(1);
    float[] x = new float[n * 3], y = new float[n * 2];
    float[] wv = {1, 5, 2, -1, 7, 0.5f};   // [O=2, C=3]
    for (int s = 0; s < n; s++) {
      x[s * 3] = (float) r.nextGaussian();
      x[s * 3 + 2] = (float) r.nextGaussian();
      for (int o = 0; o < 2; o++) y[s * 2 + o] = wv[o * 3] * x[s * 3] + wv[o * 3 + 2] * x[s * 3 + 2];
    }
    var res = new ChannelReconstruction().reconstruct(Nd4j.create(wv, new long[]{2, 3, 1, 1}, 'c'), 0.34, x, y, n, 1e-9);
    assertArrayEquals(new int[]{0, 2}, res.keptChannels());
    // the exact weights of the two channels are recovered
    assertArrayEquals(new float[]{1, 2, -1, 0.5f}, res.weights().data().asFloat(), 1e-4f);
  }

  @Test void channelReconstructionRefitBeatsKeepingTheOriginalWeights() {
    // correlated channels: after dropping some, refitting the rest reproduces the outputs better than the old weights
    int n = 400, c = 6, k = 4, o = 3;
    Random r = new Random(3);
    float[] x = new float[n * c * k];
    for (int s = 0; s < n; s++) {
      float common = (float) r.nextGaussian();
      for (int i = 0; i < c * k; i++) x[s * c * k + i] = common + 0.5f * (float) r.nextGaussian();
    }
    float[] wv = new float[o * c * k];
    for (int i = 0; i < wv.length; i++) wv[i] = (float) r.nextGaussian();
    var w = Nd4j.create(wv, new long[]{o, c, 2, 2}, 'c');
    float[] y = Nd4j.create(x, new long[]{n, c * k}, 'c').mmul(w.reshape(o, c * k).transpose()).dup('c').data().asFloat();
    var res = new ChannelReconstruction().reconstruct(w, 0.5, x, y, n, 1e-6);
    assertEquals(3, res.keptChannels().length);
    float[] kept = Tensors.select(wv, new long[]{o, c, k}, 1, res.keptChannels());
    float[] xk = Tensors.select(x, new long[]{n, c, k}, 1, res.keptChannels());
    double mseOld = mse(xk, kept, y, n, 3 * k, o), mseNew = mse(xk, res.weights().data().asFloat(), y, n, 3 * k, o);
    assertTrue(mseNew < 0.5 * mseOld, "refit MSE " + mseNew + " should be well below " + mseOld);
  }

  @Test void channelReconstructionFromSubBlocksOfTheStatisticsEqualsTheSampledSubset() {
    // statistics over 6 channels and 3 outputs, used for a layer thinned to channels {0,2,3,5} and outputs {0,2}
    int n = 300, c = 6, k = 4, o = 3;
    Random r = new Random(9);
    float[] x = new float[n * c * k], wv = new float[o * c * k];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    for (int i = 0; i < wv.length; i++) wv[i] = (float) r.nextGaussian();
    float[] y = Nd4j.create(x, new long[]{n, c * k}, 'c').mmul(Nd4j.create(wv, new long[]{o, c * k}, 'c').transpose()).dup('c').data().asFloat();
    int[] ch = {0, 2, 3, 5}, out = {0, 2};
    float[] wSub = Tensors.select(Tensors.select(wv, new long[]{o, c, k}, 1, ch), new long[]{o, ch.length, k}, 0, out);
    var w = Nd4j.create(wSub, new long[]{out.length, ch.length, 2, 2}, 'c');
    var fromGram = new ChannelReconstruction().reconstruct(w, 0.5, ChannelReconstruction.Gram.of(x, y, n, c, k, o), ch, out, 1e-4);
    var fromSamples = new ChannelReconstruction().reconstruct(w, 0.5, Tensors.select(x, new long[]{n, c, k}, 1, ch),
        Tensors.select(y, new long[]{n, o}, 1, out), n, 1e-4);
    assertArrayEquals(fromSamples.keptChannels(), fromGram.keptChannels());
    assertArrayEquals(fromSamples.weights().data().asFloat(), fromGram.weights().data().asFloat(), 1e-4f);
  }

  private static double mse(float[] x, float[] w, float[] y, int n, int d, int o) {
    double s = 0;
    for (int i = 0; i < n; i++)
      for (int f = 0; f < o; f++) {
        double v = 0;
        for (int j = 0; j < d; j++) v += x[i * d + j] * w[f * d + j];
        s += (v - y[i * o + f]) * (v - y[i * o + f]);
      }
    return s / (n * o);
  }

  @Test void registryNamesTheEightAlgorithms() {
    assertEquals(java.util.List.of("FilterL1", "FilterL2", "FilterGeometricMedian", "ChannelReconstruction", "Magnitude",
        "ActivationAwareMagnitude", "BalancedMagnitude", "ObsReconstruction", "none"), Pruners.known());
    var e = assertThrows(IllegalArgumentException.class, () -> Pruners.byName("Foo"));
    assertTrue(e.getMessage().startsWith("unknown algorithm 'Foo' (known: FilterL1, "));
  }
}
