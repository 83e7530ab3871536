package dev.hwc.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The torchvision CNN families exported by scripts/make_torchvision_fixtures.py (reduced width, 3×32×32, random weights
 * with BatchNorm statistics measured on the inputs, classes spread so that argmax means something), with PyTorch's
 * logits on 1,000 RGB Fashion-MNIST test images, and the script's small net of the operators the families leave out:
 * each must agree with PyTorch on the class of ≥ 99.5% of the images.
 */
class TorchvisionFamiliesTest {
  static final int N = 1000, CLASSES = 10;

  static Path resource(String name) throws Exception {
    return Path.of(TorchvisionFamiliesTest.class.getResource("/torchvision/" + name).toURI());
  }

  @ParameterizedTest
  @ValueSource(strings = {"resnet18", "mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0", "densenet121", "squeezenet1_1",
      "googlenet", "shufflenet_v2", "operators"})
  void anImportedFamilyAgreesWithPyTorch(String family) throws Exception {
    Network net = OnnxImport.read(resource(family + ".onnx"), InputNormalisation.none(), null);
    byte[] u8 = Files.readAllBytes(resource("inputs.u8"));
    float[] x = new float[u8.length];
    for (int i = 0; i < x.length; i++) x[i] = (u8[i] & 0xff) / 255f;
    float[] expected = OnnxPyTorchFixturesTest.floats(resource(family + ".out.bin"));
    assertEquals(N * CLASSES, expected.length);
    ExecutableNetwork exec = ExecutableNetwork.of(net);
    int agree = 0;
    double max = 0;
    int batch = 250, px = 3 * 32 * 32;
    for (int from = 0; from < N; from += batch) {
      float[] chunk = java.util.Arrays.copyOfRange(x, from * px, (from + batch) * px);
      float[] got = exec.output(Nd4j.createFromArray(chunk).castTo(DataType.FLOAT).reshape('c', batch, 3, 32, 32)).dup('c').data().asFloat();
      for (int i = 0; i < batch; i++) {
        int a = 0, b = 0;
        for (int k = 0; k < CLASSES; k++) {
          int o = (from + i) * CLASSES + k;
          max = Math.max(max, Math.abs(got[i * CLASSES + k] - expected[o]));
          if (got[i * CLASSES + k] > got[i * CLASSES + a]) a = k;
          if (expected[o] > expected[(from + i) * CLASSES + b]) b = k;
        }
        if (a == b) agree++;
      }
    }
    System.out.printf("torchvision %s: %d nodes, %d prunable layers, argmax agreement %d/%d, max |hwc - pytorch| = %.3g%n",
        family, net.nodes().size(), net.layerShapes().size(), agree, N, max);
    assertTrue(agree >= 995, family + ": argmax agrees on " + agree + " of " + N);
    assertTrue(max < 1e-3, family + ": max logit difference " + max);
  }
}
