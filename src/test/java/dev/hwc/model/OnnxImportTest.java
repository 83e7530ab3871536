package dev.hwc.model;

import onnx.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static dev.hwc.model.OnnxBuilder.i;
import static dev.hwc.model.OnnxBuilder.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxImportTest {
  @TempDir Path dir;

  /** Largest |imported − reference| over a seeded batch of 3; also checks the outputs are far from trivial. */
  static double maxDifference(Onnx.ModelProto model, Network net, InputNormalisation norm, long seed) {
    Node.Input in = net.input();
    int n = 3, size = in.channels() * in.height() * in.width();
    Random rnd = new Random(seed);
    double[] x = new double[n * size], xm = new double[n * size];
    float[] xf = new float[n * size];
    for (int i = 0; i < x.length; i++) {
      xf[i] = rnd.nextFloat();
      x[i] = xf[i];
      int c = (i / (in.height() * in.width())) % in.channels();
      double mean = norm.mean().get(norm.mean().size() == 1 ? 0 : c), std = norm.std().get(norm.std().size() == 1 ? 0 : c);
      xm[i] = (x[i] * norm.scale() - mean) / std;
    }
    OnnxReference.T ref = OnnxReference.run(model, new OnnxReference.T(new int[]{n, in.channels(), in.height(), in.width()}, xm));
    INDArray batch = Nd4j.createFromArray(xf).castTo(DataType.FLOAT).reshape('c', n, in.channels(), in.height(), in.width());
    float[] got = ExecutableNetwork.of(net).output(batch).dup('c').data().asFloat();
    assertEquals(ref.size(), got.length, "output size");
    double max = 0, spread = 0;
    for (int i = 0; i < got.length; i++) {
      max = Math.max(max, Math.abs(got[i] - ref.v()[i]));
      spread = Math.max(spread, Math.abs(ref.v()[i] - ref.v()[0]));
    }
    assertTrue(spread > 1e-2, "reference outputs are nearly constant (" + spread + "): the comparison would prove nothing");
    System.out.printf("onnx import %s: max |difference| to the reference = %.3g%n", net.metadata().architecture(), max);
    return max;
  }

  private static Network translate(Onnx.ModelProto m, String name) {
    return OnnxImport.translate(m, name, InputNormalisation.none(), null);
  }

  @Test
  void plainCnnMatchesTheReference() {
    Onnx.ModelProto m = OnnxFixtures.plainCnn();
    Network net = translate(m, "plain.onnx");
    assertEquals(List.of("input", "conv1", "relu1", "pool1", "conv2", "bn2", "relu6_layer", "pool2", "flatten", "fc"),
        net.nodes().stream().map(Node::name).toList());
    assertEquals(Node.Activation.Kind.RELU6, ((Node.Activation) net.node("relu6_layer")).kind());
    // fc: Gemm transB=1 weight [5, 32] stored as [32, 5]
    assertEquals(List.of(32L, 5L), List.of(net.params().get("fc/W").shape()[0], net.params().get("fc/W").shape()[1]));
    assertTrue(maxDifference(m, net, InputNormalisation.none(), 1) < 1e-4);
  }

  @Test
  void residualCnnWithProjectionShortcutMatchesTheReference() throws Exception {
    Onnx.ModelProto m = OnnxFixtures.residualCnn();
    Path file = dir.resolve("residual.onnx");
    Files.write(file, m.toByteArray());
    Network net = OnnxImport.read(file, InputNormalisation.none(), null);
    assertEquals(List.of("stem_conv_Conv", "layer1_conv1_Conv", "layer1_conv2_Conv", "layer1_downsample_0_Conv", "fc_Gemm"),
        net.layerShapes().stream().map(LayerShape::name).toList());
    assertEquals(List.of("layer1_bn2_BatchNormalization", "layer1_downsample_1_BatchNormalization"),
        ((Node.Add) net.node("layer1_Add")).sources());
    assertEquals("onnx:residual.onnx", net.metadata().architecture());
    assertEquals("13", net.metadata().extra().get("onnx-opset"));
    assertEquals(Set.of("source", "onnx-producer", "onnx-opset", InputNormalisation.METADATA_KEY),
        net.metadata().extra().keySet());
    assertEquals("onnx:residual.onnx", net.metadata().extra().get("source"));
    assertEquals(net.totalParams(), net.metadata().params());
    assertTrue(maxDifference(m, net, InputNormalisation.none(), 2) < 1e-4);
  }

  @Test
  void depthwiseBlockMatchesTheReference() {
    Onnx.ModelProto m = OnnxFixtures.depthwiseBlock();
    Network net = translate(m, "dw.onnx");
    assertTrue(((Node.Conv2d) net.node("dw")).depthwise());
    assertEquals(LayerKind.DEPTHWISE_CONV, net.layerShape("dw").kind());
    // MatMul + Add became one dense layer with a bias; GAP + Reshape need no flatten node
    assertEquals(new Node.Dense("fc_matmul", "gap", 8, 3, true), net.node("fc_matmul"));
    assertEquals("fc_matmul", net.nodes().get(net.nodes().size() - 1).name());
    assertTrue(maxDifference(m, net, InputNormalisation.none(), 3) < 1e-4);
  }

  @Test
  void mlpWithGemmVariantsMatchesTheReference() {
    Onnx.ModelProto m = OnnxFixtures.mlp();
    Network net = translate(m, "mlp.onnx");
    assertEquals(List.of("input", "flatten", "fc1", "relu1", "fc2", "relu2", "fc3", "softmax_layer"), net.nodes().stream().map(Node::name).toList());
    assertTrue(maxDifference(m, net, InputNormalisation.none(), 4) < 1e-4);
  }

  @Test
  void inputNormalisationIsAppliedAndRecorded() {
    Onnx.ModelProto m = OnnxFixtures.plainCnn();
    InputNormalisation norm = new InputNormalisation(255, List.of(72.93), List.of(90.015));
    Network net = OnnxImport.translate(m, "plain.onnx", norm, null);
    assertEquals(new Node.BatchNorm("input_norm", "input", 1, 0.0), net.nodes().get(1));
    assertEquals("(pixel/255 * 255 - mean [72.93]) / std [90.015], applied by node input_norm",
        net.metadata().extra().get("input-normalisation"));
    assertTrue(maxDifference(m, net, norm, 5) < 1e-4);
    // the same network without the normalisation gives other outputs: the comparison above can fail
    Network plain = translate(m, "plain.onnx");
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 1, 12, 12);
    assertTrue(ExecutableNetwork.of(plain).output(x).sub(ExecutableNetwork.of(net).output(x)).amaxNumber().doubleValue() > 1e-3);
  }

  @Test
  void inModelNormalisationBecomesBatchNormNodes() {
    // forward(x) = conv((x - mean) / std) * 0.5 + 0.1, means and stds per channel as PyTorch exports them
    OnnxBuilder b = new OnnxBuilder(21, 13);
    String x = b.input("input", 3, 6, 6);
    x = b.node("Sub", "/Sub", List.of(x, b.init("mean", new float[]{0.485f, 0.456f, 0.406f}, 1, 3, 1, 1)));
    x = b.node("Div", "/Div", List.of(x, b.init("std", new float[]{0.229f, 0.224f, 0.225f}, 3, 1, 1)));
    x = b.conv("/conv/Conv", x, 3, 4, 3, 1, 1, 1, true);
    x = b.node("Mul", "/Mul", List.of(x, b.init("half", new float[]{0.5f})));
    x = b.node("Add", "/Add", List.of(b.init("tenth", new float[]{0.1f}), x));
    x = b.node("GlobalAveragePool", "/gap", List.of(x));
    x = b.node("Flatten", "/flat", List.of(x));
    Onnx.ModelProto m = b.build(x);
    Network net = translate(m, "norm.onnx");
    assertEquals(List.of("input", "Sub", "Div", "conv_Conv", "Mul", "Add", "gap"), net.nodes().stream().map(Node::name).toList());
    assertTrue(maxDifference(m, net, InputNormalisation.none(), 6) < 1e-4);
    // a per-width constant is not a per-channel one: refused rather than silently broadcast over channels
    OnnxBuilder w = new OnnxBuilder(21, 13);
    String y = w.input("input", 3, 6, 6);
    y = w.node("Mul", "/Mul", List.of(y, w.init("k", new float[]{1, 2, 3}, 3)));
    Onnx.ModelProto bad = w.build(y);
    assertEquals("w.onnx: onnx node '/Mul' (Mul): constant k of shape [3] is not a scalar or per-channel",
        assertThrows(IllegalArgumentException.class, () -> translate(bad, "w.onnx")).getMessage());
  }

  @Test
  void unsupportedOperatorIsOneErrorNamingNodeAndOperator() {
    OnnxBuilder b = new OnnxBuilder(1, 13);
    String x = b.input("input", 1, 4, 4);
    x = b.node("Elu", "/act/Elu", List.of(x), OnnxBuilder.f("alpha", 1f));
    x = b.node("Flatten", "flatten", List.of(x));
    Onnx.ModelProto m = b.build(x);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> translate(m, "elu.onnx"));
    assertEquals("elu.onnx: onnx node '/act/Elu' (Elu): unsupported operator Elu (supported: Add, AveragePool, BatchNormalization, "
        + "Cast, Clip, Concat, Constant, Conv, Div, Dropout, Flatten, Gather, Gemm, GlobalAveragePool, HardSigmoid, HardSwish, Identity, "
        + "LeakyRelu, MatMul, MaxPool, Mul, Pad, ReduceMean, Relu, Reshape, Shape, Sigmoid, Slice, Softmax, Split, Squeeze, Sub, Tanh, "
        + "Transpose, Unsqueeze)", e.getMessage());
  }

  @Test
  void unsupportedAttributesAreErrorsNamingTheNode() {
    OnnxBuilder b = new OnnxBuilder(1, 13);
    String x = b.input("input", 2, 6, 6);
    x = b.node("Conv", "dilated", List.of(x, b.random("w", -1, 1, 2, 2, 3, 3)), ints("kernel_shape", 3, 3), ints("dilations", 2, 2));
    Onnx.ModelProto dilated = b.build(x);
    assertEquals("d.onnx: onnx node 'dilated' (Conv): unsupported attribute dilations=[2, 2] (only 1)",
        assertThrows(IllegalArgumentException.class, () -> translate(dilated, "d.onnx")).getMessage());

    b = new OnnxBuilder(1, 13);
    x = b.input("input", 4, 6, 6);
    x = b.node("Conv", "grouped", List.of(x, b.random("w", -1, 1, 4, 2, 3, 3)), i("group", 2));
    Onnx.ModelProto grouped = b.build(x);
    assertEquals("g.onnx: onnx node 'grouped' (Conv): unsupported attribute group=2 (only 1, or depthwise with group = input channels = output channels)",
        assertThrows(IllegalArgumentException.class, () -> translate(grouped, "g.onnx")).getMessage());

    b = new OnnxBuilder(1, 13);
    x = b.input("input", 1, 6, 6);
    x = b.node("MaxPool", "asym", List.of(x), ints("kernel_shape", 2, 2), ints("pads", 0, 0, 1, 1));
    Onnx.ModelProto asym = b.build(x);
    assertEquals("p.onnx: onnx node 'asym' (MaxPool): unsupported attribute pads=[0, 0, 1, 1] (only the same padding on all four sides)",
        assertThrows(IllegalArgumentException.class, () -> translate(asym, "p.onnx")).getMessage());

    b = new OnnxBuilder(1, 13);
    x = b.input("input", 1, 6, 6);
    x = b.node("Clip", "clip", List.of(x, b.init("lo", new float[]{-1f}), b.init("hi", new float[]{1f})));
    Onnx.ModelProto clip = b.build(x);
    assertEquals("c.onnx: onnx node 'clip' (Clip): unsupported attribute min=-1.0, max=1.0 (only Clip(0, 6) as ReLU6 or Clip(0) as ReLU)",
        assertThrows(IllegalArgumentException.class, () -> translate(clip, "c.onnx")).getMessage());
  }

  @Test
  void notAnOnnxFileIsOneError() throws Exception {
    Path bogus = dir.resolve("bogus.onnx");
    Files.writeString(bogus, "this is not protobuf at all");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxImport.read(bogus, InputNormalisation.none(), null));
    assertTrue(e.getMessage().startsWith(bogus + ": not an ONNX model"), e.getMessage());
    assertEquals(dir.resolve("none.onnx") + ": ONNX file not found",
        assertThrows(IllegalArgumentException.class, () -> OnnxImport.read(dir.resolve("none.onnx"), null, null)).getMessage());
  }
}
