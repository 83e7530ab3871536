package dev.hwc.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;
import java.util.Objects;

/**
 * One operation of a network graph (the project's model form). Tensors are NCHW; a node's output is named by
 * the node. Parameters live beside the graph in {@link Network#params()}, keyed {@code <node>/<param>}:
 * <ul>
 *   <li>{@link Conv2d}: {@code W} [outChannels, inChannels/groups, kernelH, kernelW] (OIHW), {@code b} [outChannels];
 *   <li>{@link Dense}: {@code W} [inFeatures, outFeatures] (applied as x·W + b), {@code b} [outFeatures];
 *   <li>{@link BatchNorm}: {@code gamma}, {@code beta}, {@code mean}, {@code var}, each [channels].
 * </ul>
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Node.Input.class, name = "input"),
    @JsonSubTypes.Type(value = Node.Conv2d.class, name = "conv2d"),
    @JsonSubTypes.Type(value = Node.Dense.class, name = "dense"),
    @JsonSubTypes.Type(value = Node.BatchNorm.class, name = "batchnorm"),
    @JsonSubTypes.Type(value = Node.Activation.class, name = "activation"),
    @JsonSubTypes.Type(value = Node.Pool.class, name = "pool"),
    @JsonSubTypes.Type(value = Node.GlobalAvgPool.class, name = "global-avg-pool"),
    @JsonSubTypes.Type(value = Node.Add.class, name = "add"),
    @JsonSubTypes.Type(value = Node.Mul.class, name = "mul"),
    @JsonSubTypes.Type(value = Node.Concat.class, name = "concat"),
    @JsonSubTypes.Type(value = Node.ChannelSlice.class, name = "channel-slice"),
    @JsonSubTypes.Type(value = Node.ChannelShuffle.class, name = "channel-shuffle"),
    @JsonSubTypes.Type(value = Node.Flatten.class, name = "flatten"),
})
public sealed interface Node {
  String name();

  /** Names of the nodes whose outputs this node reads, in order. */
  @JsonIgnore
  List<String> inputs();

  /** The network input: one image batch [N, channels, height, width]. */
  record Input(String name, int channels, int height, int width) implements Node {
    public List<String> inputs() { return List.of(); }
  }

  /** 2-D convolution; {@code groups == inChannels == outChannels} is a depthwise conv. Padding is symmetric. */
  record Conv2d(String name, String input, int inChannels, int outChannels, int kernelH, int kernelW,
                int stride, int padding, int groups, boolean bias) implements Node {
    public Conv2d {
      if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
        throw new IllegalArgumentException("conv " + name + ": channels " + inChannels + "->" + outChannels + " not divisible by groups " + groups);
    }
    public List<String> inputs() { return List.of(input); }
    @JsonIgnore public boolean depthwise() { return groups > 1 && groups == inChannels && groups == outChannels; }
  }

  /** Fully connected layer on a flattened input. */
  record Dense(String name, String input, int inFeatures, int outFeatures, boolean bias) implements Node {
    public List<String> inputs() { return List.of(input); }
  }

  /** Inference-mode batch normalisation over channels (dimension 1). */
  record BatchNorm(String name, String input, int channels, double eps) implements Node {
    public List<String> inputs() { return List.of(input); }
  }

  /**
   * Element-wise activation (softmax is over dimension 1). {@code HARD_SIGMOID} is PyTorch's: relu6(x + 3) / 6;
   * {@code HARD_SWISH} is x · that; {@code LEAKY_RELU} is max(x, alpha · x) with 0 < alpha < 1 ({@code alpha} is 0
   * and left out of the JSON for the other kinds).
   */
  record Activation(String name, String input, Kind kind, @JsonInclude(JsonInclude.Include.NON_DEFAULT) double alpha) implements Node {
    public enum Kind { RELU, RELU6, SOFTMAX, IDENTITY, SIGMOID, TANH, HARD_SIGMOID, HARD_SWISH, LEAKY_RELU }
    public Activation {
      if ((kind == Kind.LEAKY_RELU) != (alpha > 0 && alpha < 1))
        throw new IllegalArgumentException("activation " + name + ": alpha " + alpha + (kind == Kind.LEAKY_RELU ? " must be in (0, 1)" : " given to " + kind));
    }
    public Activation(String name, String input, Kind kind) {
      this(name, input, kind, 0.0);
    }
    public List<String> inputs() { return List.of(input); }
  }

  /**
   * Max or average pooling with a square window. {@code ceil} rounds the output size up as ONNX's and PyTorch's
   * {@code ceil_mode} do (max pooling only; left out of the JSON when false): the last window may run past the
   * padded input, but starts inside the input or its leading padding.
   */
  record Pool(String name, String input, Type type, int kernel, int stride, int padding,
              @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean ceil) implements Node {
    public enum Type { MAX, AVG }
    public Pool {
      if (ceil && type != Type.MAX) throw new IllegalArgumentException("pool " + name + ": ceil rounding is supported for max pooling only");
    }
    public Pool(String name, String input, Type type, int kernel, int stride, int padding) {
      this(name, input, type, kernel, stride, padding, false);
    }
    public List<String> inputs() { return List.of(input); }

    /** The output size along one spatial dimension of {@code size} elements (below 1: the window does not fit). */
    public int outputSize(int size) {
      int span = size + 2 * padding - kernel;
      if (span < 0) return 0;
      if (!ceil) return span / stride + 1;
      int out = (span + stride - 1) / stride + 1;
      return (out - 1) * stride >= size + padding ? out - 1 : out;
    }

    /** Elements past the padded input that the last window reads in ceil rounding (0 in floor rounding). */
    public int overhang(int size) {
      return Math.max(0, (outputSize(size) - 1) * stride + kernel - (size + 2 * padding));
    }
  }

  /** Mean over the spatial dimensions: [N, C, H, W] -> [N, C]. */
  record GlobalAvgPool(String name, String input) implements Node {
    public List<String> inputs() { return List.of(input); }
  }

  /** Element-wise sum of two or more same-shaped inputs (a residual join). */
  record Add(String name, List<String> sources) implements Node {
    public Add {
      sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
      if (sources.size() < 2) throw new IllegalArgumentException("add " + name + " needs at least two inputs");
    }
    public List<String> inputs() { return sources; }
  }

  /**
   * Element-wise product of two inputs of the same shape, or of a [C, H, W] map and a [C, 1, 1] per-channel gate
   * broadcast over it (a squeeze-and-excitation block, x · sigmoid(x) as SiLU).
   */
  record Mul(String name, List<String> sources) implements Node {
    public Mul {
      sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
      if (sources.size() != 2) throw new IllegalArgumentException("mul " + name + " needs two inputs");
    }
    public List<String> inputs() { return sources; }
  }

  /** Channel concatenation of two or more [C_i, H, W] maps with the same H, W (DenseNet, Inception, SqueezeNet). */
  record Concat(String name, List<String> sources) implements Node {
    public Concat {
      sources = List.copyOf(Objects.requireNonNull(sources, "sources"));
      if (sources.size() < 2) throw new IllegalArgumentException("concat " + name + " needs at least two inputs");
    }
    public List<String> inputs() { return sources; }
  }

  /** Channels [from, to) of a [C, H, W] map (a Split or Slice on axis 1). */
  record ChannelSlice(String name, String input, int from, int to) implements Node {
    public ChannelSlice {
      if (from < 0 || to <= from) throw new IllegalArgumentException("channel slice " + name + ": empty range [" + from + ", " + to + ")");
    }
    public List<String> inputs() { return List.of(input); }
  }

  /**
   * ShuffleNet's channel shuffle of a [C, H, W] map in {@code groups} groups: output channel j is input channel
   * (j mod groups)·(C / groups) + j / groups (view as [groups, C/groups], transpose, flatten).
   */
  record ChannelShuffle(String name, String input, int groups) implements Node {
    public ChannelShuffle {
      if (groups < 1) throw new IllegalArgumentException("channel shuffle " + name + ": groups " + groups);
    }
    public List<String> inputs() { return List.of(input); }

    /** The input channel that output channel {@code j} of {@code channels} takes. */
    public int source(int j, int channels) {
      return (j % groups) * (channels / groups) + j / groups;
    }
  }

  /** [N, C, H, W] -> [N, C·H·W] in C-order (channel-major), as DL4J and PyTorch flatten. */
  record Flatten(String name, String input) implements Node {
    public List<String> inputs() { return List.of(input); }
  }
}
