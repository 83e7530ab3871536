package dev.hwc.energy;

import dev.hwc.model.LayerKind;
import dev.hwc.model.LayerShape;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class RowStationaryModelTest {
  static final Accelerator V1 = Accelerator.load(Path.of("conf/hardware/eyeriss-v1.conf"));

  static LayerShape conv(String name, int n, int c, int h, int m, int r, int stride, int pad, int groups) {
    return new LayerShape(0, name, LayerKind.CONV, n, c, h, h, m, r, r, stride, pad, groups);
  }

  @Test void alexnetExplore() {
    var model = new RowStationaryModel(V1.withBatch(4));
    LayerShape[] alex = {
        conv("CONV1", 4, 3, 227, 96, 11, 4, 0, 1),
        conv("CONV2", 4, 96, 27, 256, 5, 1, 2, 2),
        conv("CONV3", 4, 256, 13, 384, 3, 1, 1, 1),
        conv("CONV4", 4, 384, 13, 384, 3, 1, 1, 2),
        conv("CONV5", 4, 384, 13, 256, 3, 1, 1, 2)};
    for (var s : alex) {
      long t0 = System.nanoTime();
      var b = model.estimate(s, LayerLoad.dense(16));
      System.out.printf("%s %.1fms macs=%.0f dram/mac=%.5f dramMB=%.2f glbMB=%.2f %s E=%.3g%n  %s%n", s.name(), (System.nanoTime()-t0)/1e6,
          b.macs(), b.dramAccessesPerMac(), b.accesses().level(Level.DRAM)*2/1e6, b.accesses().level(Level.BUFFER)*2/1e6, b.mapping(), b.totalEnergy(), b.accesses());
    }
  }
}
