package dev.hwc.model;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link Network} ready to run: an inference-mode SameDiff graph whose weights are variables that can be rewritten
 * in place between evaluations (no rebuild, no re-allocation). Optionally the inputs of chosen prunable layers are
 * fake-quantized, with scale and range settable per evaluation. Not thread-safe: one per worker.
 *
 * <p>Speed (docs/performance.md): a hook that is switched on and off inside the graph costs 9 element-wise passes
 * over the activation; one always on costs 5, and the fused fake-quant op one (used for unsigned grids
 * {@code [0, 2^b − 1]}, the usual case after ReLU). So there is one graph per set of switched-on hooks and their form,
 * built on first use and cached (the search only ever uses "none" and "all, unsigned"); every graph shares the same
 * parameter and hook arrays, so writing a weight or a scale reaches all of them, and a graph's fused ops get the
 * current bit counts before each run.
 */
public final class ExecutableNetwork {
  private final Network network;
  private final Set<String> quantizedInputs;
  private final String logits;
  /** Parameters (FLOAT) and hook scalars ({@code <layer>/aq_scale|aq_lo|aq_hi}), shared by every graph. */
  private final Map<String, INDArray> arrays = new HashMap<>();
  /** Switched-on hooks: layer → its fused op's bit count, or 0 for the general 5-op form. */
  private final Map<String, Integer> on = new TreeMap<>();
  /** A built graph and its fused ops (layer → op state), whose bit counts are synced from {@link #on} before each run. */
  private record Graph(SameDiff sd, Map<String, SameDiffGraph.FakeQuant> fused) {}
  /** Graphs by (layer → uses the fused op) of their switched-on hooks. */
  private final Map<Map<String, Boolean>, Graph> graphs = graphCache();
  /** Training-mode graphs for {@link #batchNormStatistics}, by the same key; built only when asked for. */
  private final Map<Map<String, Boolean>, Graph> statisticsGraphs = graphCache();
  private static final int MAX_GRAPHS = 6;

  /** Least recently used first out: a search needs two; the cap keeps odd hook mixes from piling up graphs (and their session caches). */
  private static Map<Map<String, Boolean>, Graph> graphCache() {
    return new java.util.LinkedHashMap<>(16, 0.75f, true) {
      @Override protected boolean removeEldestEntry(Map.Entry<Map<String, Boolean>, Graph> eldest) {
        return size() > MAX_GRAPHS;
      }
    };
  }

  private ExecutableNetwork(Network network, Set<String> quantizedInputs) {
    this.network = network;
    this.quantizedInputs = Set.copyOf(quantizedInputs);
    for (String q : this.quantizedInputs) network.layerShape(q); // fails naming an unknown layer
    this.logits = SameDiffGraph.out(network.nodes().get(network.nodes().size() - 1).name());
    for (Map.Entry<String, INDArray> e : network.params().entrySet()) arrays.put(e.getKey(), e.getValue().castTo(DataType.FLOAT).dup());
    for (String q : this.quantizedInputs) {
      arrays.put(q + "/aq_scale", Nd4j.scalar(DataType.FLOAT, 1f));
      arrays.put(q + "/aq_lo", Nd4j.scalar(DataType.FLOAT, -1e30f));
      arrays.put(q + "/aq_hi", Nd4j.scalar(DataType.FLOAT, 1e30f));
      arrays.put(q + "/aq_min", Nd4j.scalar(DataType.FLOAT, 0f));
      arrays.put(q + "/aq_max", Nd4j.scalar(DataType.FLOAT, 1f));
    }
    graph(); // the plain graph: fails here, not at the first output, on an unsupported network
  }

  /** The graph for the hooks switched on now, with its fused ops set to the current bit counts. */
  private SameDiff graph() {
    return graph(graphs, false);
  }

  private SameDiff graph(Map<Map<String, Boolean>, Graph> cache, boolean statistics) {
    Map<String, Boolean> key = new TreeMap<>();
    for (Map.Entry<String, Integer> e : on.entrySet()) key.put(e.getKey(), e.getValue() > 0);
    Graph g = cache.get(key);
    if (g == null) {
      Map<String, SameDiffGraph.FakeQuant> fused = new HashMap<>();
      for (Map.Entry<String, Integer> e : on.entrySet()) if (e.getValue() > 0) fused.put(e.getKey(), new SameDiffGraph.FakeQuant(e.getValue()));
      SameDiff sd = statistics ? SameDiffGraph.buildStatistics(network, on.keySet(), arrays, fused)
          : SameDiffGraph.build(network, on.keySet(), arrays, fused);
      g = new Graph(sd, Map.copyOf(fused));
      cache.put(Map.copyOf(key), g);
    }
    for (Map.Entry<String, SameDiffGraph.FakeQuant> e : g.fused().entrySet()) e.getValue().setBits(on.get(e.getKey()));
    return g.sd();
  }

  /**
   * Population statistics ({@code <bn>/mean}, {@code <bn>/var}) of every BatchNorm's input in the network as it is
   * now — its current weights and switched-on input quantization — over the given batches (equal sizes), from the
   * training-mode graph: each BatchNorm normalises with its batch's own statistics, so every layer sees its inputs as
   * they would be with all re-estimated statistics in place. Empty without BatchNorm. Writes nothing.
   */
  public Map<String, INDArray> batchNormStatistics(List<INDArray> batches) {
    return batchNormStatistics(batches, bn -> true);
  }

  /**
   * The same for the BatchNorms {@code which} accepts only: the forward passes compute no more of the network than
   * those need (e.g. the BatchNorms upstream of one layer), and each statistic is the one the full call gives.
   */
  public Map<String, INDArray> batchNormStatistics(List<INDArray> batches, java.util.function.Predicate<String> which) {
    if (network.nodes().stream().noneMatch(n -> n instanceof Node.BatchNorm bn && which.test(bn.name()))) return Map.of();
    return SameDiffGraph.batchNormStatistics(graph(statisticsGraphs, true), network, batches, which);
  }

  /** Plain inference form. */
  public static ExecutableNetwork of(Network network) {
    return new ExecutableNetwork(network, Set.of());
  }

  /** Inference form whose listed prunable layers get activation-quantization hooks (off until set). */
  public static ExecutableNetwork withActivationQuantization(Network network, Set<String> layers) {
    return new ExecutableNetwork(network, new LinkedHashSet<>(layers));
  }

  /** Inference form with hooks on every prunable layer. */
  public static ExecutableNetwork withActivationQuantization(Network network) {
    Set<String> all = new LinkedHashSet<>();
    for (LayerShape s : network.layerShapes()) all.add(s.name());
    return new ExecutableNetwork(network, all);
  }

  public Network network() {
    return network;
  }

  /** Logits [N, classes] of a batch [N, C, H, W]. */
  public INDArray output(INDArray batch) {
    return graph().outputSingle(Map.of(SameDiffGraph.INPUT, asFloat(batch)), logits);
  }

  /**
   * The activations a prunable layer reads on a batch, before its own input quantization (for calibration):
   * [N, C, H, W] for a conv, [N, features] for a dense layer.
   */
  public INDArray activations(String layer, INDArray batch) {
    Node n = network.node(layer);
    String src;
    if (n instanceof Node.Conv2d c) src = c.input();
    else if (n instanceof Node.Dense d) src = d.input();
    else throw new IllegalArgumentException("network: " + layer + " is not a prunable layer");
    if (network.node(src) instanceof Node.Input) return asFloat(batch);
    return outputs(batch, List.of(src)).get(SameDiffGraph.out(src));
  }

  /** Outputs of several nodes at once (node name → array). */
  public Map<String, INDArray> outputs(INDArray batch, List<String> nodes) {
    SameDiff sd = graph();
    for (String n : nodes) {
      network.node(n); // fails naming an unknown node
      if (!sd.hasVariable(SameDiffGraph.out(n)))
        throw new IllegalArgumentException("node " + n + " has no value of its own in the evaluation graph (folded into the next"
            + " BatchNorm, or a ReLU absorbed by the next layer's input quantization)");
    }
    return sd.output(Map.of(SameDiffGraph.INPUT, asFloat(batch)), nodes.stream().map(SameDiffGraph::out).toList());
  }

  /** The live array of a parameter ({@code <node>/W} etc.): writing into it changes the next outputs. */
  public INDArray param(String key) {
    if (!network.params().containsKey(key)) throw new IllegalArgumentException("network: no parameter " + key);
    return arrays.get(key);
  }

  /** Copies the given parameters into the live arrays (shapes must match); keys not given keep their values. */
  public void restore(Map<String, INDArray> params) {
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      INDArray live = param(e.getKey());
      if (!java.util.Arrays.equals(live.shape(), e.getValue().shape()))
        throw new IllegalArgumentException("parameter " + e.getKey() + ": shape " + java.util.Arrays.toString(e.getValue().shape())
            + " does not match " + java.util.Arrays.toString(live.shape()));
      live.assign(e.getValue());
    }
  }

  /** Restores every parameter of the base network this was built from. */
  public void restoreBase() {
    restore(network.params());
  }

  /** The base network as built: every parameter restored, every layer input let through unquantized. */
  public void restoreDense() {
    restoreBase();
    clearActivationQuant();
  }

  /**
   * Fake-quantizes the input of {@code layer} as {@code clip(round(x / scale), lo, hi) · scale} from now on
   * (rounding half away from zero). The layer must have been listed at build time.
   */
  public void setActivationQuant(String layer, double scale, double lo, double hi) {
    requireHook(layer);
    if (!(scale > 0) || Double.isInfinite(scale)) throw new IllegalArgumentException("layer " + layer + ": activation scale must be > 0, was " + scale);
    if (lo > hi) throw new IllegalArgumentException("layer " + layer + ": activation range lo=" + lo + " > hi=" + hi);
    arrays.get(layer + "/aq_scale").assign(scale);
    arrays.get(layer + "/aq_lo").assign(lo);
    arrays.get(layer + "/aq_hi").assign(hi);
    int bits = fusedBits((float) scale, lo, hi);
    if (bits > 0) {
      arrays.get(layer + "/aq_min").assign(0f);
      arrays.get(layer + "/aq_max").assign(fusedMax((float) scale, (int) hi));
    }
    if (bits == 0) LOG.debug("layer {}: activation hook in the 5-op form (scale {}, grid [{}, {}])", layer, scale, lo, hi);
    on.put(layer, bits);
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExecutableNetwork.class);

  /**
   * The bit count b when the fused op computes exactly this hook: grid [0, 2^b − 1] with 2 ≤ b ≤ 16 (the op's
   * range) and a float max whose op step (max − 0)/(2^b − 1), recomputed in float, equals scale ({@link #fusedMax});
   * else 0 (the 5-op form).
   */
  static int fusedBits(float scale, double lo, double hi) {
    if (lo != 0 || hi != Math.rint(hi) || hi < 3 || hi > 65535) return 0;
    int levels = (int) hi + 1;
    if (Integer.bitCount(levels) != 1) return 0;
    if (Float.isNaN(fusedMax(scale, (int) hi))) return 0;
    return Integer.numberOfTrailingZeros(levels);
  }

  /** The float nearest hi·scale, within ±4 ulps, with max / hi == scale in float (the op's step); NaN if none. */
  static float fusedMax(float scale, int hi) {
    float m0 = (float) hi * scale, best = Float.NaN, m = m0;
    for (int i = 0; i < 4; i++) m = Math.nextDown(m);
    for (int i = 0; i <= 8; i++, m = Math.nextUp(m))
      if (m / (float) hi == scale && (Float.isNaN(best) || Math.abs(m - m0) < Math.abs(best - m0))) best = m;
    return best;
  }

  /** Lets the input of {@code layer} through unchanged again. */
  public void clearActivationQuant(String layer) {
    requireHook(layer);
    on.remove(layer);
  }

  public void clearActivationQuant() {
    for (String l : quantizedInputs) clearActivationQuant(l);
  }

  public Set<String> activationQuantLayers() {
    return quantizedInputs;
  }

  /** A Network holding the current (possibly rewritten) parameter values, copied. */
  public Network snapshot() {
    Map<String, INDArray> p = new HashMap<>();
    for (String k : network.params().keySet()) p.put(k, param(k).dup());
    return network.withParams(p);
  }

  /** The layers whose input quantization is switched on now. */
  public Set<String> activeActivationQuant() {
    return Set.copyOf(on.keySet());
  }

  /** The graph for the hooks switched on now, for callers that need SameDiff directly. */
  public SameDiff sameDiff() {
    return graph();
  }

  private void requireHook(String layer) {
    if (!quantizedInputs.contains(layer))
      throw new IllegalArgumentException("layer " + layer + " has no activation-quantization hook (built with " + quantizedInputs + ")");
  }

  private static INDArray asFloat(INDArray a) {
    return a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
  }

}
