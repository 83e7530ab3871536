package dev.hwc.energy;

/**
 * What a compression decision leaves of one layer for the energy model: weight and input-activation bits and the
 * weight density after fine-grained pruning (fraction of non-zero weights, in (0, 1]). Coarse pruning is not here:
 * it arrives as a thinned {@link dev.hwc.model.LayerShape}.
 */
public record LayerLoad(int weightBits, int activationBits, double weightDensity) {
  public LayerLoad {
    if (weightBits < 1 || weightBits > 32) throw new IllegalArgumentException("weightBits must be in [1, 32], was " + weightBits);
    if (activationBits < 1 || activationBits > 32)
      throw new IllegalArgumentException("activationBits must be in [1, 32], was " + activationBits);
    if (!(weightDensity > 0 && weightDensity <= 1))
      throw new IllegalArgumentException("weightDensity must be in (0, 1], was " + weightDensity);
  }

  /** Dense weights, the same bits for weights and activations. */
  public static LayerLoad dense(int bits) {
    return new LayerLoad(bits, bits, 1.0);
  }

  public LayerLoad withDensity(double density) {
    return new LayerLoad(weightBits, activationBits, density);
  }
}
