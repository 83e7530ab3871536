package dev.hwc.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
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

  /** Element-wise activation (softmax is over dimension 1). */
  record Activation(String name, String input, Kind kind) implements Node {
    public enum Kind { RELU, RELU6, SOFTMAX, IDENTITY }
    public List<String> inputs() { return List.of(input); }
  }

  /** Max or average pooling with a square window. */
  record Pool(String name, String input, Type type, int kernel, int stride, int padding) implements Node {
    public enum Type { MAX, AVG }
    public List<String> inputs() { return List.of(input); }
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

  /** [N, C, H, W] -> [N, C·H·W] in C-order (channel-major), as DL4J and PyTorch flatten. */
  record Flatten(String name, String input) implements Node {
    public List<String> inputs() { return List.of(input); }
  }
}
