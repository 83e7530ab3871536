package dev.hwc.compress;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

class QuantizerTest {

  @Test void weightsQuantizeWithinHalfAStepAndKeepZeros() {
    Random r = new Random(5);
    float[] w = new float[1000];
    for (int i = 0; i < w.length; i++) w[i] = i % 7 == 0 ? 0f : (float) r.nextGaussian();
    for (int bits : new int[]{2, 3, 4, 5, 6, 8}) {
      for (boolean perChannel : new boolean[]{false, true}) {
        float[] q = Quantizer.quantizeWeights(w, 10, bits, perChannel, 5);
        int qmax = (1 << (bits - 1)) - 1;
        for (int row = 0; row < 10; row++) {
          float scale = perChannel ? Quantizer.weightScale(w, row * 100, row * 100 + 100, qmax, bits < 5)
              : Quantizer.weightScale(w, 0, 1000, qmax, bits < 5);
          TreeSet<Float> levels = new TreeSet<>();
          for (int i = row * 100; i < row * 100 + 100; i++) {
            if (w[i] == 0) assertEquals(0f, q[i]);
            if (Math.abs(w[i]) <= scale * qmax) assertTrue(Math.abs(w[i] - q[i]) <= scale / 2 * (1 + 1e-6f), "bits " + bits + " w " + w[i] + " q " + q[i]);
            else assertEquals(Math.signum(w[i]) * scale * qmax, q[i], 1e-6f);  // clipped values sit on the end of the grid
            long k = Math.round(q[i] / scale);
            assertEquals(k * scale, q[i], 1e-6f * Math.max(1, Math.abs(q[i])));
            assertTrue(Math.abs(k) <= qmax);
            levels.add(q[i]);
          }
          assertTrue(levels.size() <= 2 * qmax + 1);
        }
      }
    }
  }

  @Test void eightBitUsesMaxAbsAndLowBitsClip() {
    float[] w = new float[101];
    for (int i = 0; i < 100; i++) w[i] = i % 2 == 0 ? 1f : -1f;
    w[100] = 10f;
    assertEquals(10f / 127, Quantizer.weightScale(w, 0, 101, 127, false), 0);
    // at 2 bits (grid -s, 0, s) the outlier's range s = 10 rounds the hundred ±1 to 0 (error 100); on the clip grid
    // (steps of 0.1 here) s = 1.1 is best: 100·0.1² + 8.9² = 80.2 (s = 1: 81, s = 1.2: 81.4)
    assertEquals(1.1f, Quantizer.weightScale(w, 0, 101, 1, true), 1e-5f);
  }

  @Test void activationsAreUnsignedWhenNeverNegative() {
    float[] relu = {0f, 0.5f, 1f, 2f, 0.25f};
    ActivationQuant u = Quantizer.calibrateActivation("l", relu, 8, 5, "max", 100);
    assertEquals(0, u.lo());
    assertEquals(255, u.hi());
    assertEquals(2f / 255, u.scale(), 0);
    ActivationQuant s = Quantizer.calibrateActivation("l", new float[]{-2f, 1f, 0.5f}, 8, 5, "max", 100);
    assertEquals(-127, s.lo());
    assertEquals(127, s.hi());
    assertEquals(2f / 127, s.scale(), 0);
    for (float x : relu) assertTrue(Math.abs(u.apply(x) - x) <= u.scale() / 2);
  }

  @Test void percentileRangeIgnoresTheTail() {
    float[] x = new float[100];
    for (int i = 0; i < 100; i++) x[i] = i + 1;          // 1 … 100
    // the 99th percentile of 100 values is the 99th smallest: 99
    assertEquals(99f / 255, Quantizer.calibrateActivation("l", x, 8, 5, "percentile", 99).scale(), 0);
    assertEquals(100f / 255, Quantizer.calibrateActivation("l", x, 8, 5, "max", 99).scale(), 0);
    // below 5 bits the MSE clip applies whatever the range setting
    assertTrue(Quantizer.calibrateActivation("l", x, 3, 5, "max", 99).scale() <= 100f / 7);
  }
}
