package dev.hwc.compress;

/**
 * Fake quantization of one prunable layer's input: x ↦ clip(round(x / scale), lo, hi) · scale. Unsigned (lo = 0)
 * when the calibrated input is never negative (after ReLU, or images in [0, 1]); signed symmetric otherwise.
 */
public record ActivationQuant(String layer, int bits, float scale, int lo, int hi) {
  public ActivationQuant {
    if (!(scale > 0) || lo > hi) throw new IllegalArgumentException("activation quant of " + layer + ": bad scale " + scale + " or grid [" + lo + ", " + hi + "]");
  }

  /** The quantize-dequantize of one value, as the executable form computes it. */
  public float apply(float x) {
    float q = Quantizer.roundHalfAway(x / scale);
    return Math.max(lo, Math.min(hi, q)) * scale;
  }
}
