package dev.hwc.model;

import java.util.List;

/**
 * Small 1×28×28, 10-class networks with the joins and operators of exported torchvision graphs that the reference
 * architectures lack, drawn like them ({@link ReferenceArchitectures.Init#RANDOM_STATISTICS}) for compression tests.
 */
public final class GraphFixtures {
  public static final List<String> NAMES = List.of("se-small", "concat-small");

  private GraphFixtures() {}

  public static Network create(String name, long seed) {
    ReferenceArchitectures.Builder b = new ReferenceArchitectures.Builder(name, seed, ReferenceArchitectures.Init.RANDOM_STATISTICS);
    return switch (name) {
      case "se-small" -> b.buildFrom(List.of(new Node.Input("input", 1, 28, 28)), GraphFixtures::seSmall);
      case "concat-small" -> b.buildFrom(List.of(new Node.Input("input", 1, 28, 28)), GraphFixtures::concatSmall);
      default -> throw new IllegalArgumentException("unknown fixture '" + name + "' (known: " + String.join(", ", NAMES) + ")");
    };
  }

  /**
   * EfficientNet/MobileNetV3-style: a stem; a block whose squeeze-and-excitation output is projected and added back
   * to its own input (the projection reads and writes one channel space); an expanding block with a hard-sigmoid
   * gate and hard-swish; a SiLU (x · sigmoid(x)); global pooling kept as [C, 1, 1] and flattened into the classifier.
   */
  private static void seSmall(ReferenceArchitectures.Builder b) {
    String stem = act(b, "stem_act", b.bn("stem_bn", b.conv("stem", "input", 1, 8, 3, 2, 1, false), 8), Node.Activation.Kind.HARD_SWISH);
    String dw = b.relu("b1_dw_relu", b.bn("b1_dw_bn", b.depthwise("b1_dw", stem, 8, 3, 1, 1), 8));
    String gated = squeezeExcite(b, "b1_se", dw, 8, 2, 14, Node.Activation.Kind.SIGMOID);
    String proj = b.bn("b1_proj_bn", b.conv("b1_proj", gated, 8, 8, 1, 1, 0, false), 8);
    String x = b.node(new Node.Add("b1_add", List.of(proj, stem)));

    String e = act(b, "b2_expand_act", b.bn("b2_expand_bn", b.conv("b2_expand", x, 8, 16, 1, 1, 0, false), 16), Node.Activation.Kind.HARD_SWISH);
    String dw2 = act(b, "b2_dw_act", b.bn("b2_dw_bn", b.depthwise("b2_dw", e, 16, 3, 2, 1), 16), Node.Activation.Kind.HARD_SWISH);
    String gated2 = squeezeExcite(b, "b2_se", dw2, 16, 4, 7, Node.Activation.Kind.HARD_SIGMOID);
    String p2 = b.bn("b2_proj_bn", b.conv("b2_proj", gated2, 16, 12, 1, 1, 0, false), 12);

    String head = b.bn("head_bn", b.conv("head", p2, 12, 24, 1, 1, 0, false), 24);
    String sig = act(b, "head_sigmoid", head, Node.Activation.Kind.SIGMOID);
    String silu = b.node(new Node.Mul("head_silu", List.of(head, sig)));
    String pooled = b.node(new Node.Pool("pool", silu, Node.Pool.Type.AVG, 7, 7, 0));
    b.dense("fc", b.flatten("flatten", pooled), 24, 10);
  }

  /**
   * Inception/DenseNet/ShuffleNet-style joins: a stem with LeakyReLU and a ceil-rounded max pool (28 → 14), two
   * branches concatenated with the stem's map, a BatchNorm over the concatenation, a bottleneck that coarse pruning may
   * thin (its channels only reach the next conv), then a ShuffleNet unit: the map split in halves, one half through a
   * conv, concatenated back with the other and shuffled in two groups.
   */
  private static void concatSmall(ReferenceArchitectures.Builder b) {
    String stem = act(b, "stem_act", b.bn("stem_bn", b.conv("stem", "input", 1, 8, 3, 1, 1, false), 8), Node.Activation.Kind.LEAKY_RELU, 0.1);
    String pool = b.node(new Node.Pool("stem_pool", stem, Node.Pool.Type.MAX, 3, 2, 0, true));
    String a = b.relu("a_relu", b.bn("a_bn", b.conv("a", pool, 8, 6, 1, 1, 0, false), 6));
    String c = b.relu("c_relu", b.bn("c_bn", b.conv("c", pool, 8, 4, 3, 1, 1, true), 4));
    String cat = b.node(new Node.Concat("cat", List.of(pool, a, c)));
    String x = b.relu("cat_relu", b.bn("cat_bn", cat, 18));
    String bottleneck = b.relu("bottleneck_relu", b.bn("bottleneck_bn", b.conv("bottleneck", x, 18, 12, 1, 1, 0, false), 12));
    String mix = b.relu("mix_relu", b.bn("mix_bn", b.conv("mix", bottleneck, 12, 8, 3, 2, 1, false), 8));
    String left = b.node(new Node.ChannelSlice("left", mix, 0, 4)), right = b.node(new Node.ChannelSlice("right", mix, 4, 8));
    String r = b.relu("right_relu", b.bn("right_bn", b.conv("right_conv", right, 4, 4, 1, 1, 0, false), 4));
    String joined = b.node(new Node.Concat("unit_cat", List.of(left, r)));
    String shuffled = b.node(new Node.ChannelShuffle("shuffle", joined, 2));
    b.dense("fc", b.flatten("flatten", shuffled), 8 * 7 * 7, 10);
  }

  /** x · gate(conv(relu(conv(avg-pool(x))))): the gate is [C, 1, 1], broadcast over x's map. */
  private static String squeezeExcite(ReferenceArchitectures.Builder b, String name, String x, int c, int squeeze, int map, Node.Activation.Kind gate) {
    String s = b.node(new Node.Pool(name + "_pool", x, Node.Pool.Type.AVG, map, map, 0));
    s = b.relu(name + "_relu", b.conv(name + "_fc1", s, c, squeeze, 1, 1, 0, true));
    s = act(b, name + "_gate", b.conv(name + "_fc2", s, squeeze, c, 1, 1, 0, true), gate);
    return b.node(new Node.Mul(name + "_mul", List.of(x, s)));
  }

  private static String act(ReferenceArchitectures.Builder b, String name, String x, Node.Activation.Kind kind) {
    return act(b, name, x, kind, 0);
  }

  private static String act(ReferenceArchitectures.Builder b, String name, String x, Node.Activation.Kind kind, double alpha) {
    return b.node(new Node.Activation(name, x, kind, alpha));
  }
}
