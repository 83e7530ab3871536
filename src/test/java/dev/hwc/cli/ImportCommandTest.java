package dev.hwc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwc.model.ModelIO;
import dev.hwc.model.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.hwc.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code hwc import} end to end: the written zip is an ordinary model for info, energy and evaluate. */
class ImportCommandTest {
  @TempDir Path dir;

  private static Path fixture(String name) throws Exception {
    return Path.of(ImportCommandTest.class.getResource("/onnx/" + name).toURI());
  }

  @Test
  void importedResidualModelWorksWithInfoEnergyAndEvaluate() throws Exception {
    Path zip = dir.resolve("models/residual.zip");
    CliRun r = run("import", "--onnx", fixture("residual_cnn.onnx").toString(), "--out", zip.toString(), "--input-mean", "0.2860",
        "--input-std", "0.3530", "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(5, j.get("prunableLayers").asInt());
    assertEquals("(pixel/255 * 1 - mean [0.286]) / std [0.353], applied by node input_norm",
        j.get("metadata").get("extra").get("input-normalisation").asText());
    Network net = ModelIO.load(zip);
    assertEquals("input_norm", net.nodes().get(1).name());

    r = run("info", "--model", zip.toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode info = new ObjectMapper().readTree(r.out());
    assertEquals("outside hwc, not stated", info.get("metadata").get("extra").get("training-images").asText());
    // stem conv 8·1·9 + 8, block 16·8·9 + 16·16·9 + 1x1 16·8 + 3·16 folded-BN biases, fc 16·10 + 10, input_norm 4
    assertEquals(80 + 1152 + 2304 + 128 + 48 + 170 + 4, info.get("totalParams").asLong());
    // MACs: stem 28·28·8·9, conv1 7·7·16·72, conv2 7·7·16·144, shortcut 7·7·16·8, fc 160
    assertEquals(56_448 + 56_448 + 112_896 + 6_272 + 160, info.get("totalMacs").asLong());

    r = run("energy", "--model", zip.toString(), "--hardware", "conf/hardware/eyeriss-v1.conf");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("5 prunable layers"), r.out());

    Path data = Path.of("/usr/share/datasets/fashion-mnist");
    assumeTrue(Files.isDirectory(data), "Fashion-MNIST not installed");
    r = run("evaluate", "--model", zip.toString(), "--limit", "256", "--data", data.toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    assertEquals(256, new ObjectMapper().readTree(r.out()).get("images").asInt());
  }

  @Test
  void infoListsTheLayersWhoseChannelsAreSlicedOrShuffledAsFineGrainedOnly() throws Exception {
    Path zip = dir.resolve("concat-small.zip");
    dev.hwc.model.ModelIO.save(dev.hwc.model.GraphFixtures.create("concat-small", 1), zip);
    CliRun r = run("info", "--model", zip.toString());
    assertEquals(0, r.exit(), r.err());
    String out = r.out();
    assertTrue(out.contains("""
        fine-grained pruning only on 2 of 7 layers (coarse pruning cannot follow their channels, so a coarse choice prunes their weights element-wise):
          mix: its channels are sliced by 'left'
          right_conv: its channels are shuffled by 'shuffle'
        """), out);
    r = run("info", "--model", zip.toString(), "--json");
    JsonNode restricted = new ObjectMapper().readTree(r.out()).get("fineGrainedOnly");
    assertEquals(2, restricted.size());
    assertEquals("its channels are sliced by 'left'", restricted.get("mix").asText());
  }

  @Test
  void unsupportedOperatorWritesNothingAndExitsTwo() throws Exception {
    // a PyTorch export would never contain this: take the plain fixture and rename its first op
    onnx.Onnx.ModelProto m = onnx.Onnx.ModelProto.parseFrom(Files.readAllBytes(fixture("plain_cnn.onnx")));
    onnx.Onnx.ModelProto.Builder b = m.toBuilder();
    String first = b.getGraph().getNode(0).getName();
    b.getGraphBuilder().getNodeBuilder(0).setOpType("LpNormalization");
    Path file = dir.resolve("bad.onnx");
    Files.write(file, b.build().toByteArray());
    Path zip = dir.resolve("bad.zip");
    CliRun r = run("import", "--onnx", file.toString(), "--out", zip.toString());
    assertEquals(2, r.exit());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("hwc import: error: bad.onnx: onnx node '" + first + "' (LpNormalization): unsupported operator LpNormalization"), r.err());
    assertFalse(Files.exists(zip));
  }

  @Test
  void kerasModelImportsAndShowsInInfo() throws Exception {
    Path h5 = Path.of(ImportCommandTest.class.getResource("/keras/functional_resnet.h5").toURI());
    Path zip = dir.resolve("keras.zip");
    CliRun r = run("import", "--keras", h5.toString(), "--out", zip.toString(), "--input-scale", "255");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("5 prunable layers"), r.out());
    r = run("info", "--model", zip.toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    assertEquals("keras:functional_resnet.h5", new ObjectMapper().readTree(r.out()).get("metadata").get("architecture").asText());
    r = run("import", "--keras", h5.toString(), "--onnx", h5.toString(), "--out", zip.toString());
    assertEquals(2, r.exit()); // one source only
  }

  @Test
  void normalisationWithWrongChannelCountIsAnError() throws Exception {
    CliRun r = run("import", "--onnx", fixture("mlp.onnx").toString(), "--out", dir.resolve("x.zip").toString(), "--input-mean", "0.1,0.2,0.3");
    assertEquals(2, r.exit());
    assertEquals("hwc import: error: input mean has 3 values, the model input has 1 channels", r.err().strip());
    assertFalse(Files.exists(dir.resolve("x.zip")));
  }
}
