package dev.hwc.search;

import dev.hwc.model.LayerShape;

import java.util.List;

/** What the search needs from the energy package: the energy of one layer, and of the dense baseline. */
public interface EnergyBackend {
  /** Energy (pJ) of one inference of the layer at these bit-widths with this fraction of non-zero weights. */
  double layerEnergy(LayerShape shape, int weightBits, int activationBits, double weightDensity);

  /**
   * The same with this fraction of non-zero input activations (measured on the calibration images); a backend that
   * does not model activation sparsity ignores it.
   */
  default double layerEnergy(LayerShape shape, int weightBits, int activationBits, double weightDensity, double inputDensity) {
    return layerEnergy(shape, weightBits, activationBits, weightDensity);
  }

  /** Energy (pJ) of the dense model at the baseline bit-width (hwc.energy.baseline-bits). */
  double baselineEnergy(List<LayerShape> prunableLayers);

  /** The same with the dense model's measured input-activation densities, one per layer (null: dense activations). */
  default double baselineEnergy(List<LayerShape> prunableLayers, List<Double> inputDensities) {
    return baselineEnergy(prunableLayers);
  }
}
