package dev.hwc.compress;

import dev.hwc.model.Node;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Freshly initialised networks with the topologies of the four reference architectures (lenet5, vgg-small with BN,
 * resnet-small with an identity and two 1×1 projection shortcuts, mobilenet-small with depthwise separable blocks).
 * BatchNorm statistics are random (not 0/1) so that BN does real work in the tests.
 */
final class TestNetworks {
  final List<Node> nodes = new ArrayList<>();
  final Map<String, INDArray> params = new LinkedHashMap<>();
  private final Random rng;

  private TestNetworks(long seed) {
    rng = new Random(seed);
    nodes.add(new Node.Input("input", 1, 28, 28));
  }

  static TestNetworks create(String name, long seed) {
    TestNetworks b = new TestNetworks(seed);
    switch (name) {
      case "lenet5" -> {
        String x = b.relu("relu1", b.conv("conv1", "input", 1, 6, 5, 1, 2, true));
        x = b.pool("pool1", x);
        x = b.pool("pool2", b.relu("relu2", b.conv("conv2", x, 6, 16, 5, 1, 0, true)));
        x = b.flatten("flatten", x);
        x = b.relu("relu3", b.dense("fc1", x, 400, 120));
        x = b.relu("relu4", b.dense("fc2", x, 120, 84));
        b.dense("fc3", x, 84, 10);
      }
      case "vgg-small" -> {
        String x = "input";
        int c = 1;
        int[] widths = {12, 24, 48};
        for (int s = 0; s < 3; s++) {
          for (int k = 1; k <= 2; k++) {
            x = b.convBnRelu("conv" + (s + 1) + "_" + k, x, c, widths[s], 3, 1, 1);
            c = widths[s];
          }
          x = b.pool("pool" + (s + 1), x);
        }
        b.dense("fc", b.flatten("flatten", x), c * 9, 10);
      }
      case "resnet-small" -> {
        String x = b.convBnRelu("stem", "input", 1, 8, 3, 1, 1);
        x = b.block("block1", x, 8, 8, 1);
        x = b.block("block2", x, 8, 16, 2);
        x = b.block("block3", x, 16, 32, 2);
        b.dense("fc", b.gap("gap", x), 32, 10);
      }
      case "mobilenet-small" -> {
        String x = b.convBnRelu("stem", "input", 1, 16, 3, 1, 1);
        int[][] blocks = {{16, 32, 1}, {32, 64, 2}, {64, 128, 2}};
        for (int i = 0; i < 3; i++) {
          String dw = "dw" + (i + 1);
          b.nodes.add(new Node.Conv2d(dw, x, blocks[i][0], blocks[i][0], 3, 3, blocks[i][2], 1, blocks[i][0], false));
          b.params.put(dw + "/W", b.normal(1.0 / 3, blocks[i][0], 1, 3, 3));
          x = b.relu(dw + "_relu", b.bn(dw + "_bn", dw, blocks[i][0]));
          x = b.convBnRelu("pw" + (i + 1), x, blocks[i][0], blocks[i][1], 1, 1, 0);
        }
        b.dense("fc", b.gap("gap", x), 128, 10);
      }
      default -> throw new IllegalArgumentException(name);
    }
    return b;
  }

  INDArray normal(double std, long... shape) {
    long n = 1;
    for (long s : shape) n *= s;
    float[] d = new float[(int) n];
    for (int i = 0; i < d.length; i++) d[i] = (float) (rng.nextGaussian() * std);
    return Nd4j.create(d, shape, 'c');
  }

  INDArray uniform(double lo, double hi, long n) {
    float[] d = new float[(int) n];
    for (int i = 0; i < d.length; i++) d[i] = (float) (lo + rng.nextDouble() * (hi - lo));
    return Nd4j.create(d, new long[]{n}, 'c');
  }

  String conv(String name, String in, int cin, int cout, int k, int stride, int pad, boolean bias) {
    nodes.add(new Node.Conv2d(name, in, cin, cout, k, k, stride, pad, 1, bias));
    params.put(name + "/W", normal(Math.sqrt(2.0 / (cin * k * k)), cout, cin, k, k));
    if (bias) params.put(name + "/b", normal(0.05, cout));
    return name;
  }

  String dense(String name, String in, int fin, int fout) {
    nodes.add(new Node.Dense(name, in, fin, fout, true));
    params.put(name + "/W", normal(Math.sqrt(2.0 / fin), fin, fout));
    params.put(name + "/b", normal(0.05, fout));
    return name;
  }

  String bn(String name, String in, int c) {
    nodes.add(new Node.BatchNorm(name, in, c, 1e-5));
    params.put(name + "/gamma", uniform(0.5, 1.5, c));
    params.put(name + "/beta", uniform(-0.2, 0.2, c));
    params.put(name + "/mean", uniform(-0.1, 0.1, c));
    params.put(name + "/var", uniform(0.5, 2.0, c));
    return name;
  }

  String relu(String name, String in) {
    nodes.add(new Node.Activation(name, in, Node.Activation.Kind.RELU));
    return name;
  }

  String pool(String name, String in) {
    nodes.add(new Node.Pool(name, in, Node.Pool.Type.MAX, 2, 2, 0));
    return name;
  }

  String flatten(String name, String in) {
    nodes.add(new Node.Flatten(name, in));
    return name;
  }

  String gap(String name, String in) {
    nodes.add(new Node.GlobalAvgPool(name, in));
    return name;
  }

  String convBnRelu(String name, String in, int cin, int cout, int k, int stride, int pad) {
    return relu(name + "_relu", bn(name + "_bn", conv(name, in, cin, cout, k, stride, pad, false), cout));
  }

  String block(String name, String in, int cin, int cout, int stride) {
    String x = convBnRelu(name + "_conv1", in, cin, cout, 3, stride, 1);
    x = bn(name + "_bn2", conv(name + "_conv2", x, cout, cout, 3, 1, 1, false), cout);
    String shortcut = in;
    if (stride != 1 || cin != cout) shortcut = bn(name + "_proj_bn", conv(name + "_proj", in, cin, cout, 1, stride, 0, false), cout);
    nodes.add(new Node.Add(name + "_add", List.of(x, shortcut)));
    return relu(name + "_relu", name + "_add");
  }

  /** Deterministic pseudo-images in [0, 1]. */
  static INDArray images(int n, long seed) {
    Random r = new Random(seed);
    float[] d = new float[n * 28 * 28];
    for (int i = 0; i < d.length; i++) d[i] = r.nextFloat();
    return Nd4j.create(d, new long[]{n, 1, 28, 28}, 'c');
  }
}
