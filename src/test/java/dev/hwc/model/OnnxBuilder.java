package dev.hwc.model;

import onnx.Onnx;
import org.nd4j.shade.protobuf.ByteString;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Builds small ONNX models with known (seeded) weights through the protobuf builders, for the import tests. */
final class OnnxBuilder {
  private final Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("test");
  private final Random rnd;
  private final int opset;
  /** Write float initializers as raw_data (what PyTorch does) rather than float_data. */
  boolean raw = true;

  OnnxBuilder(long seed, int opset) {
    this.rnd = new Random(seed);
    this.opset = opset;
  }

  String input(String name, long... dims) {
    Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
    s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
    for (long d : dims) s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    g.addInput(Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))));
    return name;
  }

  String init(String name, float[] data, long... dims) {
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(1);
    for (long d : dims) t.addDims(d);
    if (raw) {
      ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float f : data) b.putFloat(f);
      t.setRawData(ByteString.copyFrom(b.array()));
    } else {
      for (float f : data) t.addFloatData(f);
    }
    g.addInitializer(t);
    return name;
  }

  String initLongs(String name, long... values) {
    Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(7).addDims(values.length);
    for (long v : values) t.addInt64Data(v);
    g.addInitializer(t);
    return name;
  }

  String random(String name, double lo, double hi, long... dims) {
    int n = 1;
    for (long d : dims) n *= (int) d;
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
    return init(name, v, dims);
  }

  String node(String op, String name, List<String> inputs, Onnx.AttributeProto... attrs) {
    String out = name + "_out";
    g.addNode(Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(out).addAllAttribute(Arrays.asList(attrs)));
    return out;
  }

  String conv(String name, String x, int in, int out, int k, int stride, int pad, int group, boolean bias) {
    double bound = 1 / Math.sqrt((double) in / group * k * k);
    List<String> ins = new ArrayList<>(List.of(x, random(name + ".weight", -bound, bound, out, in / group, k, k)));
    if (bias) ins.add(random(name + ".bias", -0.2, 0.2, out));
    return node("Conv", name, ins, ints("kernel_shape", k, k), ints("strides", stride, stride), ints("pads", pad, pad, pad, pad),
        ints("dilations", 1, 1), i("group", group));
  }

  String bn(String name, String x, int c) {
    return node("BatchNormalization", name, List.of(x, random(name + ".weight", 0.5, 1.5, c), random(name + ".bias", -0.3, 0.3, c),
        random(name + ".running_mean", -0.2, 0.2, c), random(name + ".running_var", 0.5, 2.0, c)), f("epsilon", 1e-5f), f("momentum", 0.9f));
  }

  /** PyTorch's nn.Linear: Gemm with transB=1 and B = weight [out, in]. */
  String linear(String name, String x, int in, int out) {
    double bound = 1 / Math.sqrt(in);
    return node("Gemm", name, List.of(x, random(name + ".weight", -bound, bound, out, in), random(name + ".bias", -0.2, 0.2, out)),
        f("alpha", 1f), f("beta", 1f), i("transB", 1));
  }

  String relu(String name, String x) {
    return node("Relu", name, List.of(x));
  }

  /** Clip(0, 6) as PyTorch exports ReLU6 from opset 11 on: min and max as constant inputs. */
  String relu6(String name, String x) {
    String lo = init(name + ".min", new float[]{0f}), hi = init(name + ".max", new float[]{6f});
    return node("Clip", name, List.of(x, lo, hi));
  }

  Onnx.ModelProto build(String output) {
    g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(output));
    return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("hwc-test").setProducerVersion("1")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(g).build();
  }

  static Onnx.AttributeProto i(String name, long v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
  }

  static Onnx.AttributeProto f(String name, float v) {
    return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v).build();
  }

  static Onnx.AttributeProto ints(String name, long... v) {
    Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
    for (long x : v) a.addInts(x);
    return a.build();
  }
}
