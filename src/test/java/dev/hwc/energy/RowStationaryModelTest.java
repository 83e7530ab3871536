package dev.hwc.energy;

import dev.hwc.model.LayerKind;
import dev.hwc.model.LayerShape;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Access counts on layers small enough that the mapping is forced, worked out by hand from the formulas in
 * {@link RowStationaryModel}'s javadoc. Eyeriss v1 costs: DRAM 200, buffer 6, array 2, RF 1, MAC 1.
 */
class RowStationaryModelTest {
  static final Accelerator V1 = Accelerator.load(Path.of("conf/hardware/eyeriss-v1.conf"));
  static final double EPS = 1e-9;

  static LayerShape conv(int n, int c, int h, int m, int r, int stride, int pad, int groups) {
    return new LayerShape(0, "L", groups == c && groups == m && groups > 1 ? LayerKind.DEPTHWISE_CONV : LayerKind.CONV,
        n, c, h, h, m, r, r, stride, pad, groups);
  }

  static void assertCosts(double w, double i, double p, DataCosts actual, String level) {
    assertEquals(w, actual.weights(), EPS, level + " weights");
    assertEquals(i, actual.inputs(), EPS, level + " inputs");
    assertEquals(p, actual.psums(), EPS, level + " psums");
  }

  /**
   * One 3×3 filter on one 5×5 channel: E = F = 3, 81 MACs, 9 weights, 9 outputs. Best mapping: one 3×3 PE set
   * (e = 3), so the ifmap is read once (rows min(5, 2+3) = 5).
   * weights: DRAM 9, buffer 9, array 9·e = 27, RF 81.  inputs: DRAM 25, buffer 25, array R·E·W = 3·3·5 = 45, RF 81.
   * psums: DRAM 9 (outputs), buffer 2·1·9 = 18, array 9·(3·1 − 1) = 18, RF 2·(81 − 9·3) = 108.
   */
  @Test void oneFilterOneChannelFitsInOnePass() {
    var b = new RowStationaryModel(V1).estimate(conv(1, 1, 5, 1, 3, 1, 0, 1), LayerLoad.dense(16));
    assertEquals(3, b.mapping().e());
    assertCosts(9, 25, 9, b.accesses().dram(), "DRAM");
    assertCosts(9, 25, 18, b.accesses().buffer(), "buffer");
    assertCosts(27, 45, 18, b.accesses().array(), "array");
    assertCosts(81, 81, 108, b.accesses().rf(), "RF");
    assertEquals(81, b.accesses().mac(), EPS);
    // 43·200 + 52·6 + 90·2 + 270·1 + 81·1
    assertEquals(8600 + 312 + 180 + 270 + 81, b.totalEnergy(), EPS);
    assertEquals(43.0 / 81, b.dramAccessesPerMac(), EPS);
  }

  /** Stride 2 on a 7×7 map: E = 3, one set of 3×3 covers rows 0..6; array inputs 3·3·7 = 63. */
  @Test void stridedLayerReadsEachRowOnce() {
    var b = new RowStationaryModel(V1).estimate(conv(1, 1, 7, 1, 3, 2, 0, 1), LayerLoad.dense(16));
    assertCosts(9, 49, 9, b.accesses().dram(), "DRAM");
    assertCosts(9, 49, 18, b.accesses().buffer(), "buffer");
    assertCosts(27, 63, 18, b.accesses().array(), "array");
    assertCosts(81, 81, 108, b.accesses().rf(), "RF");
  }

  /**
   * Dense 4→2 (1×1 conv on a 1×1 map), 8 MACs: DRAM weights 8, inputs 4, outputs 2. Of the mappings, the cheapest
   * puts both filters (p = 2, t = 1) and all four channels (q·r = 4) in one pass: buffer inputs 4, psums 2·1·2 = 4;
   * array psums + RF psums = 2·(rSum − 1)·2 + 2·(8 − 2·rSum) = 12 whatever r, so energy is
   * DRAM 14·200 + buffer (8+4+4)·6 + array (8 + 4 + ·)·2 + RF (8 + 8 + ·) + MAC 8 = 2800 + 96 + 24 + 16 + 12 + 8.
   */
  @Test void denseLayerIsAOneByOneConvolution() {
    var dense = new LayerShape(0, "fc", LayerKind.DENSE, 1, 4, 1, 1, 2, 1, 1, 1, 0, 1);
    var b = new RowStationaryModel(V1).estimate(dense, LayerLoad.dense(16));
    assertCosts(8, 4, 2, b.accesses().dram(), "DRAM");
    assertCosts(8, 4, 4, b.accesses().buffer(), "buffer");
    assertEquals(2956, b.totalEnergy(), EPS);
    assertEquals(14.0 / 8, b.dramAccessesPerMac(), EPS);
  }

  /**
   * The 5×5 layer at 8-bit weights and activations: every weight and input word costs half, psums stay at the
   * 16-bit accumulator width except the final outputs written at activation bits; MAC energy (8·8)/(16·16) = 1/4.
   */
  @Test void eightBitHalvesDataButNotPsums() {
    var b = new RowStationaryModel(V1).estimate(conv(1, 1, 5, 1, 3, 1, 0, 1), LayerLoad.dense(8));
    assertCosts(4.5, 12.5, 4.5, b.accesses().dram(), "DRAM");
    assertCosts(4.5, 12.5, 18, b.accesses().buffer(), "buffer");
    assertCosts(13.5, 22.5, 18, b.accesses().array(), "array");
    assertCosts(40.5, 40.5, 108, b.accesses().rf(), "RF");
    assertEquals(81 * 0.25, b.energy().mac(), EPS);
    assertEquals(21.5 * 200 + 35 * 6 + 54 * 2 + 189 + 20.25, b.totalEnergy(), EPS);
  }

  /**
   * Half the weights zero, RLC with 4 index bits: stored 0.5·(16+4) = 10 bits per weight, so weight DRAM/buffer
   * 9·10/16 = 5.625 words, array 27·10/16; zero gating halves MACs and every RF access.
   */
  @Test void fineSparsityCompressesWeightsAndSkipsMacs() {
    var b = new RowStationaryModel(V1).estimate(conv(1, 1, 5, 1, 3, 1, 0, 1), new LayerLoad(16, 16, 0.5));
    assertCosts(5.625, 25, 9, b.accesses().dram(), "DRAM");
    assertCosts(5.625, 25, 18, b.accesses().buffer(), "buffer");
    assertCosts(16.875, 45, 18, b.accesses().array(), "array");
    assertCosts(40.5, 40.5, 54, b.accesses().rf(), "RF");
    assertEquals(40.5, b.accesses().mac(), EPS);
  }

  /** A depthwise layer is its groups repeated: two channels cost exactly twice the one-channel layer. */
  @Test void depthwiseIsRepeatedSingleChannelProblems() {
    var model = new RowStationaryModel(V1);
    var one = model.estimate(conv(1, 1, 5, 1, 3, 1, 0, 1), LayerLoad.dense(16));
    var two = model.estimate(conv(1, 2, 5, 2, 3, 1, 0, 2), LayerLoad.dense(16));
    assertEquals(2 * one.totalEnergy(), two.totalEnergy(), EPS);
    assertEquals(2 * one.accesses().level(Level.DRAM), two.accesses().level(Level.DRAM), EPS);
  }

  /** Densities are rounded up to the 0.01 grid: 0.501 is estimated as 0.51, and is cached once. */
  @Test void densityIsBucketedUpwards() {
    var model = new RowStationaryModel(V1, 0.01);
    var a = model.estimate(conv(1, 1, 5, 1, 3, 1, 0, 1), new LayerLoad(16, 16, 0.501));
    var b = model.estimate(conv(1, 1, 5, 1, 3, 1, 0, 1), new LayerLoad(16, 16, 0.51));
    assertEquals(0.51, a.load().weightDensity(), EPS);
    assertEquals(a.totalEnergy(), b.totalEnergy(), EPS);
    assertEquals(1, model.cached());
  }

  @Test void balancedSizesListEachChunkCountOnce() {
    assertArrayEquals(new int[]{1, 2, 3, 5}, RowStationaryModel.balanced(5));
    assertArrayEquals(new int[]{1, 2, 3, 4, 5, 7, 13}, RowStationaryModel.balanced(13));
    assertArrayEquals(new int[]{1}, RowStationaryModel.balanced(1));
  }

  /** A filter taller than the array (13 rows > 12) is folded into two parts of 7 rows and still maps. */
  @Test void tallFiltersAreFolded() {
    var tall = new LayerShape(0, "tall", LayerKind.CONV, 1, 2, 20, 20, 4, 13, 3, 1, 0, 1);
    var b = new RowStationaryModel(V1).estimate(tall, LayerLoad.dense(16));
    assertEquals(2, b.mapping().fold());
    assertEquals(7, b.mapping().setRows());
    assertEquals(4L * 2 * 8 * 18 * 13 * 3, (long) b.accesses().mac()); // MACs from the true shape: E = 8, F = 18
  }

  /** Filters wider than the ifmap pad (S = 13 > 12 words) are folded too: 2 row parts × 2 column parts. */
  @Test void wideFiltersAreFoldedAlongColumns() {
    var b = new RowStationaryModel(V1).estimate(conv(1, 2, 20, 4, 13, 1, 0, 1), LayerLoad.dense(16));
    assertEquals(4, b.mapping().fold());
  }

  static Mapping mapping(Mapping.Order order, int p, int q, int e, int r, int t, boolean psumsStay, boolean inputsStay) {
    return new Mapping(order, 1, p, q, e, r, t, 3, 1, psumsStay, inputsStay, 0);
  }

  /**
   * Two 3×3 filters on two 5×5 channels, one filter and one channel per pass (p = q = r = t = 1, e = 3):
   * O = 18 outputs, K = 36 weights, 324 MACs; N_M = N_C = 2 chunks, T = Rs = 2, H* = 5 rows.
   * weights: DRAM 36, buffer 36, array 36·3 = 108, RF 324.
   * inputs: DRAM 2·(2·5·5) = 100 (re-read per filter chunk), buffer 100, array T·C·R·E·W = 2·2·3·3·5 = 180, RF 324.
   * psums: DRAM 18, buffer 2·2·18 = 72, array 18·(3·2 − 2) = 72, RF 2·(324 − 18·3·2) = 432.
   */
  @Test void multiChunkMappingCountsByHand() {
    var model = new RowStationaryModel(V1);
    var s = conv(1, 2, 5, 2, 3, 1, 0, 1);
    var b = model.evaluate(s, LayerLoad.dense(16), mapping(Mapping.Order.FILTERS_OUTER, 1, 1, 3, 1, 1, true, false));
    assertCosts(36, 100, 18, b.accesses().dram(), "DRAM");
    assertCosts(36, 100, 72, b.accesses().buffer(), "buffer");
    assertCosts(108, 180, 72, b.accesses().array(), "array");
    assertCosts(324, 324, 432, b.accesses().rf(), "RF");
    assertEquals(4, b.mapping().passes());
    // psums spilled between the two channel chunks: 18 + 2·(2 − 1)·18 DRAM words
    var spill = model.evaluate(s, LayerLoad.dense(16), mapping(Mapping.Order.FILTERS_OUTER, 1, 1, 3, 1, 1, false, false));
    assertEquals(54, spill.accesses().dram().psums(), EPS);
    // the whole input kept: read once, 2·5·5
    var kept = model.evaluate(s, LayerLoad.dense(16), mapping(Mapping.Order.FILTERS_OUTER, 1, 1, 3, 1, 1, true, true));
    assertEquals(50, kept.accesses().dram().inputs(), EPS);
    // ROWS_OUTER with the stripe kept: weights from the buffer once per row chunk and image chunk (1·1), inputs once
    var rows = model.evaluate(s, LayerLoad.dense(16), mapping(Mapping.Order.ROWS_OUTER, 1, 1, 3, 1, 1, true, true));
    assertCosts(36, 50, 18, rows.accesses().dram(), "DRAM");
    assertCosts(36, 100, 72, rows.accesses().buffer(), "buffer");
    assertCosts(108, 180, 72, rows.accesses().array(), "array");
    // the searched optimum is never worse than any given mapping
    double best = model.estimate(s, LayerLoad.dense(16)).totalEnergy();
    for (var b2 : java.util.List.of(b, spill, kept, rows)) assertTrue(best <= b2.totalEnergy() + EPS);
  }

  @Test void theSearchedMappingEvaluatesToTheSameBreakdown() {
    var model = new RowStationaryModel(V1);
    var s = new LayerShape(0, "c", LayerKind.CONV, 2, 48, 27, 27, 64, 5, 5, 1, 2, 1);
    var load = new LayerLoad(6, 5, 0.4);
    var b = model.estimate(s, load);
    assertEquals(b, model.evaluate(s, load, b.mapping()));
  }

  @Test void anInfeasibleMappingIsRejected() {
    var s = conv(1, 8, 5, 2, 3, 1, 0, 1);
    var e = assertThrows(IllegalArgumentException.class, () -> new RowStationaryModel(V1).evaluate(s, LayerLoad.dense(16),
        mapping(Mapping.Order.FILTERS_OUTER, 1, 5, 3, 1, 1, true, false)));
    assertTrue(e.getMessage().endsWith(": q·S > ifmap pad (12)"), e.getMessage()); // 5 channels × 3 columns
  }

  /** Eyeriss JSSC 2017's CONV2 mapping (p=16, q=2, e=27, r=1, t=1; from memory) is feasible and is what the search picks. */
  @Test void thePublishedConv2MappingEvaluates() {
    var model = new RowStationaryModel(V1.withBatch(4));
    var conv2 = new LayerShape(1, "CONV2", LayerKind.CONV, 4, 96, 27, 27, 256, 5, 5, 1, 2, 2);
    var chip = new Mapping(Mapping.Order.FILTERS_OUTER, 4, 16, 2, 27, 1, 1, 5, 1, true, false, 0);
    assertEquals(model.estimate(conv2, LayerLoad.dense(16)).totalEnergy(), model.evaluate(conv2, LayerLoad.dense(16), chip).totalEnergy(), 1e-6);
  }
}
