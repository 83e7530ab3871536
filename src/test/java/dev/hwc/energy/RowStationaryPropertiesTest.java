package dev.hwc.energy;

import dev.hwc.model.LayerKind;
import dev.hwc.model.LayerShape;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Monotonicity properties over random (seeded) layer shapes: compression never costs energy. */
class RowStationaryPropertiesTest {
  static final Accelerator V1 = Accelerator.load(Path.of("conf/hardware/eyeriss-v1.conf"));
  static final int CASES = 60;
  // Relative slack for floating-point sums of the same terms in another order.
  static final double TOL = 1e-9;

  static LayerShape randomShape(Random rnd) {
    int r = new int[]{1, 3, 3, 5, 7, 11}[rnd.nextInt(6)];
    int h = r + rnd.nextInt(40);
    int stride = 1 + rnd.nextInt(r >= 3 ? 3 : 1);
    int pad = rnd.nextBoolean() ? 0 : r / 2;
    if (rnd.nextInt(5) == 0) { // dense layer
      return new LayerShape(0, "fc", LayerKind.DENSE, 1 + rnd.nextInt(2), 1 + rnd.nextInt(600), 1, 1, 1 + rnd.nextInt(300), 1, 1, 1, 0, 1);
    }
    return new LayerShape(0, "conv", LayerKind.CONV, 1 + rnd.nextInt(2), 1 + rnd.nextInt(96), h, h, 1 + rnd.nextInt(128), r, r, stride, pad, 1);
  }

  static void assertNotMore(double cheaper, double dearer, String what) {
    assertTrue(cheaper <= dearer * (1 + TOL), what + ": " + cheaper + " > " + dearer);
  }

  @Test void fewerBitsNeverCostMore() {
    var rnd = new Random(11);
    var model = new RowStationaryModel(V1);
    for (int i = 0; i < CASES; i++) {
      var s = randomShape(rnd);
      int wb = 2 + rnd.nextInt(15), ab = 2 + rnd.nextInt(15);
      double d = 0.05 + 0.95 * rnd.nextDouble();
      double e = model.estimate(s, new LayerLoad(wb, ab, d)).totalEnergy();
      assertNotMore(model.estimate(s, new LayerLoad(wb - 1, ab, d)).totalEnergy(), e, s + " wbits " + wb + "->" + (wb - 1));
      assertNotMore(model.estimate(s, new LayerLoad(wb, ab - 1, d)).totalEnergy(), e, s + " abits " + ab + "->" + (ab - 1));
    }
  }

  @Test void moreFineSparsityNeverCostsMore() {
    var rnd = new Random(12);
    var model = new RowStationaryModel(V1);
    for (int i = 0; i < CASES; i++) {
      var s = randomShape(rnd);
      int bits = 2 + rnd.nextInt(15);
      double d = 0.02 + 0.98 * rnd.nextDouble();
      double sparser = d * rnd.nextDouble();
      if (sparser <= 0) continue;
      assertNotMore(model.estimate(s, new LayerLoad(bits, bits, sparser)).totalEnergy(),
          model.estimate(s, new LayerLoad(bits, bits, d)).totalEnergy(), s + " density " + d + "->" + sparser);
    }
  }

  @Test void thinnedLayerNeverCostsMore() {
    var rnd = new Random(13);
    var model = new RowStationaryModel(V1);
    for (int i = 0; i < CASES; i++) {
      var s = randomShape(rnd);
      var load = LayerLoad.dense(2 + rnd.nextInt(15));
      double e = model.estimate(s, load).totalEnergy();
      int c = 1 + rnd.nextInt(s.c()), m = 1 + rnd.nextInt(s.m());
      assertNotMore(model.estimate(s.withChannels(c, s.m()), load).totalEnergy(), e, s + " C->" + c);
      assertNotMore(model.estimate(s.withChannels(s.c(), m), load).totalEnergy(), e, s + " M->" + m);
      if (s.c() > 1) assertNotMore(model.estimate(s.withChannels(s.c() - 1, s.m()), load).totalEnergy(), e, s + " C-1");
      if (s.m() > 1) assertNotMore(model.estimate(s.withChannels(s.c(), s.m() - 1), load).totalEnergy(), e, s + " M-1");
    }
  }

  @Test void doublingTheBatchKeepsWeightDramReads() {
    var rnd = new Random(14);
    var model = new RowStationaryModel(V1);
    for (int i = 0; i < CASES; i++) {
      var s = randomShape(rnd).withBatch(1 + rnd.nextInt(3));
      var load = new LayerLoad(2 + rnd.nextInt(15), 2 + rnd.nextInt(15), 0.1 + 0.9 * rnd.nextDouble());
      var one = model.estimate(s, load);
      var two = model.estimate(s.withBatch(2 * s.n()), load);
      assertEquals(one.accesses().dram().weights(), two.accesses().dram().weights(), 1e-9, s.toString());
      assertEquals(2 * one.macs(), two.macs(), 1e-9);
    }
  }

  /** Balanced sizes and the largest-r shortcut lose nothing against trying every size and every r. */
  @Test void theShortcutsFindTheExhaustiveOptimum() {
    var rnd = new Random(15);
    var fast = new RowStationaryModel(V1);
    var slow = new RowStationaryModel(V1, 0.01, true);
    for (int i = 0; i < 25; i++) {
      int r = new int[]{1, 3, 5}[rnd.nextInt(3)];
      int h = r + rnd.nextInt(14);
      var s = new LayerShape(0, "small", LayerKind.CONV, 1 + rnd.nextInt(2), 1 + rnd.nextInt(24), h, h, 1 + rnd.nextInt(40),
          r, r, 1 + rnd.nextInt(2), rnd.nextBoolean() ? 0 : r / 2, 1);
      var load = new LayerLoad(2 + rnd.nextInt(15), 2 + rnd.nextInt(15), 0.1 + 0.9 * rnd.nextDouble());
      assertEquals(slow.estimate(s, load).totalEnergy(), fast.estimate(s, load).totalEnergy(),
          1e-9 * slow.estimate(s, load).totalEnergy(), s + " " + load);
    }
  }
}
