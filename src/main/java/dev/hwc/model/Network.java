package dev.hwc.model;

import dev.hwc.data.ImageShape;
import dev.hwc.data.ModelSignature;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A network in the project's model form: nodes in topological order (the first is the {@link Node.Input}, the last
 * one's output are the class logits), parameters keyed {@code <node>/<param>} in the layouts {@link Node} documents,
 * and provenance. Construction validates the graph (names, order, parameter presence and shapes) and fails with
 * an {@link IllegalArgumentException} naming the node or parameter.
 *
 * <p>The parameter map is taken as given (arrays are not copied): treat a Network as a value and do not mutate its
 * arrays; {@link ExecutableNetwork} copies them into its own variables.
 */
public record Network(List<Node> nodes, Map<String, INDArray> params, ModelMetadata metadata) {

  public Network {
    nodes = List.copyOf(nodes);
    params = Collections.unmodifiableMap(new TreeMap<>(params));
    if (metadata == null) throw new IllegalArgumentException("network: metadata is missing");
    Map<String, int[]> shapes = inferShapes(nodes);
    Set<String> expected = new HashSet<>();
    for (Node n : nodes) {
      for (Map.Entry<String, long[]> p : expectedParams(n, shapes).entrySet()) {
        expected.add(p.getKey());
        INDArray a = params.get(p.getKey());
        if (a == null) throw new IllegalArgumentException("node " + n.name() + ": missing parameter " + p.getKey());
        if (!Arrays.equals(a.shape(), p.getValue()))
          throw new IllegalArgumentException("node " + n.name() + ": parameter " + p.getKey() + " has shape "
              + Arrays.toString(a.shape()) + ", expected " + Arrays.toString(p.getValue()));
      }
    }
    for (String k : params.keySet())
      if (!expected.contains(k)) throw new IllegalArgumentException("network: parameter " + k + " belongs to no node");
  }

  /** The output shape of every node without the batch dimension: [C, H, W] or [features], in node order. */
  public Map<String, int[]> outputShapes() {
    return inferShapes(nodes);
  }

  public int[] outputShape(String node) {
    int[] s = outputShapes().get(node);
    if (s == null) throw new IllegalArgumentException("network: no node named " + node);
    return s;
  }

  public Node node(String name) {
    for (Node n : nodes) if (n.name().equals(name)) return n;
    throw new IllegalArgumentException("network: no node named " + name);
  }

  /** The names of the nodes {@code node}'s output depends on (its inputs, theirs, and so on), without itself. */
  public Set<String> ancestors(String node) {
    Set<String> out = new java.util.LinkedHashSet<>();
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(node(node).inputs());
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (out.add(n)) todo.addAll(node(n).inputs());
    }
    return out;
  }

  /** The nodes that read {@code node}'s output, in topological order. */
  public List<Node> consumers(String node) {
    node(node);
    List<Node> out = new ArrayList<>();
    for (Node n : nodes) if (n.inputs().contains(node)) out.add(n);
    return out;
  }

  public Node.Input input() {
    return (Node.Input) nodes.get(0);
  }

  /** Metadata keys of an hwc-trained model: the search holdout its training split left out. */
  public static final String HOLDOUT_SIZE_KEY = "holdout-search-size", HOLDOUT_SEED_KEY = "holdout-split-seed";

  /**
   * What data must fit to run this network ({@code name}: how messages call it): its input shape, output width and,
   * for a model hwc trained, the training images it saw.
   */
  public ModelSignature signature(String name) {
    Node.Input in = input();
    ModelMetadata m = metadata;
    ModelSignature.TrainedOn trainedOn = null;
    if (m.epochs() > 0 && !m.datasetFingerprint().isEmpty())
      trainedOn = new ModelSignature.TrainedOn(m.datasetFingerprint(),
          Integer.parseInt(m.extra().getOrDefault(HOLDOUT_SIZE_KEY, "0")), Long.parseLong(m.extra().getOrDefault(HOLDOUT_SEED_KEY, "0")));
    return new ModelSignature(name, new ImageShape(in.channels(), in.height(), in.width()), numClasses(), trainedOn);
  }

  /** Number of classes: the width of the last node's output. */
  public int numClasses() {
    int[] s = outputShape(nodes.get(nodes.size() - 1).name());
    return s[0];
  }

  /** The prunable layers (convolutions and dense layers) in topological order, as the accelerator sees them (batch 1). */
  public List<LayerShape> layerShapes() {
    Map<String, int[]> shapes = inferShapes(nodes);
    List<LayerShape> out = new ArrayList<>();
    for (Node n : nodes) {
      if (n instanceof Node.Conv2d c) {
        int[] in = shapes.get(c.input());
        out.add(new LayerShape(out.size(), c.name(), c.depthwise() ? LayerKind.DEPTHWISE_CONV : LayerKind.CONV, 1,
            c.inChannels(), in[1], in[2], c.outChannels(), c.kernelH(), c.kernelW(), c.stride(), c.padding(), c.groups()));
      } else if (n instanceof Node.Dense d) {
        out.add(new LayerShape(out.size(), d.name(), LayerKind.DENSE, 1, d.inFeatures(), 1, 1, d.outFeatures(), 1, 1, 1, 0, 1));
      }
    }
    return out;
  }

  public LayerShape layerShape(String layer) {
    for (LayerShape s : layerShapes()) if (s.name().equals(layer)) return s;
    throw new IllegalArgumentException("network: no prunable layer named " + layer);
  }

  /** All parameters, BatchNorm statistics included. */
  public long totalParams() {
    long n = 0;
    for (INDArray a : params.values()) n += a.length();
    return n;
  }

  /** Multiply-accumulates of one image through the prunable layers. */
  public long totalMacs() {
    long n = 0;
    for (LayerShape s : layerShapes()) n += s.macs();
    return n;
  }

  public Network withParams(Map<String, INDArray> newParams) {
    return new Network(nodes, newParams, metadata);
  }

  public Network withMetadata(ModelMetadata newMetadata) {
    return new Network(nodes, params, newMetadata);
  }

  /**
   * An imported network ({@link KerasImport}, {@link OnnxImport}): its metadata names the source ({@code
   * format:source}), carries the importer's own entries and the input normalisation, and the parameter and MAC counts;
   * a structural error is reported with the source's name in front.
   */
  static Network imported(String format, String source, List<Node> nodes, Map<String, INDArray> params,
                          Map<String, String> importerEntries, InputNormalisation norm) {
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("source", format + ":" + source);
    extra.putAll(importerEntries);
    extra.put(InputNormalisation.METADATA_KEY, norm.isIdentity() ? "none (model takes pixel/255)" : norm.describe());
    ModelMetadata meta = new ModelMetadata(format + ":" + source, 0, 0, -1, 0, 0, 0, "", ModelMetadata.HWC_VERSION, "", extra);
    Network net;
    try {
      net = new Network(nodes, params, meta);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage());
    }
    return net.withMetadata(meta.withFigures(net.totalParams(), net.totalMacs()));
  }

  /** The parameters a node must have, with their shapes. */
  public static Map<String, long[]> expectedParams(Node n, Map<String, int[]> shapes) {
    Map<String, long[]> p = new LinkedHashMap<>();
    if (n instanceof Node.Conv2d c) {
      p.put(c.name() + "/W", new long[]{c.outChannels(), c.inChannels() / c.groups(), c.kernelH(), c.kernelW()});
      if (c.bias()) p.put(c.name() + "/b", new long[]{c.outChannels()});
    } else if (n instanceof Node.Dense d) {
      p.put(d.name() + "/W", new long[]{d.inFeatures(), d.outFeatures()});
      if (d.bias()) p.put(d.name() + "/b", new long[]{d.outFeatures()});
    } else if (n instanceof Node.BatchNorm b) {
      for (String k : List.of("gamma", "beta", "mean", "var")) p.put(b.name() + "/" + k, new long[]{b.channels()});
    }
    return p;
  }

  /** Checks names and order, and infers each node's output shape (without batch); fails naming the node. */
  public static Map<String, int[]> inferShapes(List<Node> nodes) {
    if (nodes.isEmpty() || !(nodes.get(0) instanceof Node.Input))
      throw new IllegalArgumentException("network: the first node must be the input");
    Map<String, int[]> shapes = new LinkedHashMap<>();
    Set<String> all = new HashSet<>();
    for (Node n : nodes) {
      if (n.name() == null || n.name().isBlank() || n.name().contains("/"))
        throw new IllegalArgumentException("network: invalid node name '" + n.name() + "' (blank or containing '/')");
      if (!all.add(n.name())) throw new IllegalArgumentException("network: duplicate node name " + n.name());
    }
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (i > 0 && n instanceof Node.Input) throw new IllegalArgumentException("node " + n.name() + ": only one input node is allowed");
      List<int[]> in = new ArrayList<>();
      for (String src : n.inputs()) {
        if (!all.contains(src)) throw new IllegalArgumentException("node " + n.name() + ": unknown input " + src);
        if (!shapes.containsKey(src))
          throw new IllegalArgumentException("node " + n.name() + ": input " + src + " comes later (cycle or wrong order)");
        in.add(shapes.get(src));
      }
      shapes.put(n.name(), shapeOf(n, in));
    }
    return shapes;
  }

  private static int[] shapeOf(Node n, List<int[]> in) {
    String who = "node " + n.name() + ": ";
    if (n instanceof Node.Input x) {
      if (x.channels() < 1 || x.height() < 1 || x.width() < 1) throw new IllegalArgumentException(who + "invalid input shape");
      return new int[]{x.channels(), x.height(), x.width()};
    }
    if (n instanceof Node.Conv2d c) {
      int[] s = spatial(who, in.get(0));
      if (s[0] != c.inChannels()) throw new IllegalArgumentException(who + "expects " + c.inChannels() + " input channels, gets " + s[0]);
      int h = (s[1] + 2 * c.padding() - c.kernelH()) / c.stride() + 1;
      int w = (s[2] + 2 * c.padding() - c.kernelW()) / c.stride() + 1;
      if (h < 1 || w < 1) throw new IllegalArgumentException(who + "kernel larger than the padded input " + s[1] + "x" + s[2]);
      return new int[]{c.outChannels(), h, w};
    }
    if (n instanceof Node.Dense d) {
      int[] s = in.get(0);
      if (s.length != 1) throw new IllegalArgumentException(who + "dense input must be flat, is " + Arrays.toString(s));
      if (s[0] != d.inFeatures()) throw new IllegalArgumentException(who + "expects " + d.inFeatures() + " input features, gets " + s[0]);
      return new int[]{d.outFeatures()};
    }
    if (n instanceof Node.BatchNorm b) {
      int[] s = in.get(0);
      if (s[0] != b.channels()) throw new IllegalArgumentException(who + "expects " + b.channels() + " channels, gets " + s[0]);
      return s;
    }
    if (n instanceof Node.Activation) return in.get(0);
    if (n instanceof Node.Pool p) {
      int[] s = spatial(who, in.get(0));
      int h = p.outputSize(s[1]), w = p.outputSize(s[2]);
      if (h < 1 || w < 1) throw new IllegalArgumentException(who + "window larger than the input " + s[1] + "x" + s[2]);
      return new int[]{s[0], h, w};
    }
    if (n instanceof Node.GlobalAvgPool) return new int[]{spatial(who, in.get(0))[0]};
    if (n instanceof Node.Add) {
      for (int[] s : in)
        if (!Arrays.equals(s, in.get(0)))
          throw new IllegalArgumentException(who + "inputs have different shapes " + Arrays.toString(in.get(0)) + " and " + Arrays.toString(s));
      return in.get(0);
    }
    if (n instanceof Node.Mul) {
      int[] a = in.get(0), b = in.get(1);
      if (Arrays.equals(a, b)) return a;
      if (isGate(b, a)) return a;
      if (isGate(a, b)) return b;
      throw new IllegalArgumentException(who + "multiplies shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
          + " (equal shapes, or [C,H,W] by a [C,1,1] gate)");
    }
    if (n instanceof Node.Concat) {
      int channels = 0;
      for (int[] s : in) {
        if (s.length != 3 || in.get(0).length != 3 || s[1] != in.get(0)[1] || s[2] != in.get(0)[2])
          throw new IllegalArgumentException(who + "concatenates shapes " + Arrays.toString(in.get(0)) + " and " + Arrays.toString(s)
              + " (channels of [C,H,W] maps with the same H, W)");
        channels += s[0];
      }
      return new int[]{channels, in.get(0)[1], in.get(0)[2]};
    }
    if (n instanceof Node.ChannelSlice c) {
      int[] s = spatial(who, in.get(0));
      if (c.to() > s[0]) throw new IllegalArgumentException(who + "slices channels [" + c.from() + ", " + c.to() + ") of " + s[0]);
      return new int[]{c.to() - c.from(), s[1], s[2]};
    }
    if (n instanceof Node.ChannelShuffle c) {
      int[] s = spatial(who, in.get(0));
      if (s[0] % c.groups() != 0) throw new IllegalArgumentException(who + s[0] + " channels do not shuffle in " + c.groups() + " groups");
      return s;
    }
    if (n instanceof Node.Flatten) {
      long size = 1;
      for (int d : in.get(0)) size *= d;
      return new int[]{(int) size};
    }
    throw new IllegalArgumentException(who + "unsupported node type " + n.getClass().getSimpleName());
  }

  /** Whether {@code gate} is a [C, 1, 1] per-channel factor of the [C, H, W] {@code map}. */
  static boolean isGate(int[] gate, int[] map) {
    return gate.length == 3 && map.length == 3 && gate[0] == map[0] && gate[1] == 1 && gate[2] == 1;
  }

  private static int[] spatial(String who, int[] s) {
    if (s.length != 3) throw new IllegalArgumentException(who + "needs a [C,H,W] input, gets " + Arrays.toString(s));
    return s;
  }
}
