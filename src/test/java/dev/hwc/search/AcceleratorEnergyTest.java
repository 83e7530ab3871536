package dev.hwc.search;

import dev.hwc.energy.Accelerator;
import dev.hwc.energy.ModelEnergy;
import dev.hwc.energy.RowStationaryModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AcceleratorEnergyTest {
  private final AcceleratorEnergy energy = new AcceleratorEnergy(
      new ModelEnergy(new RowStationaryModel(Accelerator.load(Path.of("conf/hardware/eyeriss-v1.conf")), 0.01), 8));

  @Test void baselineIsTheSumOfDenseEightBitLayers() {
    double sum = 0;
    for (var l : Doubles.LAYERS) sum += energy.layerEnergy(l, 8, 8, 1.0);
    assertEquals(sum, energy.baselineEnergy(Doubles.LAYERS), sum * 1e-12);
  }

  @Test void fewerBitsAndSparserWeightsCostLessAndAFullyPrunedLayerStillHasAnEnergy() {
    var conv2 = Doubles.LAYERS.get(1);
    double dense8 = energy.layerEnergy(conv2, 8, 8, 1.0);
    assertTrue(energy.layerEnergy(conv2, 4, 4, 1.0) < dense8);
    assertTrue(energy.layerEnergy(conv2, 8, 8, 0.3) < dense8);
    assertTrue(energy.layerEnergy(conv2, 8, 8, 0.0) > 0);
  }
}
