package dev.hwc.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keras 2 HDF5 files written by scripts/make_keras_fixtures.py (h5py, Keras's layout) with outputs of an independent
 * NHWC numpy forward pass: the imported NCHW network must reproduce them.
 */
class KerasImportTest {
  static Path resource(String name) throws Exception {
    return Path.of(KerasImportTest.class.getResource("/keras/" + name).toURI());
  }

  @ParameterizedTest
  @CsvSource({"sequential_cnn, 12, 12, 1", "functional_resnet, 9, 9, 3"})
  void importedModelReproducesTheReference(String name, int h, int w, int c) throws Exception {
    Network net = KerasImport.read(resource(name + ".h5"), InputNormalisation.none());
    float[] nhwc = OnnxPyTorchFixturesTest.floats(resource(name + ".in.bin"));
    float[] expected = OnnxPyTorchFixturesTest.floats(resource(name + ".out.bin"));
    var x = Nd4j.createFromArray(nhwc).castTo(DataType.FLOAT).reshape('c', 4, h, w, c).permute(0, 3, 1, 2).dup('c');
    float[] got = ExecutableNetwork.of(net).output(x).dup('c').data().asFloat();
    assertEquals(expected.length, got.length);
    double max = 0, spread = 0;
    for (int i = 0; i < got.length; i++) {
      max = Math.max(max, Math.abs(got[i] - expected[i]));
      spread = Math.max(spread, Math.abs(expected[i] - expected[0]));
    }
    System.out.printf("keras fixture %s: %d nodes, max |hwc - reference| = %.3g (outputs spread %.3g)%n", name, net.nodes().size(), max, spread);
    assertTrue(spread > 1e-2, "reference outputs nearly constant");
    assertTrue(max < 1e-4, name + ": max difference " + max);
  }

  @Test
  void functionalModelKeepsItsGraph() throws Exception {
    Network net = KerasImport.read(resource("functional_resnet.h5"), InputNormalisation.none());
    // Keras's default name "add" is what SameDiff calls its unnamed add ops: renamed, the quantization-hook graph builds
    assertEquals(List.of("main_bn", "proj"), ((Node.Add) net.node("add_layer")).sources());
    ExecutableNetwork.withActivationQuantization(net);
    assertTrue(((Node.Conv2d) net.node("dw")).depthwise());
    assertEquals(new Node.Conv2d("main", "dw_relu", 8, 16, 3, 3, 2, 1, 1, false), net.node("main"));
    assertEquals(List.of("conv1", "dw", "main", "proj", "fc"), net.layerShapes().stream().map(LayerShape::name).toList());
    assertEquals("keras:functional_resnet.h5", net.metadata().architecture());
    assertEquals(Map.of("source", "keras:functional_resnet.h5", "keras-model-class", "Functional",
        InputNormalisation.METADATA_KEY, "none (model takes pixel/255)"), net.metadata().extra());
    assertEquals(net.totalMacs(), net.metadata().macs());
  }

  private static JsonNode sequential(String layersJson) throws Exception {
    return new ObjectMapper().readTree("{\"class_name\":\"Sequential\",\"config\":{\"name\":\"s\",\"layers\":["
        + "{\"class_name\":\"InputLayer\",\"config\":{\"name\":\"in\",\"batch_input_shape\":[null,6,6,1]}}," + layersJson + "]}}");
  }

  @Test
  void unsupportedLayerIsOneErrorNamingLayerAndClass() throws Exception {
    JsonNode cfg = sequential("{\"class_name\":\"LSTM\",\"config\":{\"name\":\"lstm_1\",\"units\":4}}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KerasImport.translate(cfg, layer -> Map.of(), "m.h5", InputNormalisation.none()));
    assertEquals("m.h5: keras layer 'lstm_1' (LSTM): unsupported layer LSTM (supported: Activation, Add, AveragePooling2D, "
        + "BatchNormalization, Conv2D, Dense, DepthwiseConv2D, Dropout, Flatten, GlobalAveragePooling2D, InputLayer, MaxPooling2D, ReLU, Rescaling)", e.getMessage());
  }

  @Test
  void rescalingLayerIsApplied() throws Exception {
    // Rescaling(1/255) then a 1x1 conv with weight 2, no bias: pixel 127.5 -> 0.5 -> 1.0
    JsonNode cfg = sequential("{\"class_name\":\"Rescaling\",\"config\":{\"name\":\"rescaling\",\"scale\":0.00392156862745098,\"offset\":0.0}},"
        + "{\"class_name\":\"Conv2D\",\"config\":{\"name\":\"c\",\"filters\":1,\"kernel_size\":[1,1],\"use_bias\":false}}");
    Network net = KerasImport.translate(cfg, l -> Map.of("kernel", Nd4j.valueArrayOf(new long[]{1, 1, 1, 1}, 2f)), "r.h5", null);
    assertEquals(new Node.BatchNorm("rescaling", "in", 1, 0.0), net.node("rescaling"));
    float got = ExecutableNetwork.of(net).output(Nd4j.valueArrayOf(new long[]{1, 1, 6, 6}, 127.5f)).getFloat(0, 0, 3, 3);
    assertEquals(1.0f, got, 1e-6f);
  }

  @Test
  void unevenSamePaddingAndDilationAreRefused() throws Exception {
    var kernel = Map.of("kernel", Nd4j.zeros(DataType.FLOAT, 2, 2, 1, 2));
    JsonNode even = sequential("{\"class_name\":\"Conv2D\",\"config\":{\"name\":\"c\",\"filters\":2,\"kernel_size\":[2,2],"
        + "\"strides\":[1,1],\"padding\":\"same\",\"use_bias\":false,\"activation\":\"linear\"}}");
    assertEquals("m.h5: keras layer 'c' (Conv2D): padding=same pads unevenly here (input 6x6, kernel 2x2, stride 1); only symmetric padding is supported",
        assertThrows(IllegalArgumentException.class, () -> KerasImport.translate(even, l -> kernel, "m.h5", null)).getMessage());
    JsonNode dilated = sequential("{\"class_name\":\"Conv2D\",\"config\":{\"name\":\"c\",\"filters\":2,\"kernel_size\":[2,2],"
        + "\"dilation_rate\":[2,2],\"use_bias\":false}}");
    assertEquals("m.h5: keras layer 'c' (Conv2D): unsupported dilation_rate=[2,2] (only 1)",
        assertThrows(IllegalArgumentException.class, () -> KerasImport.translate(dilated, l -> kernel, "m.h5", null)).getMessage());
  }
}
