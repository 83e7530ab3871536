package dev.hwc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwc.data.DataSettings;
import dev.hwc.energy.Accelerator;
import dev.hwc.energy.EnergySettings;
import dev.hwc.energy.LayerLoad;
import dev.hwc.energy.ModelEnergy;
import dev.hwc.energy.RowStationaryModel;
import dev.hwc.model.LayerShape;
import dev.hwc.model.ModelIO;
import dev.hwc.model.Network;
import dev.hwc.model.ReferenceArchitectures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.hwc.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CompressCommandTest {
  @TempDir Path dir;

  private Path lenet() {
    Path model = dir.resolve("lenet5.zip");
    ModelIO.save(ReferenceArchitectures.lenet5(1), model);
    return model;
  }

  @Test void badUniformSpecIsOneLineAndExitTwo() {
    CliRun r = run("compress", "--model", lenet().toString(), "--uniform", "0.3:FilterL1", "--out", dir.resolve("o").toString());
    assertEquals(2, r.exit());
    assertEquals("hwc compress: error: --uniform must be RATIO:ALGORITHM:WBITS:ABITS, was '0.3:FilterL1'", r.err().strip());
  }

  @Test void badPlanFileNamesTheLayerAndTheAlgorithm() throws Exception {
    Path plan = dir.resolve("plan.json");
    StringBuilder sb = new StringBuilder("{\"layers\":[");
    String[] layers = {"conv1", "conv2", "fc1", "fc2", "fc3"};
    for (int i = 0; i < layers.length; i++)
      sb.append(i > 0 ? "," : "").append("{\"layer\":\"").append(layers[i]).append("\",\"decision\":{\"pruneRatio\":0.2,\"algorithm\":\"")
          .append(i == 1 ? "Foo" : "Magnitude").append("\",\"weightBits\":8,\"activationBits\":8}}");
    Files.writeString(plan, sb.append("]}").toString());
    CliRun r = run("compress", "--model", lenet().toString(), "--plan", plan.toString(), "--out", dir.resolve("o").toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().strip().startsWith("hwc compress: error: plan layer 'conv2': unknown algorithm 'Foo' (known: FilterL1, FilterL2, "), r.err());
  }

  @Test void writesTheThinnedModelPlanAndStats() throws Exception {
    assumeTrue(Files.isDirectory(DataSettings.from(HwcConfig.load(null)).dir()), "skipped: Fashion-MNIST is not installed");
    Path out = dir.resolve("out");
    CliRun r = run("compress", "--model", lenet().toString(), "--uniform", "0.5:FilterL1:8:8", "--out", out.toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    // conv1 keeps 3 of 6 filters, conv2 8 of 16, fc1 60 of 120, fc2 42 of 84; the classifier keeps its 10 outputs
    assertEquals(3 * 25 + 3 + 8 * 3 * 25 + 8 + 200 * 60 + 60 + 60 * 42 + 42 + 42 * 10 + 10, j.get("after").get("params").asLong());
    assertEquals(j.get("after").get("testAccuracy").asDouble(), j.get("thinnedAccuracy").asDouble(), 1e-9);
    // the loss is the accuracies' difference, its standard error from the images the two models disagree on (> 0 here)
    assertEquals((j.get("before").get("testAccuracy").asDouble() - j.get("after").get("testAccuracy").asDouble()) * 100,
        j.get("testLossPoints").asDouble(), 1e-9);
    assertTrue(j.get("testLossStandardErrorPoints").asDouble() > 0 && j.get("testLossStandardErrorPoints").asDouble() < 1,
        j.get("testLossStandardErrorPoints").asText());
    Network thin = ModelIO.load(out.resolve("model.zip"));
    assertEquals(j.get("after").get("params").asLong(), thin.totalParams());
    assertTrue(Files.readString(out.resolve("plan.json")).contains("\"algorithm\":\"FilterL1\""));
    assertEquals(5, new ObjectMapper().readTree(out.resolve("stats.json").toFile()).get("layers").size());

    // Energy as the search prices it: conv2 thinned to 3 -> 8 channels, dense, 8-bit, on the default hardware.
    JsonNode e = j.get("energy");
    JsonNode conv2 = j.get("layers").get(1).get("shape");
    assertEquals(3, conv2.get("c").asInt());
    assertEquals(8, conv2.get("m").asInt());
    LayerShape conv2Shape = new ObjectMapper().treeToValue(conv2, LayerShape.class);
    EnergySettings es = EnergySettings.fromConfig(HwcConfig.load(null).getConfig("hwc.energy"));
    ModelEnergy model = new ModelEnergy(new RowStationaryModel(Accelerator.load(HwcConfig.resolve(es.hardware())), es.densityStep()), 8);
    assertEquals(model.layer(conv2Shape, LayerLoad.dense(8)).totalPj(), e.get("layerPj").get(1).asDouble(), 1e-6);
    double sum = 0;
    for (JsonNode pj : e.get("layerPj")) sum += pj.asDouble();
    assertEquals(sum, e.get("compressedPj").asDouble(), 1e-6 * sum);
    assertEquals(model.baseline(ReferenceArchitectures.lenet5(1).layerShapes()).totalPj(), e.get("baselinePj").asDouble(), 1e-6);
    assertEquals(1 - sum / e.get("baselinePj").asDouble(), e.get("reduction").asDouble(), 1e-9);
    assertTrue(e.get("reduction").asDouble() > 0.4, "half the channels of four layers: " + e);
    assertTrue(r.out().contains("\"hardware\" : \"eyeriss-v1\""), r.out());
  }

  @Test void theDenseBaselineBitsPlanCostsExactlyTheBaseline() throws Exception {
    assumeTrue(Files.isDirectory(DataSettings.from(HwcConfig.load(null)).dir()), "skipped: Fashion-MNIST is not installed");
    CliRun r = run("compress", "--model", lenet().toString(), "--uniform", "0:none:8:8", "--out", dir.resolve("out").toString());
    assertEquals(0, r.exit(), r.err());
    String line = r.out().lines().filter(l -> l.startsWith("energy (pJ)")).findFirst().orElseThrow();
    assertTrue(line.endsWith("(eyeriss-v1; 0.0% less than dense 8-bit)"), line);
  }

  @Test void aMissingHardwareFileFailsBeforeAnyWork() {
    CliRun r = run("compress", "--model", lenet().toString(), "--uniform", "0:none:8:8", "--out", dir.resolve("o").toString(),
        "--hardware", dir.resolve("none.conf").toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().strip().startsWith("hwc compress: error: "), r.err());
    assertTrue(r.err().contains("none.conf"), r.err());
    assertFalse(Files.exists(dir.resolve("o")));
  }
}
