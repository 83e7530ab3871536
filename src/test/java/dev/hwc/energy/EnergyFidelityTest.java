package dev.hwc.energy;

import com.typesafe.config.ConfigFactory;
import dev.hwc.model.LayerKind;
import dev.hwc.model.LayerShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static dev.hwc.energy.RowStationaryModelTest.conv;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Per-operand read/write costs, activation sparsity (zero gating, run-length coded DRAM traffic), the DRAM lower
 * bound and latency, each against hand-computed figures; and a hardware file in the one-number-per-level form
 * giving the figures it gave before costs were split.
 */
class EnergyFidelityTest {
  static final Path V1 = Path.of("conf/hardware/eyeriss-v1.conf");
  static final Path SINGLE_COST = Path.of("src/test/resources/hardware/single-cost-eyeriss-v1.conf");
  static final LayerShape ONE = conv(1, 1, 5, 1, 3, 1, 0, 1);
  /** Eyeriss v1 with zero-activation gating and run-length coded DRAM activations (5-bit runs). */
  static final Accelerator GATED = v1With("sparse-activations { zero-gating = true, format = rlc }");

  @TempDir Path dir;

  static Accelerator v1With(String hocon) {
    return Accelerator.fromConfig(ConfigFactory.parseString(hocon).withFallback(ConfigFactory.parseFile(V1.toFile())));
  }

  static LayerShape layer(String name, int n, int c, int h, int m, int r, int stride, int pad, int groups) {
    return new LayerShape(0, name, groups > 1 && groups == c ? LayerKind.DEPTHWISE_CONV : LayerKind.CONV, n, c, h, h, m, r, r, stride, pad, groups);
  }

  /** Totals this file's layers had under the single-cost model (normalised units), to the printed 11 digits. */
  @Test void aSingleCostFileGivesTheFiguresItGaveBefore() {
    var model = new RowStationaryModel(Accelerator.load(SINGLE_COST));
    var dense = new LayerShape(0, "fc", LayerKind.DENSE, 1, 512, 1, 1, 10, 1, 1, 1, 0, 1);
    assertEquals(2.6019652080e+09, model.estimate(layer("CONV1", 4, 3, 227, 96, 11, 4, 0, 1), LayerLoad.dense(16)).totalEnergy(), 1);
    assertEquals(3.3573642240e+09, model.estimate(layer("CONV2", 4, 96, 27, 256, 5, 1, 2, 2), new LayerLoad(8, 8, 1.0)).totalEnergy(), 1);
    assertEquals(2.0296633344e+08, model.estimate(layer("CONV3", 1, 256, 13, 384, 3, 1, 1, 1), new LayerLoad(4, 6, 0.37)).totalEnergy(), 1);
    assertEquals(2.0433600000e+06, model.estimate(layer("dw", 1, 32, 16, 32, 3, 1, 1, 32), new LayerLoad(8, 8, 1.0)).totalEnergy(), 1e-3);
    assertEquals(2.4315560000e+05, model.estimate(dense, new LayerLoad(4, 6, 0.37)).totalEnergy(), 1e-3);
    // The shipped file adds activation sparsity and timing: with no measured densities its energies are the same.
    var shipped = new RowStationaryModel(Accelerator.load(V1));
    assertEquals(model.estimate(dense, new LayerLoad(4, 6, 0.37)).totalEnergy(), shipped.estimate(dense, new LayerLoad(4, 6, 0.37)).totalEnergy(), 1e-6);
  }

  /**
   * ONE's counts (RowStationaryModelTest): DRAM 9 / 25 / 9 (all psums are output writes), buffer 9 / 25 / 18,
   * array 27 / 45 / 18, RF 81 / 81 / 108 (54 reads, 54 writes), 81 MACs. With DRAM read 100 / write 300 and RF
   * weights 2, inputs 3, psums read 5 / write 7: DRAM 900 + 2500 + 2700, buffer 52·6, array 90·2,
   * RF 162 + 243 + 270 + 378, MAC 81.
   */
  @Test void eachDataTypeAndDirectionHasItsOwnCost() {
    var split = v1With("energy { dram { read = 100, write = 300 }, rf { weights = 2, inputs = 3, psums { read = 5, write = 7 } } }");
    var mapping = new RowStationaryModel(Accelerator.load(V1)).estimate(ONE, LayerLoad.dense(16)).mapping();
    var b = new RowStationaryModel(split).evaluate(ONE, LayerLoad.dense(16), mapping);
    assertEquals(900, b.energy(Level.DRAM, DataType.WEIGHTS), 1e-9);
    assertEquals(2700, b.energy(Level.DRAM, DataType.PSUMS), 1e-9);
    assertEquals(162 + 243 + 270 + 378, b.energy().level(Level.RF), 1e-9);
    assertEquals(6100 + 312 + 180 + 1053 + 81, b.totalEnergy(), 1e-9);
  }

  @Test void aLevelGivesReadAndWriteOrOneCostPerDataTypeNotBoth() throws IOException {
    var e = assertThrows(IllegalArgumentException.class, () -> v1With("energy.rf { read = 1, write = 2, psums = 3 }"));
    assertEquals("hardware file config: energy.rf gives read/write for all data types and per data type at once: give one or the other", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> v1With("energy.array { read = 1, write = 2 }"));
    assertEquals("hardware file config: energy.array is one energy per transfer: give a number (or one number per data type), not read/write", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> v1With("energy.rf { weights = 1, inputs = 1 }"));
    assertEquals("hardware file config: energy.rf.psums is missing", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> v1With("energy.dram { read = 1, wirte = 2 }"));
    assertEquals("hardware file config: energy.dram.wirte is not a known key (read, write, weights, inputs, psums)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> v1With("energy.rf { weights = -1, inputs = 1, psums = 1 }"));
    assertEquals("hardware file config: energy.rf.weights must be >= 0, was -1.0", e.getMessage());
    Path f = dir.resolve("csr.conf");
    Files.writeString(f, Files.readString(V1).replace("format = \"none\"\n  # Run-length bits", "format = \"csr\"\n  # Run-length bits"));
    e = assertThrows(IllegalArgumentException.class, () -> Accelerator.load(f));
    assertEquals("hardware file " + f + ": sparse-activations.format must be none or rlc, was csr", e.getMessage());
  }

  /**
   * Runs of at most 2^2 − 1 = 3 zeros: [0 0 3] is one pair; the next four zeros overflow the run, so the fourth is a
   * stored zero (a pair); [0 0 0 1] is a pair; the trailing zero is a pair: 4 pairs of 16 + 2 bits = 72 bits.
   */
  @Test void runLengthCodingOfAHandMadeMap() {
    float[] map = {0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    assertEquals(4, RunLengthCoding.pairs(map, 2));
    assertEquals(72, RunLengthCoding.bits(map, 16, 2));
    assertEquals(0, RunLengthCoding.pairs(new float[0], 5));
    assertEquals(3, RunLengthCoding.pairs(new float[] {1, 2, 3}, 5));
    // Five-bit runs: the seven zeros never overflow; [0 0 3], [0 ×7 1], [0]: 3 pairs.
    assertEquals(3, RunLengthCoding.pairs(map, 5));
  }

  /** At input density 0.5 a gating array executes half the MACs and half their filter and psum pad accesses. */
  @Test void zeroGatingHalvesMacEnergyAtDensityOneHalf() {
    var model = new RowStationaryModel(GATED);
    var dense = model.estimate(ONE, LayerLoad.dense(16));
    var half = model.evaluate(ONE, LayerLoad.dense(16).withActivationDensities(0.5, 1.0), dense.mapping());
    assertEquals(dense.energy().mac() / 2, half.energy().mac(), 1e-9);
    assertEquals(81 / 2.0, half.accesses().rf().weights(), 1e-9);
    assertEquals(81, half.accesses().rf().inputs(), 1e-9); // still read to be detected
    assertEquals(108 / 2.0, half.accesses().rf().psums(), 1e-9);
    var ungated = new RowStationaryModel(Accelerator.load(V1))
        .evaluate(ONE, LayerLoad.dense(16).withActivationDensities(0.5, 1.0), dense.mapping());
    assertEquals(dense.energy().mac(), ungated.energy().mac(), 1e-9);
  }

  /**
   * RLC with 5-bit runs: at density 0.25 a 16-bit activation costs 0.25 · 21 = 5.25 bits in DRAM, at density 0.9
   * min(16, 0.9 · 21) = 16. ONE's 25 inputs are read once and its 9 outputs written once.
   */
  @Test void runLengthCodedActivationsShrinkDramTraffic() {
    var model = new RowStationaryModel(GATED);
    var mapping = model.estimate(ONE, LayerLoad.dense(16)).mapping();
    var sparse = model.evaluate(ONE, LayerLoad.dense(16).withActivationDensities(0.25, 0.9), mapping);
    assertEquals(25 * 5.25 / 16, sparse.accesses().dram().inputs(), 1e-9);
    assertEquals(9, sparse.accesses().dram().psums(), 1e-9);
    assertEquals(25, sparse.accesses().buffer().inputs(), 1e-9); // on chip activations stay dense
    var plain = new RowStationaryModel(Accelerator.load(V1))
        .evaluate(ONE, LayerLoad.dense(16).withActivationDensities(0.25, 0.9), mapping);
    assertEquals(25, plain.accesses().dram().inputs(), 1e-9);
  }

  /** No mapping the search finds moves less DRAM data of any type than the lower bound. */
  @Test void noMappingMovesLessDramDataThanTheMinimum() {
    var rnd = new Random(5);
    var model = new RowStationaryModel(GATED);
    for (int i = 0; i < 80; i++) {
      var s = RowStationaryPropertiesTest.randomShape(rnd);
      var load = new LayerLoad(2 + rnd.nextInt(15), 2 + rnd.nextInt(15), 0.05 + 0.95 * rnd.nextDouble(),
          0.05 + 0.95 * rnd.nextDouble(), 0.05 + 0.95 * rnd.nextDouble());
      var b = model.estimate(s, load);
      for (DataType t : DataType.values())
        assertTrue(b.accesses().dram().get(t) >= b.minimumDram().get(t) * (1 - 1e-9),
            s + " " + load + " " + t + ": " + b.accesses().dram().get(t) + " < minimum " + b.minimumDram().get(t));
    }
    // Stride 2 over a 1×1 filter touches every other row and column: 4·4 of the 8×8 inputs.
    var strided = model.estimate(layer("s2", 1, 1, 8, 1, 1, 2, 0, 1), LayerLoad.dense(16));
    assertEquals(16, strided.minimumDram().inputs(), 1e-9);
    // ONE: 9 weights, 25 inputs, 9 outputs; its mapping reaches the bound.
    var one = model.estimate(ONE, LayerLoad.dense(16));
    assertEquals(new DataCosts(9, 25, 9), one.minimumDram());
    assertEquals(one.minimumDram(), one.accesses().dram());
  }

  /**
   * Four 3-row × 14-column sets fill Eyeriss's 12 × 14 array: 4 channels of a 16×16 map, one 3×3 filter (E = F = 14),
   * one channel per set (r = 4). Each PE computes F · S = 42 MACs; 7,056 MACs on 168 PEs take 42 cycles, all busy
   * (on a file without a DRAM bandwidth, which would otherwise bound so small a layer).
   */
  @Test void aLayerThatFillsTheArrayTakesItsMacsOverThePes() {
    var s = layer("full", 1, 4, 16, 1, 3, 1, 0, 1);
    var b = new RowStationaryModel(Accelerator.load(SINGLE_COST)).evaluate(s, LayerLoad.dense(16),
        new Mapping(Mapping.Order.ROWS_OUTER, 1, 1, 1, 14, 4, 1, 3, 1, true, false, 0));
    assertEquals(7056, b.macs(), 1e-9);
    assertEquals(42, b.latency().computeCycles(), 1e-9);
    assertEquals(1.0, b.latency().utilisation(b.macs()), 1e-12);
    assertEquals(42 / 200e3, b.latency().millis(), 1e-12);
    // The same layer with one channel per pass (r = 1): four passes of 42 cycles, a quarter of the array busy.
    var slow = new RowStationaryModel(Accelerator.load(SINGLE_COST)).evaluate(s, LayerLoad.dense(16),
        new Mapping(Mapping.Order.ROWS_OUTER, 1, 1, 1, 14, 1, 1, 3, 1, true, false, 0));
    assertEquals(168, slow.latency().computeCycles(), 1e-9);
    assertEquals(0.25, slow.latency().utilisation(slow.macs()), 1e-12);
  }

  /** DRAM at 1.8 words per cycle bounds a layer whose traffic outruns its computation (a dense layer: 1 MAC per weight). */
  @Test void dramBandwidthBoundsALayerThatMovesMoreThanItComputes() {
    var fc = new LayerShape(0, "fc", LayerKind.DENSE, 1, 512, 1, 1, 10, 1, 1, 1, 0, 1);
    var b = new RowStationaryModel(Accelerator.load(V1)).estimate(fc, LayerLoad.dense(16));
    assertEquals(b.accesses().level(Level.DRAM) / 1.8, b.latency().dramCycles(), 1e-9);
    assertTrue(b.latency().dramCycles() > b.latency().computeCycles(), b.latency().toString());
    assertEquals(b.latency().dramCycles(), b.latency().cycles(), 1e-9);
    var unbounded = new RowStationaryModel(Accelerator.load(SINGLE_COST)).estimate(fc, LayerLoad.dense(16));
    assertEquals(0, unbounded.latency().dramCycles());
    assertEquals(unbounded.latency().computeCycles(), unbounded.latency().cycles());
  }
}
