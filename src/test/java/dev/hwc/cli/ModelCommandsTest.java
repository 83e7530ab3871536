package dev.hwc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwc.model.ModelIO;
import dev.hwc.model.ReferenceArchitectures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.hwc.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ModelCommandsTest {
  @TempDir Path dir;

  @Test
  void infoPrintsTheLayerTableAsJson() throws Exception {
    Path model = dir.resolve("lenet5.zip");
    ModelIO.save(ReferenceArchitectures.lenet5(1), model);
    CliRun r = run("info", "--model", model.toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(416_520, j.get("totalMacs").asLong());
    assertEquals(61_706, j.get("totalParams").asLong());
    assertEquals(5, j.get("prunableLayers").asInt());
    JsonNode conv2 = j.get("layers").get(4);
    // conv2 reads pool1's 6×14×14 and writes 16×10×10: 100·16·6·25 MACs, 16·6·25 + 16 params
    assertEquals("conv2", conv2.get("name").asText());
    assertEquals("6x14x14", conv2.get("input").asText());
    assertEquals("16x10x10", conv2.get("output").asText());
    assertEquals(240_000, conv2.get("macs").asLong());
    assertEquals(2_416, conv2.get("params").asLong());
  }

  @Test
  void missingDataDirectoryIsOneLineAndExitTwo() {
    Path model = dir.resolve("lenet5.zip");
    ModelIO.save(ReferenceArchitectures.lenet5(1), model);
    CliRun r = run("evaluate", "--model", model.toString(), "--data", "/nonexistent");
    assertEquals(2, r.exit());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertEquals(true, r.err().startsWith("hwc evaluate: error: data /nonexistent not found: install"), r.err());
  }

  @Test
  void aGreyModelOnColourDataIsOneLineAndExitTwoForEvaluateAndCompress() throws Exception {
    Path model = dir.resolve("lenet5.zip");
    ModelIO.save(ReferenceArchitectures.lenet5(1), model);
    Path data = dir.resolve("cifar");
    dev.hwc.data.DatasetWriter.cifar10(data, dev.hwc.data.DatasetFormatsTest.split("train", dev.hwc.data.DatasetFormatsTest.RGB32, 10, 10),
        dev.hwc.data.DatasetFormatsTest.split("test", dev.hwc.data.DatasetFormatsTest.RGB32, 5, 10));
    String expected = "model lenet5.zip takes 1×28×28 images but CIFAR-10 binary " + data + " holds 3×32×32 images";
    for (String[] args : new String[][] {{"evaluate"}, {"compress", "--uniform", "0.5:Magnitude:8:8", "--out", dir.resolve("c").toString()}}) {
      java.util.List<String> a = new java.util.ArrayList<>(java.util.List.of(args));
      a.addAll(java.util.List.of("--model", model.toString(), "--data", data.toString()));
      CliRun r = run(a.toArray(String[]::new));
      assertEquals(2, r.exit(), args[0] + ": " + r.err());
      assertEquals("hwc " + args[0] + ": error: " + expected, r.err().strip(), args[0]);
    }
  }

  @Test
  void foreignModelAndUnknownArchitectureAreOneLineErrors() throws Exception {
    Path bogus = dir.resolve("bogus.zip");
    java.nio.file.Files.writeString(bogus, "not a zip");
    CliRun r = run("info", "--model", bogus.toString());
    assertEquals(2, r.exit());
    assertEquals("hwc info: error: " + bogus + ": not an hwc model zip (not a zip file or empty)", r.err().strip());
    r = run("train", "--arch", "alexnet", "--epochs", "1", "--out", dir.resolve("x.zip").toString());
    assertEquals(2, r.exit());
    assertEquals("hwc train: error: unknown architecture 'alexnet' (known: lenet5, vgg-small, resnet-small, mobilenet-small)", r.err().strip());
  }
}
