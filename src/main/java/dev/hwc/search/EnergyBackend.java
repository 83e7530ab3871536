package dev.hwc.search;

import dev.hwc.model.LayerShape;

import java.util.List;

/** What the search needs from the energy package: the energy of one layer, and of the dense baseline. */
public interface EnergyBackend {
  /** Energy (pJ) of one inference of the layer at these bit-widths with this fraction of non-zero weights. */
  double layerEnergy(LayerShape shape, int weightBits, int activationBits, double weightDensity);

  /** Energy (pJ) of the dense model at the baseline bit-width (hwc.energy.baseline-bits). */
  double baselineEnergy(List<LayerShape> prunableLayers);
}
