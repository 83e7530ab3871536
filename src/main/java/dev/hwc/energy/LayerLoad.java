package dev.hwc.energy;

/**
 * What a compression decision leaves of one layer for the energy model: weight and input-activation bits, the weight
 * density after fine-grained pruning (fraction of non-zero weights, in (0, 1]) and the densities of the layer's input
 * and output activations (fraction of non-zeros, measured on calibration images; 1 when not measured). Coarse pruning
 * is not here: it arrives as a thinned {@link dev.hwc.model.LayerShape}.
 */
public record LayerLoad(int weightBits, int activationBits, double weightDensity, double inputDensity, double outputDensity) {
  public LayerLoad {
    if (weightBits < 1 || weightBits > 32) throw new IllegalArgumentException("weightBits must be in [1, 32], was " + weightBits);
    if (activationBits < 1 || activationBits > 32)
      throw new IllegalArgumentException("activationBits must be in [1, 32], was " + activationBits);
    density("weightDensity", weightDensity);
    density("inputDensity", inputDensity);
    density("outputDensity", outputDensity);
  }

  /** Dense activations (no measured activation sparsity). */
  public LayerLoad(int weightBits, int activationBits, double weightDensity) {
    this(weightBits, activationBits, weightDensity, 1.0, 1.0);
  }

  private static void density(String name, double d) {
    if (!(d > 0 && d <= 1)) throw new IllegalArgumentException(name + " must be in (0, 1], was " + d);
  }

  /** Dense weights and activations, the same bits for weights and activations. */
  public static LayerLoad dense(int bits) {
    return new LayerLoad(bits, bits, 1.0);
  }

  public LayerLoad withDensity(double density) {
    return new LayerLoad(weightBits, activationBits, density, inputDensity, outputDensity);
  }

  /** The same load with measured input and output activation densities. */
  public LayerLoad withActivationDensities(double input, double output) {
    return new LayerLoad(weightBits, activationBits, weightDensity, input, output);
  }
}
