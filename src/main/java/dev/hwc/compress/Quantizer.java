package dev.hwc.compress;

import java.util.Arrays;

/**
 * Post-training linear quantization, simulated exactly as quantize-dequantize on the integer grid.
 * <ul>
 *   <li>Weights: symmetric, grid [−(2^(b−1)−1), 2^(b−1)−1], one scale per layer or per output channel; the clip
 *       threshold is max|w| at ≥ clipBelowBits bits and the MSE-optimal clip below (HAQ uses KL; MSE is our choice).
 *   <li>Activations: unsigned [0, 2^b−1] when never negative, else symmetric; range max (or a percentile) of |x| on
 *       calibration data, MSE-optimal clip below clipBelowBits bits.
 * </ul>
 */
public final class Quantizer {
  private Quantizer() {}

  /** Clip ratios tried by the MSE search: 0.05, 0.06, … 1.00 of the max. */
  private static final int CLIP_STEPS = 96;

  /** Round half away from zero, in float (the executable form's round op). */
  static float roundHalfAway(float v) {
    return v >= 0 ? (float) Math.floor(v + 0.5f) : -(float) Math.floor(-v + 0.5f);
  }

  /** Largest grid value of a b-bit symmetric grid. */
  static int symmetricMax(int bits) {
    if (bits < 2 || bits > 16) throw new IllegalArgumentException("quantization bits must be in [2, 16], was " + bits);
    return (1 << (bits - 1)) - 1;
  }

  /**
   * Quantize-dequantize of filter-major weights stored C-order as {@code rows} output channels of equal length.
   * Zeros stay exactly zero, so pruning masks survive.
   */
  public static float[] quantizeWeights(float[] w, int rows, int bits, boolean perChannel, int clipBelowBits) {
    int qmax = symmetricMax(bits), n = w.length / rows;
    float[] scales = weightScales(w, rows, bits, perChannel, clipBelowBits), out = new float[w.length];
    for (int r = 0; r < rows; r++)
      for (int i = r * n; i < (r + 1) * n; i++) out[i] = quantize(w[i], scales[r], -qmax, qmax);
    return out;
  }

  /**
   * The grid step of each of the {@code rows} equal-length rows of w: one scale for the whole layer, or one per row
   * (output channel); MSE-optimal clip below {@code clipBelowBits} bits, max |w| at and above.
   */
  static float[] weightScales(float[] w, int rows, int bits, boolean perChannel, int clipBelowBits) {
    int qmax = symmetricMax(bits), n = w.length / rows;
    boolean clip = bits < clipBelowBits;
    float[] scales = new float[rows];
    if (perChannel) {
      for (int r = 0; r < rows; r++) scales[r] = weightScale(w, r * n, (r + 1) * n, qmax, clip);
    } else {
      Arrays.fill(scales, weightScale(w, 0, w.length, qmax, clip));
    }
    return scales;
  }

  /** The scale used for w[from, to): clip/qmax, with the clip max|w| or MSE-optimal. */
  static float weightScale(float[] w, int from, int to, int qmax, boolean clip) {
    float max = 0;
    for (int i = from; i < to; i++) max = Math.max(max, Math.abs(w[i]));
    if (max == 0) return 1f;
    if (!clip) return max / qmax;
    return mseOptimalScale(w, from, to, max, -qmax, qmax);
  }

  static float quantize(float x, float scale, int lo, int hi) {
    float q = roundHalfAway(x / scale);
    return Math.max(lo, Math.min(hi, q)) * scale + 0f;   // + 0f: no negative zeros
  }

  /** Scale (range/hi) minimising Σ(x − q(x))² over clip ranges t·max, t in the grid. */
  static float mseOptimalScale(float[] x, int from, int to, float max, int lo, int hi) {
    float best = max / hi;
    double bestErr = Double.MAX_VALUE;
    for (int step = 0; step < CLIP_STEPS; step++) {
      float scale = (max * (1f - step * 0.01f)) / hi;
      double err = 0;
      for (int i = from; i < to; i++) {
        double d = x[i] - quantize(x[i], scale, lo, hi);
        err += d * d;
      }
      if (err < bestErr) {
        bestErr = err;
        best = scale;
      }
    }
    return best;
  }

  /**
   * Calibrates one layer's input quantization from sampled input values.
   * @param range "max" or "percentile" (of |x|, then {@code percentile} in (0, 100]) at ≥ clipBelowBits bits
   */
  public static ActivationQuant calibrateActivation(String layer, float[] values, int bits, int clipBelowBits,
                                                    String range, double percentile) {
    boolean unsigned = true;
    float max = 0;
    for (float v : values) {
      if (v < 0) unsigned = false;
      max = Math.max(max, Math.abs(v));
    }
    int hi = unsigned ? (1 << bits) - 1 : symmetricMax(bits), lo = unsigned ? 0 : -hi;
    if (bits < 2 || bits > 16) throw new IllegalArgumentException("quantization bits must be in [2, 16], was " + bits);
    if (max == 0) return new ActivationQuant(layer, bits, 1f, lo, hi);
    float scale;
    if (bits < clipBelowBits) {
      scale = mseOptimalScale(values, 0, values.length, max, lo, hi);
    } else if (range.equals("percentile")) {
      float[] a = new float[values.length];
      for (int i = 0; i < a.length; i++) a[i] = Math.abs(values[i]);
      Arrays.sort(a);
      int idx = (int) Math.min(a.length - 1, Math.max(0, Math.ceil(percentile / 100.0 * a.length) - 1));
      scale = Math.max(a[idx], Float.MIN_NORMAL) / hi;
    } else {
      scale = max / hi;
    }
    return new ActivationQuant(layer, bits, scale, lo, hi);
  }
}
