package dev.hwc.compress;

import java.util.Objects;

/**
 * One layer step's decision: prune this fraction of the layer's weights (or filters/channels, for a coarse
 * algorithm) with the named algorithm, then quantize weights and the layer's input activations to the given
 * bit-widths. Bounds here are the hard limits; configured ranges (conf/compress.conf) may be narrower.
 */
public record LayerDecision(double pruneRatio, String algorithm, int weightBits, int activationBits) {
  public static final double MAX_RATIO = 0.95;
  public static final int MIN_BITS = 1;
  public static final int MAX_BITS = 16;

  public LayerDecision {
    Objects.requireNonNull(algorithm, "algorithm");
    if (!(pruneRatio >= 0 && pruneRatio <= MAX_RATIO))
      throw new IllegalArgumentException("pruneRatio must be in [0, " + MAX_RATIO + "], was " + pruneRatio);
    if (weightBits < MIN_BITS || weightBits > MAX_BITS)
      throw new IllegalArgumentException("weightBits must be in [" + MIN_BITS + ", " + MAX_BITS + "], was " + weightBits);
    if (activationBits < MIN_BITS || activationBits > MAX_BITS)
      throw new IllegalArgumentException("activationBits must be in [" + MIN_BITS + ", " + MAX_BITS + "], was " + activationBits);
  }

  /** No pruning, the given precision. */
  public static LayerDecision dense(int bits) {
    return new LayerDecision(0.0, "none", bits, bits);
  }
}
