package dev.hwc.search;

import dev.hwc.energy.LayerLoad;
import dev.hwc.energy.ModelEnergy;
import dev.hwc.model.LayerShape;

import java.util.List;

/** The search's energy backend on {@link ModelEnergy} (row-stationary model of the configured accelerator). */
public final class AcceleratorEnergy implements EnergyBackend {
  /** Density of a layer whose every weight was pruned: the energy model needs a positive one. */
  private static final double MIN_DENSITY = 1e-6;
  private final ModelEnergy energy;

  public AcceleratorEnergy(ModelEnergy energy) {
    this.energy = energy;
  }

  @Override public double layerEnergy(LayerShape shape, int weightBits, int activationBits, double weightDensity) {
    return layerEnergy(shape, weightBits, activationBits, weightDensity, 1.0);
  }

  @Override public double layerEnergy(LayerShape shape, int weightBits, int activationBits, double weightDensity, double inputDensity) {
    return energy.layer(shape, load(weightBits, activationBits, weightDensity, inputDensity)).totalPj();
  }

  /** The load the search prices a compressed layer at: its densities clamped into (0, 1]. */
  public static LayerLoad load(int weightBits, int activationBits, double weightDensity, double inputDensity) {
    return new LayerLoad(weightBits, activationBits, clamp(weightDensity), clamp(inputDensity), 1.0);
  }

  private static double clamp(double density) {
    return Math.max(MIN_DENSITY, Math.min(1.0, density));
  }

  @Override public double baselineEnergy(List<LayerShape> prunableLayers) {
    return energy.baseline(prunableLayers).totalPj();
  }

  @Override public double baselineEnergy(List<LayerShape> prunableLayers, List<Double> inputDensities) {
    return energy.baseline(prunableLayers, inputDensities).totalPj();
  }
}
