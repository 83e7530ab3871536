package dev.hwc.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Graph analysis of a network IR for compression: the prunable layers (conv, depthwise conv, dense) in topological
 * order with their shapes, and the <b>dependency groups</b> that coarse pruning must respect.
 *
 * <p>A dependency group is one channel space: the channels produced by a non-depthwise conv or a dense layer, carried
 * unchanged through BatchNorm, activations, pooling, global pooling, flatten and depthwise convs, and merged by a
 * residual {@code Add} or a {@code Mul} (SiLU, a squeeze-and-excitation gate) with the spaces of its other inputs.
 * Removing channel c of a group removes output filter c of every <i>owner</i> (the group's first owner in
 * topological order, its leader, decides; later owners follow), channel c of every depthwise conv and BatchNorm on it,
 * and input channel c (or the H·W block of input features c, after Flatten) of every consumer. Groups that hold the
 * network input or reach the network output are never pruned.
 *
 * <p>A {@code Concat} lays its inputs' groups side by side: a tensor is a list of <b>segments</b>, each a group at a
 * channel offset, and a layer or BatchNorm reading a concatenation reads each group at its offset
 * ({@link #inputSegments}, {@link #batchNormSegments}); removing a group's channel removes it at that offset
 * wherever it is read. A channel slice or shuffle moves channels to other positions; that is not followed, so a
 * group whose channels go through one is not pruned, and the layers writing it are <b>restricted</b> to fine-grained
 * pruning ({@link #coarseRestrictions()} says which and why), as are the groups of a concatenation that a depthwise
 * conv reads or that is joined with a different layout, and a group read twice in one concatenation.
 */
public final class ModelGraph {

  /** One prunable layer: its node, its shape (batch 1), params (weights + bias) and MACs. */
  public record Layer(int index, String name, LayerKind kind, Node node, LayerShape shape, long params, long macs) {}

  /**
   * A layer reading a group's channels; {@code block} input features per channel (H·W after Flatten, else 1),
   * {@code offset} the channel at which the group starts in the layer's input (0 unless it reads a concatenation).
   */
  public record Consumer(String layer, int block, int offset) {}

  /**
   * One channel space. {@code owners} in topological order (the leader first); {@code depthwise} convs and
   * {@code batchNorms} that carry it; {@code consumers} that read it; {@code prunable} false for the input's and
   * the output's spaces and where {@code restriction} (else null) says why coarse pruning cannot follow them.
   */
  public record DependencyGroup(int id, int channels, List<String> owners, List<String> depthwise,
                                List<String> batchNorms, List<Consumer> consumers, boolean prunable, String restriction) {
    public String leader() {
      return owners.isEmpty() ? null : owners.get(0);
    }
  }

  /** A group read at a channel offset of a layer's or BatchNorm's input. */
  public record Segment(DependencyGroup group, int offset) {}

  private final List<Node> nodes;
  private final List<Layer> layers;
  private final Map<String, Layer> byName = new HashMap<>();
  private final List<DependencyGroup> groups;
  private final Map<String, DependencyGroup> outputGroup = new HashMap<>();
  private final Map<String, List<Segment>> inputSegments = new HashMap<>();
  private final Map<String, List<Segment>> bnSegments;
  private final Map<String, Integer> inputBlock = new HashMap<>();
  private final Map<String, String> restrictions = new LinkedHashMap<>();

  private ModelGraph(List<Node> nodes, List<Layer> layers, List<DependencyGroup> groups, Map<String, List<Segment>> bnSegments) {
    this.nodes = nodes;
    this.layers = layers;
    this.groups = groups;
    this.bnSegments = bnSegments;
    for (Layer l : layers) byName.put(l.name(), l);
    Map<String, List<Segment>> in = new HashMap<>();
    for (DependencyGroup g : groups) {
      for (String o : g.owners()) outputGroup.put(o, g);
      for (String d : g.depthwise()) {
        outputGroup.put(d, g);
        in.computeIfAbsent(d, k -> new ArrayList<>()).add(new Segment(g, 0));
        inputBlock.put(d, 1);
      }
      for (Consumer c : g.consumers()) {
        in.computeIfAbsent(c.layer(), k -> new ArrayList<>()).add(new Segment(g, c.offset()));
        inputBlock.put(c.layer(), c.block());
      }
    }
    for (var e : in.entrySet()) {
      e.getValue().sort(java.util.Comparator.comparingInt(Segment::offset));
      inputSegments.put(e.getKey(), List.copyOf(e.getValue()));
    }
    for (Layer l : layers) {
      String why = outputGroup.get(l.name()).restriction();
      if (why != null) restrictions.put(l.name(), why);
    }
  }

  /** One group of a tensor during analysis: its space at a channel offset. */
  private record Seg(int space, int offset) {}

  /** Shape of one tensor during analysis: channels, spatial size (1×1 for [N, F]) and the spaces side by side. */
  private record Tensor(int channels, int h, int w, boolean flat, List<Seg> segs, int block) {
    Tensor(int channels, int h, int w, boolean flat, int space, int block) {
      this(channels, h, w, flat, List.of(new Seg(space, 0)), block);
    }

    Tensor with(int channels, int h, int w, boolean flat, int block) {
      return new Tensor(channels, h, w, flat, segs, block);
    }

    boolean single() { return segs.size() == 1; }

    int space() { return segs.get(0).space(); }
  }

  /** Analyses a network; its layer shapes must agree with {@link Network#layerShapes()}. */
  public static ModelGraph of(Network network) {
    ModelGraph g = of(network.nodes());
    List<LayerShape> shapes = network.layerShapes();
    for (int i = 0; i < shapes.size(); i++)
      if (!shapes.get(i).equals(g.layers.get(i).shape()))
        throw new IllegalStateException("shape analysis disagrees with the network at " + shapes.get(i) + " vs " + g.layers.get(i).shape());
    return g;
  }

  /** Analyses a network given as nodes in topological order (each node's inputs appear before it). */
  public static ModelGraph of(List<Node> nodes) {
    if (nodes.isEmpty()) throw new IllegalArgumentException("network has no nodes");
    Map<String, Tensor> t = new LinkedHashMap<>();
    List<Integer> parent = new ArrayList<>();               // union-find over channel spaces
    List<Integer> spaceChannels = new ArrayList<>();
    List<Layer> layers = new ArrayList<>();
    Map<Integer, List<String>> owners = new HashMap<>(), dws = new HashMap<>(), bns = new HashMap<>();
    Map<Integer, List<Consumer>> consumers = new HashMap<>();
    Map<String, List<Seg>> bnSegs = new LinkedHashMap<>();
    Map<String, List<Seg>> readSegs = new LinkedHashMap<>();   // layer or BatchNorm -> what it reads
    List<Integer> fixedSpaces = new ArrayList<>();
    Map<Integer, String> restricted = new LinkedHashMap<>();
    Map<String, Integer> consumedCount = new HashMap<>();
    for (Node node : nodes) {
      List<Tensor> in = new ArrayList<>();
      for (String src : node.inputs()) {
        Tensor s = t.get(src);
        if (s == null) throw new IllegalArgumentException("node '" + node.name() + "' reads '" + src + "', which is not defined before it");
        in.add(s);
        consumedCount.merge(src, 1, Integer::sum);
      }
      if (t.containsKey(node.name())) throw new IllegalArgumentException("node name '" + node.name() + "' used twice");
      Tensor out;
      if (node instanceof Node.Input i) {
        int sp = newSpace(parent, spaceChannels, i.channels());
        fixedSpaces.add(sp);
        out = new Tensor(i.channels(), i.height(), i.width(), false, sp, 1);
      } else if (node instanceof Node.Conv2d c) {
        Tensor x = in.get(0);
        if (x.flat()) throw new IllegalArgumentException("conv '" + c.name() + "' reads a flat tensor");
        if (x.channels() != c.inChannels())
          throw new IllegalArgumentException("conv '" + c.name() + "' expects " + c.inChannels() + " input channels, gets " + x.channels());
        if (c.groups() != 1 && !c.depthwise())
          throw new IllegalArgumentException("conv '" + c.name() + "': grouped convolution with groups=" + c.groups() + " is not supported (only 1 or depthwise)");
        int e = (x.h() + 2 * c.padding() - c.kernelH()) / c.stride() + 1, f = (x.w() + 2 * c.padding() - c.kernelW()) / c.stride() + 1;
        if (e < 1 || f < 1) throw new IllegalArgumentException("conv '" + c.name() + "' has an empty output map");
        LayerShape shape = new LayerShape(layers.size(), c.name(), c.depthwise() ? LayerKind.DEPTHWISE_CONV : LayerKind.CONV,
            1, c.inChannels(), x.h(), x.w(), c.outChannels(), c.kernelH(), c.kernelW(), c.stride(), c.padding(), c.groups());
        layers.add(new Layer(layers.size(), c.name(), shape.kind(), c, shape, shape.weights() + (c.bias() ? c.outChannels() : 0), shape.macs()));
        if (c.depthwise()) {
          int xs;
          if (x.single()) {
            xs = find(parent, x.space());
          } else {
            // per-channel filters over a concatenation: carried as a new, fixed space
            restrictAll(x, "a depthwise conv '" + c.name() + "' reads their concatenation", restricted);
            xs = newSpace(parent, spaceChannels, x.channels());
            fixedSpaces.add(xs);
          }
          dws.computeIfAbsent(xs, k -> new ArrayList<>()).add(c.name());
          out = new Tensor(c.outChannels(), e, f, false, xs, 1);
        } else {
          for (Seg sg : x.segs()) consumers.computeIfAbsent(sg.space(), k -> new ArrayList<>()).add(new Consumer(c.name(), 1, sg.offset()));
          readSegs.put(c.name(), x.segs());
          int sp = newSpace(parent, spaceChannels, c.outChannels());
          owners.computeIfAbsent(sp, k -> new ArrayList<>()).add(c.name());
          out = new Tensor(c.outChannels(), e, f, false, sp, 1);
        }
      } else if (node instanceof Node.Dense d) {
        Tensor x = in.get(0);
        if (!x.flat()) throw new IllegalArgumentException("dense '" + d.name() + "' reads a 4-d tensor (add a flatten or global-avg-pool)");
        if (x.channels() * x.block() != d.inFeatures())
          throw new IllegalArgumentException("dense '" + d.name() + "' expects " + d.inFeatures() + " input features, gets " + (x.channels() * x.block()));
        LayerShape shape = new LayerShape(layers.size(), d.name(), LayerKind.DENSE, 1, d.inFeatures(), 1, 1, d.outFeatures(), 1, 1, 1, 0, 1);
        layers.add(new Layer(layers.size(), d.name(), LayerKind.DENSE, d, shape, shape.weights() + (d.bias() ? d.outFeatures() : 0), shape.macs()));
        for (Seg sg : x.segs()) consumers.computeIfAbsent(sg.space(), k -> new ArrayList<>()).add(new Consumer(d.name(), x.block(), sg.offset()));
        readSegs.put(d.name(), x.segs());
        int sp = newSpace(parent, spaceChannels, d.outFeatures());
        owners.computeIfAbsent(sp, k -> new ArrayList<>()).add(d.name());
        out = new Tensor(d.outFeatures(), 1, 1, true, sp, 1);
      } else if (node instanceof Node.BatchNorm b) {
        Tensor x = in.get(0);
        if (x.channels() != b.channels() || x.block() != 1)
          throw new IllegalArgumentException("batchnorm '" + b.name() + "' expects " + b.channels() + " channels, gets " + x.channels());
        for (Seg sg : x.segs()) bns.computeIfAbsent(sg.space(), k -> new ArrayList<>()).add(b.name());
        bnSegs.put(b.name(), x.segs());
        readSegs.put(b.name(), x.segs());
        out = x;
      } else if (node instanceof Node.Activation) {
        out = in.get(0);
      } else if (node instanceof Node.Pool p) {
        Tensor x = in.get(0);
        out = x.with(x.channels(), p.outputSize(x.h()), p.outputSize(x.w()), false, 1);
      } else if (node instanceof Node.GlobalAvgPool) {
        Tensor x = in.get(0);
        out = x.with(x.channels(), 1, 1, true, 1);
      } else if (node instanceof Node.Flatten) {
        Tensor x = in.get(0);
        out = x.with(x.channels(), 1, 1, true, x.h() * x.w());
      } else if (node instanceof Node.Add || node instanceof Node.Mul) {
        // a join: its inputs' channels are the same channels, so they are pruned together (one space); a Mul's
        // [C, 1, 1] gate is broadcast over the other input's map
        Tensor x = in.get(0);
        if (node instanceof Node.Mul && in.get(1).h() * in.get(1).w() > x.h() * x.w()) x = in.get(1);
        for (Tensor y : in) {
          boolean gate = node instanceof Node.Mul && !y.flat() && !x.flat() && y.h() == 1 && y.w() == 1;
          if (y.channels() != x.channels() || (!gate && (y.h() != x.h() || y.w() != x.w())) || y.flat() != x.flat() || y.block() != x.block())
            throw new IllegalArgumentException((node instanceof Node.Add ? "add '" : "mul '") + node.name() + "' joins tensors of different shapes");
        }
        boolean sameLayout = true;
        for (Tensor y : in) sameLayout &= y.segs().size() == x.segs().size() && offsets(y).equals(offsets(x));
        if (!sameLayout) {
          for (Tensor y : in) restrictAll(y, "'" + node.name() + "' joins them with channels of another layout", restricted);
          int sp = newSpace(parent, spaceChannels, x.channels());
          fixedSpaces.add(sp);
          out = new Tensor(x.channels(), x.h(), x.w(), x.flat(), sp, x.block());
        } else {
          List<Seg> joined = new ArrayList<>();
          for (int k = 0; k < x.segs().size(); k++) {
            int root = find(parent, x.segs().get(k).space());
            for (Tensor y : in) {
              int r = find(parent, y.segs().get(k).space());
              if (r != root) {
                int lo = Math.min(root, r), hi = Math.max(root, r);
                parent.set(hi, lo);
                root = lo;
              }
            }
            joined.add(new Seg(root, x.segs().get(k).offset()));
          }
          out = new Tensor(x.channels(), x.h(), x.w(), x.flat(), List.copyOf(joined), x.block());
        }
      } else if (node instanceof Node.Concat) {
        int channels = 0;
        List<Seg> segs = new ArrayList<>();
        for (Tensor y : in) {
          if (y.flat() || y.h() != in.get(0).h() || y.w() != in.get(0).w())
            throw new IllegalArgumentException("concat '" + node.name() + "' joins maps of different sizes");
          for (Seg sg : y.segs()) segs.add(new Seg(sg.space(), channels + sg.offset()));
          channels += y.channels();
        }
        out = new Tensor(channels, in.get(0).h(), in.get(0).w(), false, List.copyOf(segs), 1);
      } else if (node instanceof Node.ChannelSlice || node instanceof Node.ChannelShuffle) {
        // channels move or go: a later space of its own, and the source's channels are not pruned
        Tensor x = in.get(0);
        int channels = node instanceof Node.ChannelSlice c ? c.to() - c.from() : x.channels();
        restrictAll(x, "its channels are " + (node instanceof Node.ChannelSlice ? "sliced by '" : "shuffled by '") + node.name() + "'", restricted);
        int sp = newSpace(parent, spaceChannels, channels);
        fixedSpaces.add(sp);
        out = new Tensor(channels, x.h(), x.w(), false, sp, 1);
      } else {
        throw new IllegalArgumentException("unsupported node " + node);
      }
      t.put(node.name(), out);
    }
    // Spaces reaching an unconsumed node (the network outputs) are fixed, as is the input's.
    for (var e : t.entrySet())
      if (!consumedCount.containsKey(e.getKey())) for (Seg sg : e.getValue().segs()) fixedSpaces.add(sg.space());
    // A group read at two offsets of one input (concat(x, x), or two spaces merged later) would lose two columns.
    for (var e : readSegs.entrySet()) {
      Map<Integer, Integer> seen = new HashMap<>();
      for (Seg sg : e.getValue()) seen.merge(find(parent, sg.space()), 1, Integer::sum);
      for (var r : seen.entrySet())
        if (r.getValue() > 1) restricted.putIfAbsent(r.getKey(), "'" + e.getKey() + "' reads its channels at two offsets");
    }
    List<Integer> fixedRoots = fixedSpaces.stream().map(s -> find(parent, s)).toList();
    Map<Integer, String> restrictedRoots = new HashMap<>();
    for (var e : restricted.entrySet()) restrictedRoots.putIfAbsent(find(parent, e.getKey()), e.getValue());
    Map<Integer, List<String>> mOwners = merge(parent, owners), mDws = merge(parent, dws), mBns = merge(parent, bns);
    Map<Integer, List<Consumer>> mCons = merge(parent, consumers);
    List<DependencyGroup> groups = new ArrayList<>();
    Map<Integer, DependencyGroup> byRoot = new HashMap<>();
    for (int s = 0; s < parent.size(); s++) {
      if (find(parent, s) != s) continue;
      DependencyGroup g = new DependencyGroup(groups.size(), spaceChannels.get(s), sorted(mOwners.get(s), layers), sorted(mDws.get(s), layers),
          distinct(mBns.get(s)), mCons.getOrDefault(s, List.of()),
          !fixedRoots.contains(s) && !restrictedRoots.containsKey(s) && mOwners.containsKey(s), restrictedRoots.get(s));
      groups.add(g);
      byRoot.put(s, g);
    }
    Map<String, List<Segment>> bnSegments = new LinkedHashMap<>();   // in node order
    for (var e : bnSegs.entrySet())
      bnSegments.put(e.getKey(), e.getValue().stream().map(sg -> new Segment(byRoot.get(find(parent, sg.space())), sg.offset())).toList());
    return new ModelGraph(List.copyOf(nodes), List.copyOf(layers), List.copyOf(groups), Collections.unmodifiableMap(bnSegments));
  }

  private static List<Integer> offsets(Tensor x) {
    return x.segs().stream().map(Seg::offset).toList();
  }

  private static void restrictAll(Tensor x, String why, Map<Integer, String> restricted) {
    for (Seg sg : x.segs()) restricted.putIfAbsent(sg.space(), why);
  }

  private static List<String> distinct(List<String> names) {
    return names == null ? List.of() : List.copyOf(new java.util.LinkedHashSet<>(names));
  }

  private static int newSpace(List<Integer> parent, List<Integer> channels, int c) {
    parent.add(parent.size());
    channels.add(c);
    return parent.size() - 1;
  }

  private static int find(List<Integer> parent, int s) {
    while (parent.get(s) != s) s = parent.get(s);
    return s;
  }

  private static <T> Map<Integer, List<T>> merge(List<Integer> parent, Map<Integer, List<T>> m) {
    Map<Integer, List<T>> out = new HashMap<>();
    for (var e : m.entrySet()) out.computeIfAbsent(find(parent, e.getKey()), k -> new ArrayList<>()).addAll(e.getValue());
    return out;
  }

  private static List<String> sorted(List<String> names, List<Layer> layers) {
    if (names == null) return List.of();
    Map<String, Integer> idx = new HashMap<>();
    for (Layer l : layers) idx.put(l.name(), l.index());
    List<String> s = new ArrayList<>(names);
    s.sort((a, b) -> Integer.compare(idx.get(a), idx.get(b)));
    return Collections.unmodifiableList(s);
  }

  public List<Node> nodes() { return nodes; }

  /** The prunable layers in topological order. */
  public List<Layer> layers() { return layers; }

  public List<DependencyGroup> groups() { return groups; }

  public Layer layer(String name) {
    Layer l = byName.get(name);
    if (l == null) throw new IllegalArgumentException("no prunable layer '" + name + "' (layers: " + String.join(", ", names()) + ")");
    return l;
  }

  public boolean isLayer(String name) { return byName.containsKey(name); }

  public List<String> names() { return layers.stream().map(Layer::name).toList(); }

  /** The group of the channels this layer outputs (for a depthwise conv, the group it carries). */
  public DependencyGroup outputGroup(String layer) { layer(layer); return outputGroup.get(layer); }

  /** The group of the channels this layer reads (the first, where it reads a concatenation). */
  public DependencyGroup inputGroup(String layer) { return inputSegments(layer).get(0).group(); }

  /** The groups this layer reads, by channel offset of its input: one at offset 0 unless it reads a concatenation. */
  public List<Segment> inputSegments(String layer) { layer(layer); return inputSegments.get(layer); }

  /** Input features per input channel of a layer: H·W for a dense layer after Flatten, else 1. */
  public int inputBlock(String layer) { layer(layer); return inputBlock.get(layer); }

  /** The BatchNorm that reads this layer's output directly, if any (the one folded with it on an accelerator). */
  public java.util.Optional<String> batchNorm(String layer) {
    layer(layer);
    for (Node n : nodes)
      if (n instanceof Node.BatchNorm b && b.input().equals(layer)) return java.util.Optional.of(b.name());
    return java.util.Optional.empty();
  }

  /** The BatchNorm nodes in topological order, each once (one after a concatenation is on several groups). */
  public java.util.Set<String> batchNorms() { return bnSegments.keySet(); }

  /** The groups a BatchNorm node normalises, by channel offset (one at offset 0 unless it follows a concatenation). */
  public List<Segment> batchNormSegments(String bn) {
    List<Segment> s = bnSegments.get(bn);
    if (s == null) throw new IllegalArgumentException("no batchnorm '" + bn + "'");
    return s;
  }

  /**
   * Whether a coarse decision at this layer chooses its output channels: it owns a prunable group and is that
   * group's leader. False for depthwise convs (they follow their producer), later group members and the classifier.
   */
  public boolean decidesOutputChannels(String layer) {
    Layer l = layer(layer);
    if (l.kind() == LayerKind.DEPTHWISE_CONV) return false;
    DependencyGroup g = outputGroup.get(layer);
    return g.prunable() && layer.equals(g.leader());
  }

  /**
   * Layers whose output channels coarse pruning cannot follow through the graph (those writing or carrying a
   * restricted group), in layer order, each with the reason: their menu is the fine-grained algorithms.
   */
  public Map<String, String> coarseRestrictions() {
    return restrictions;
  }

  /** Prunable layers whose outputs reach this layer's input (through non-parametric nodes, depthwise convs, joins). */
  public List<String> producers(String layer) {
    List<String> out = new ArrayList<>();
    for (Segment s : inputSegments(layer)) out.addAll(s.group().owners());
    return out;
  }

  /** Layers that read this layer's output channels (depthwise convs carrying them included). */
  public List<String> consumers(String layer) {
    DependencyGroup g = outputGroup(layer);
    List<String> out = new ArrayList<>();
    for (String d : g.depthwise()) if (!d.equals(layer)) out.add(d);
    for (Consumer c : g.consumers()) out.add(c.layer());
    return out;
  }

  /** Total weights + biases and MACs (batch 1) of all prunable layers. */
  public long totalParams() { return layers.stream().mapToLong(Layer::params).sum(); }

  public long totalMacs() { return layers.stream().mapToLong(Layer::macs).sum(); }
}
