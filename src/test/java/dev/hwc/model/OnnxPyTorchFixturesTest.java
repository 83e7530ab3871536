package dev.hwc.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models exported by PyTorch 1.13 (Debian's python3-torch) with scripts/make_onnx_fixtures.py, together with PyTorch's
 * own outputs on a fixed batch of 4 images: the imported network must reproduce them.
 */
class OnnxPyTorchFixturesTest {
  static Path resource(String name) throws Exception {
    return Path.of(OnnxPyTorchFixturesTest.class.getResource("/onnx/" + name).toURI());
  }

  static float[] floats(Path file) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / 4];
    for (int i = 0; i < f.length; i++) f[i] = b.getFloat();
    return f;
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain_cnn", "residual_cnn", "depthwise_block", "mlp"})
  void importedModelReproducesPyTorchsOutputs(String name) throws Exception {
    Network net = OnnxImport.read(resource(name + ".onnx"), InputNormalisation.none(), null);
    float[] x = floats(resource(name + ".in.bin")), expected = floats(resource(name + ".out.bin"));
    float[] got = ExecutableNetwork.of(net).output(Nd4j.createFromArray(x).castTo(DataType.FLOAT).reshape('c', 4, 1, 28, 28))
        .dup('c').data().asFloat();
    assertEquals(expected.length, got.length);
    double max = 0, spread = 0;
    for (int i = 0; i < got.length; i++) {
      max = Math.max(max, Math.abs(got[i] - expected[i]));
      spread = Math.max(spread, Math.abs(expected[i] - expected[0]));
    }
    System.out.printf("pytorch fixture %s: %d nodes, max |hwc - pytorch| = %.3g (outputs spread %.3g)%n", name, net.nodes().size(), max, spread);
    assertTrue(spread > 1e-2, "PyTorch's outputs are nearly constant: the comparison would prove nothing");
    assertTrue(max < 1e-4, name + ": max difference " + max);
  }
}
