package dev.hwc.energy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class AcceleratorTest {
  static final Path V1 = Path.of("conf/hardware/eyeriss-v1.conf");

  @TempDir Path dir;

  @Test void eyerissV1LoadsWithThePublishedSizes() {
    var hw = Accelerator.load(V1);
    assertEquals("eyeriss-v1", hw.name());
    assertEquals(12, hw.peRows());
    assertEquals(14, hw.peColumns());
    assertEquals(108 * 1024, hw.globalBufferBytes());
    assertEquals(224, hw.filterSpadWords());
    assertEquals(12, hw.ifmapSpadWords());
    assertEquals(24, hw.psumSpadWords());
    assertEquals(AccessCosts.uniform(200), hw.costs(Level.DRAM));
    assertEquals(AccessCosts.uniform(6), hw.costs(Level.BUFFER));
    assertEquals(AccessCosts.uniform(2), hw.costs(Level.ARRAY));
    assertEquals(AccessCosts.uniform(1), hw.costs(Level.RF));
    assertEquals(1, hw.macEnergy());
    assertEquals(Accelerator.MacLaw.PRODUCT, hw.macLaw());
    assertEquals(1, hw.batch());
  }

  @Test void theSecondHardwareFileLoadsToo() {
    var hw = Accelerator.load(Path.of("conf/hardware/eyeriss-28nm-16x16.conf"));
    assertEquals(16, hw.peRows());
    assertEquals(Accelerator.SparseFormat.CSR, hw.sparseFormat());
  }

  @Test void bitScalingPacksNarrowData() {
    var hw = Accelerator.load(V1);
    assertEquals(0.5, hw.wordsPerDatum(8));
    assertEquals(24, hw.capacity(12, 8));      // 12 16-bit words hold 24 bytes
    assertEquals(0.25, hw.macScale(8, 8));     // product law: 64/256
    assertEquals(10, hw.storedWeightBits(16, 0.5)); // RLC: 0.5 · (16 + 4)
    assertEquals(8, hw.storedWeightBits(8, 0.9));   // 0.9 · 12 = 10.8 > 8: stored dense
  }

  private Path variant(String from, String to) throws IOException {
    String text = Files.readString(V1);
    assertTrue(text.contains(from), "fixture line not found: " + from);
    Path f = dir.resolve("bad.conf");
    Files.writeString(f, text.replace(from, to));
    return f;
  }

  @Test void missingKeyIsNamedWithTheFile() throws IOException {
    Path f = variant("columns = 14", "");
    var e = assertThrows(IllegalArgumentException.class, () -> Accelerator.load(f));
    assertEquals("hardware file " + f + ": array.columns is missing", e.getMessage());
  }

  @Test void zeroArraySizeIsRejected() throws IOException {
    Path f = variant("rows = 12", "rows = 0");
    var e = assertThrows(IllegalArgumentException.class, () -> Accelerator.load(f));
    assertEquals("hardware file " + f + ": array.rows must be >= 1, was 0", e.getMessage());
  }

  @Test void negativeEnergyIsRejected() throws IOException {
    Path f = variant("dram = 200", "dram = -200");
    var e = assertThrows(IllegalArgumentException.class, () -> Accelerator.load(f));
    assertEquals("hardware file " + f + ": energy.dram must be >= 0, was -200.0", e.getMessage());
  }

  @Test void unknownMacLawIsRejected() throws IOException {
    Path f = variant("mac-law = \"product\"", "mac-law = \"cubic\"");
    var e = assertThrows(IllegalArgumentException.class, () -> Accelerator.load(f));
    assertEquals("hardware file " + f + ": bit-scaling.mac-law must be one of [product, linear], was \"cubic\"", e.getMessage());
  }

  @Test void nonNumberIsRejected() throws IOException {
    Path f = variant("global-buffer-bytes = 110592", "global-buffer-bytes = lots");
    var e = assertThrows(IllegalArgumentException.class, () -> Accelerator.load(f));
    assertEquals("hardware file " + f + ": global-buffer-bytes must be an integer, was \"lots\"", e.getMessage());
  }

  @Test void missingFileIsNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> Accelerator.load(dir.resolve("nope.conf")));
    assertEquals("hardware file not found: " + dir.resolve("nope.conf"), e.getMessage());
  }

  @Test void linearMacLawAveragesTheWidths() {
    var c = com.typesafe.config.ConfigFactory.parseString("bit-scaling.mac-law = linear")
        .withFallback(com.typesafe.config.ConfigFactory.parseFile(V1.toFile()));
    var hw = Accelerator.fromConfig(c);
    assertEquals(Accelerator.MacLaw.LINEAR, hw.macLaw());
    assertEquals((4 + 8) / 32.0, hw.macScale(4, 8));
    assertEquals("config", hw.source());
  }

  /** The same 13-row filter folds on Eyeriss v1's 12 PE rows but not on the 16-row array of the 28 nm file. */
  @Test void anotherHardwareFileRetargetsTheMapping() {
    var tall = new dev.hwc.model.LayerShape(0, "tall", dev.hwc.model.LayerKind.CONV, 1, 4, 32, 32, 8, 13, 3, 1, 0, 1);
    var v1 = new RowStationaryModel(Accelerator.load(V1)).estimate(tall, LayerLoad.dense(8));
    var big = new RowStationaryModel(Accelerator.load(Path.of("conf/hardware/eyeriss-28nm-16x16.conf"))).estimate(tall, LayerLoad.dense(8));
    assertEquals(2, v1.mapping().fold());
    assertEquals(1, big.mapping().fold());
    assertEquals(13, big.mapping().setRows());
    assertNotEquals(v1.totalEnergy(), big.totalEnergy());
  }

  @Test void breakdownsRoundTripThroughJson() throws Exception {
    var b = new RowStationaryModel(Accelerator.load(V1)).estimate(
        new dev.hwc.model.LayerShape(0, "c", dev.hwc.model.LayerKind.CONV, 1, 3, 12, 12, 8, 3, 3, 1, 1, 1), new LayerLoad(4, 6, 0.5));
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    assertEquals(b, mapper.readValue(mapper.writeValueAsString(b), EnergyBreakdown.class));
  }
}
