package dev.hwc.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The four reference networks for 1×28×28 inputs and 10 classes, He-initialised from a seed (the same seed gives the
 * same weights on any machine: the draws come from {@link java.util.Random}, not the native RNG). Sized to train in a
 * few minutes on one core (MACs in the class test).
 */
public final class ReferenceArchitectures {
  public static final List<String> NAMES = List.of("lenet5", "vgg-small", "resnet-small", "mobilenet-small");

  private ReferenceArchitectures() {}

  /** How a new network's parameters are drawn. Weights are He-normal (std sqrt(2 / fan-in)) either way. */
  public enum Init {
    /** For training: zero biases, BatchNorm at gamma 1, beta 0, mean 0, var 1. */
    TRAINING,
    /**
     * For tests of what works on a trained network (compression, folding, recalibration): biases N(0, 0.05²),
     * BatchNorm gamma in [0.5, 1.5], beta in [-0.2, 0.2], mean in [-0.1, 0.1], var in [0.5, 2], so that no biases or
     * normalisation is an identity that a wrong computation could hide behind.
     */
    RANDOM_STATISTICS
  }

  public static Network create(String architecture, long seed) {
    return create(architecture, seed, Init.TRAINING);
  }

  public static Network create(String architecture, long seed, Init init) {
    Builder b = new Builder(architecture, seed, init);
    switch (architecture) {
      case "lenet5" -> lenet5(b);
      case "vgg-small" -> vggSmall(b);
      case "resnet-small" -> resnetSmall(b);
      case "mobilenet-small" -> mobilenetSmall(b);
      default -> throw new IllegalArgumentException("unknown architecture '" + architecture + "' (known: " + String.join(", ", NAMES) + ")");
    }
    return b.build();
  }

  /** LeNet-5: conv5×5×6 (pad 2) → pool → conv5×5×16 → pool → 120 → 84 → 10, ReLU, max-pooling. */
  public static Network lenet5(long seed) {
    return create("lenet5", seed);
  }

  private static void lenet5(Builder b) {
    String x = b.conv("conv1", "input", 1, 6, 5, 1, 2, true);
    x = b.relu("relu1", x);
    x = b.maxPool("pool1", x);
    x = b.conv("conv2", x, 6, 16, 5, 1, 0, true);
    x = b.relu("relu2", x);
    x = b.maxPool("pool2", x);
    x = b.flatten("flatten", x);
    x = b.dense("fc1", x, 400, 120);
    x = b.relu("relu3", x);
    x = b.dense("fc2", x, 120, 84);
    x = b.relu("relu4", x);
    b.dense("fc3", x, 84, 10);
  }

  /** VGG-style: (conv3×3+BN+ReLU)×2 per stage, widths 12-24-48, max-pool after each stage, dense 432 → 10. */
  public static Network vggSmall(long seed) {
    return create("vgg-small", seed);
  }

  private static void vggSmall(Builder b) {
    int[] widths = {12, 24, 48};
    String x = "input";
    int c = 1;
    for (int s = 0; s < widths.length; s++) {
      for (int k = 1; k <= 2; k++) {
        String name = "conv" + (s + 1) + "_" + k;
        x = b.convBnRelu(name, x, c, widths[s], 3, 1, 1);
        c = widths[s];
      }
      x = b.maxPool("pool" + (s + 1), x);
    }
    x = b.flatten("flatten", x);
    b.dense("fc", x, c * 3 * 3, 10);
  }

  /**
   * ResNet-style: stem conv3×3×8, then three basic blocks (8 → 8 stride 1 identity; 8 → 16 and 16 → 32 stride 2 with
   * 1×1 stride-2 projection shortcuts), global average pooling, dense 32 → 10.
   */
  public static Network resnetSmall(long seed) {
    return create("resnet-small", seed);
  }

  private static void resnetSmall(Builder b) {
    String x = b.convBnRelu("stem", "input", 1, 8, 3, 1, 1);
    x = b.basicBlock("block1", x, 8, 8, 1);
    x = b.basicBlock("block2", x, 8, 16, 2);
    x = b.basicBlock("block3", x, 16, 32, 2);
    x = b.gap("gap", x);
    b.dense("fc", x, 32, 10);
  }

  /**
   * MobileNet-style: stem conv3×3×16 with stride 2 (28 → 14), three depthwise-separable blocks (dw3×3+BN+ReLU,
   * pw1×1+BN+ReLU) to 32, 64, 128 channels (the second depthwise conv with stride 2, 14 → 7), global average pooling,
   * dense 128 → 10. The stride-2 stem is there because SameDiff's depthwise backprop is slow here (a first version
   * at 28×28 took ~6 CPU-minutes per epoch).
   */
  public static Network mobilenetSmall(long seed) {
    return create("mobilenet-small", seed);
  }

  private static void mobilenetSmall(Builder b) {
    String x = b.convBnRelu("stem", "input", 1, 16, 3, 2, 1);
    int[][] blocks = {{16, 32, 1}, {32, 64, 2}, {64, 128, 1}};
    for (int i = 0; i < blocks.length; i++) {
      int cin = blocks[i][0], cout = blocks[i][1], stride = blocks[i][2];
      x = b.depthwiseBnRelu("dw" + (i + 1), x, cin, 3, stride, 1);
      x = b.convBnRelu("pw" + (i + 1), x, cin, cout, 1, 1, 0);
    }
    x = b.gap("gap", x);
    b.dense("fc", x, 128, 10);
  }

  /** Appends nodes and parameters drawn as {@link Init} says, in node order from one seeded generator. */
  static final class Builder {
    private final String architecture;
    private final long seed;
    private final Init init;
    private final Random rng;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, INDArray> params = new LinkedHashMap<>();

    Builder(String architecture, long seed) {
      this(architecture, seed, Init.TRAINING);
    }

    Builder(String architecture, long seed, Init init) {
      this.architecture = architecture;
      this.seed = seed;
      this.init = init;
      this.rng = new Random(seed);
      nodes.add(new Node.Input("input", 1, 28, 28));
    }

    String conv(String name, String in, int cin, int cout, int k, int stride, int pad, boolean bias) {
      nodes.add(new Node.Conv2d(name, in, cin, cout, k, k, stride, pad, 1, bias));
      params.put(name + "/W", he(cin * k * k, cout, cin, k, k));
      if (bias) params.put(name + "/b", bias(cout));
      return name;
    }

    String depthwise(String name, String in, int c, int k, int stride, int pad) {
      nodes.add(new Node.Conv2d(name, in, c, c, k, k, stride, pad, c, false));
      params.put(name + "/W", he(k * k, c, 1, k, k));
      return name;
    }

    String dense(String name, String in, int fin, int fout) {
      nodes.add(new Node.Dense(name, in, fin, fout, true));
      params.put(name + "/W", he(fin, fin, fout));
      params.put(name + "/b", bias(fout));
      return name;
    }

    String bn(String name, String in, int c) {
      nodes.add(new Node.BatchNorm(name, in, c, 1e-5));
      params.put(name + "/gamma", statistic(c, 1, 0.5, 1.5));
      params.put(name + "/beta", statistic(c, 0, -0.2, 0.2));
      params.put(name + "/mean", statistic(c, 0, -0.1, 0.1));
      params.put(name + "/var", statistic(c, 1, 0.5, 2.0));
      return name;
    }

    /** Appends a node without parameters (a join, an activation of another kind). */
    String node(Node n) {
      nodes.add(n);
      return n.name();
    }

    String relu(String name, String in) {
      nodes.add(new Node.Activation(name, in, Node.Activation.Kind.RELU));
      return name;
    }

    String maxPool(String name, String in) {
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
      conv(name, in, cin, cout, k, stride, pad, false);
      bn(name + "_bn", name, cout);
      return relu(name + "_relu", name + "_bn");
    }

    String depthwiseBnRelu(String name, String in, int c, int k, int stride, int pad) {
      depthwise(name, in, c, k, stride, pad);
      bn(name + "_bn", name, c);
      return relu(name + "_relu", name + "_bn");
    }

    /** conv3×3+BN+ReLU, conv3×3+BN, plus the input (or its 1×1 projection+BN when shape changes), then ReLU. */
    String basicBlock(String name, String in, int cin, int cout, int stride) {
      String a = convBnRelu(name + "_conv1", in, cin, cout, 3, stride, 1);
      conv(name + "_conv2", a, cout, cout, 3, 1, 1, false);
      String main = bn(name + "_conv2_bn", name + "_conv2", cout);
      String shortcut = in;
      if (stride != 1 || cin != cout) {
        conv(name + "_proj", in, cin, cout, 1, stride, 0, false);
        shortcut = bn(name + "_proj_bn", name + "_proj", cout);
      }
      nodes.add(new Node.Add(name + "_add", List.of(main, shortcut)));
      return relu(name + "_relu", name + "_add");
    }

    private INDArray bias(int n) {
      return init == Init.TRAINING ? Nd4j.zeros(DataType.FLOAT, n) : normal(0.05, n);
    }

    /** A BatchNorm parameter: {@code start} for training, uniform in [lo, hi) for {@link Init#RANDOM_STATISTICS}. */
    private INDArray statistic(int n, double start, double lo, double hi) {
      if (init == Init.TRAINING) return Nd4j.zeros(DataType.FLOAT, n).addi(start);
      float[] v = new float[n];
      for (int i = 0; i < n; i++) v[i] = (float) (lo + rng.nextDouble() * (hi - lo));
      return Nd4j.create(v, new long[]{n}, 'c');
    }

    /** He-normal draws, std = sqrt(2 / fanIn). */
    private INDArray he(int fanIn, long... shape) {
      return normal(Math.sqrt(2.0 / fanIn), shape);
    }

    /** Normal draws with mean 0 and standard deviation {@code std}, in row-major order. */
    private INDArray normal(double std, long... shape) {
      long n = 1;
      for (long d : shape) n *= d;
      float[] v = new float[(int) n];
      for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextGaussian() * std);
      return Nd4j.create(v, shape, 'c');
    }

    /** A network of custom layers (for tests and experiments): replaces the default input node, then adds. */
    Network buildFrom(List<Node> inputs, java.util.function.Consumer<Builder> body) {
      nodes.clear();
      nodes.addAll(inputs);
      body.accept(this);
      return build();
    }

    Network build() {
      Network draft = new Network(nodes, params, ModelMetadata.untrained(architecture, seed));
      return draft.withMetadata(draft.metadata().withFigures(draft.totalParams(), draft.totalMacs()));
    }
  }
}
