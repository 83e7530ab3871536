package dev.hwc.energy;

import dev.hwc.model.LayerKind;
import dev.hwc.model.LayerShape;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ModelEnergyTest {
  static final Accelerator V1 = Accelerator.load(Path.of("conf/hardware/eyeriss-v1.conf"));

  static final List<LayerShape> NET = List.of(
      new LayerShape(0, "conv1", LayerKind.CONV, 1, 1, 28, 28, 6, 5, 5, 1, 2, 1),
      new LayerShape(1, "conv2", LayerKind.CONV, 1, 6, 14, 14, 16, 5, 5, 1, 0, 1),
      new LayerShape(2, "fc1", LayerKind.DENSE, 1, 400, 1, 1, 120, 1, 1, 1, 0, 1));

  @Test void totalIsTheSumOfLayersAndBaselineIsDenseAtBaselineBits() {
    var me = new ModelEnergy(new RowStationaryModel(V1), 8);
    var rsm = new RowStationaryModel(V1);
    var est = me.uniform(NET, 4, 6);
    double sum = 0, base = 0;
    for (LayerShape s : NET) {
      sum += rsm.estimate(s, new LayerLoad(4, 6, 1)).totalEnergy();
      base += rsm.estimate(s, LayerLoad.dense(8)).totalEnergy();
    }
    assertEquals(sum, est.total().totalEnergy(), 1e-6 * sum);
    assertEquals(base, est.baseline().totalEnergy(), 1e-6 * base);
    assertEquals(1 - sum / base, est.reduction(), 1e-12);
    assertTrue(est.reduction() > 0);
    assertEquals(3, est.layers().size());
    assertEquals("conv2", est.layers().get(1).layer());
  }

  @Test void theBaselineUsesTheOriginalShapesWhenLayersWereThinned() {
    var me = new ModelEnergy(new RowStationaryModel(V1), 8);
    var thinned = List.of(
        new ModelEnergy.LayerWork(NET.get(0).withChannels(1, 3), LayerLoad.dense(8)),
        new ModelEnergy.LayerWork(NET.get(1).withChannels(3, 16), LayerLoad.dense(8)),
        new ModelEnergy.LayerWork(NET.get(2), LayerLoad.dense(8)));
    var est = me.estimate(thinned, NET);
    assertEquals(me.baseline(NET).totalEnergy(), est.baseline().totalEnergy(), 1e-9);
    assertTrue(est.reduction() > 0, "halving conv1's filters must save energy: " + est.reduction());
  }

  @Test void theHardwareBatchIsAppliedToModelShapes() {
    var me = new ModelEnergy(new RowStationaryModel(V1.withBatch(2)), 8);
    var one = new ModelEnergy(new RowStationaryModel(V1), 8);
    assertEquals(2 * one.baseline(NET).macs(), me.baseline(NET).macs(), 1e-9);
  }

  @Test void settingsReadTheEnergyConf() {
    var cfg = com.typesafe.config.ConfigFactory.parseFile(Path.of("conf/energy.conf").toFile()).resolve();
    var s = EnergySettings.fromConfig(cfg.getConfig("hwc.energy"));
    assertEquals(new EnergySettings("conf/hardware/eyeriss-v1.conf", 8, 0.01), s);
  }
}
