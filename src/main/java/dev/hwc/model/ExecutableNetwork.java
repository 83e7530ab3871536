package dev.hwc.model;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link Network} ready to run: an inference-mode SameDiff graph whose weights are variables that can be rewritten
 * in place between evaluations (no rebuild, no re-allocation). Optionally the inputs of chosen prunable layers are
 * fake-quantized, with scale and range settable per evaluation. Not thread-safe: one per worker.
 */
public final class ExecutableNetwork {
  private final Network network;
  private final SameDiff sd;
  private final Set<String> quantizedInputs;
  private final String logits;

  private ExecutableNetwork(Network network, Set<String> quantizedInputs) {
    this.network = network;
    this.quantizedInputs = Set.copyOf(quantizedInputs);
    this.sd = SameDiffGraph.build(network, false, this.quantizedInputs);
    this.logits = SameDiffGraph.out(network.nodes().get(network.nodes().size() - 1).name());
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
    return sd.outputSingle(Map.of(SameDiffGraph.INPUT, asFloat(batch)), logits);
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
    return sd.outputSingle(Map.of(SameDiffGraph.INPUT, asFloat(batch)), SameDiffGraph.out(src));
  }

  /** Outputs of several nodes at once (node name → array). */
  public Map<String, INDArray> outputs(INDArray batch, List<String> nodes) {
    return sd.output(Map.of(SameDiffGraph.INPUT, asFloat(batch)), nodes.stream().map(SameDiffGraph::out).toList());
  }

  /** The live array of a parameter ({@code <node>/W} etc.): writing into it changes the next outputs. */
  public INDArray param(String key) {
    if (!network.params().containsKey(key)) throw new IllegalArgumentException("network: no parameter " + key);
    return sd.getVariable(key).getArr();
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

  /**
   * Fake-quantizes the input of {@code layer} as {@code clip(round(x / scale), lo, hi) · scale} from now on
   * (rounding half away from zero). The layer must have been listed at build time.
   */
  public void setActivationQuant(String layer, double scale, double lo, double hi) {
    requireHook(layer);
    if (!(scale > 0) || Double.isInfinite(scale)) throw new IllegalArgumentException("layer " + layer + ": activation scale must be > 0, was " + scale);
    if (lo > hi) throw new IllegalArgumentException("layer " + layer + ": activation range lo=" + lo + " > hi=" + hi);
    sd.getVariable(layer + "/aq_scale").getArr().assign(scale);
    sd.getVariable(layer + "/aq_lo").getArr().assign(lo);
    sd.getVariable(layer + "/aq_hi").getArr().assign(hi);
    sd.getVariable(layer + "/aq_on").getArr().assign(1.0);
  }

  /** Lets the input of {@code layer} through unchanged again. */
  public void clearActivationQuant(String layer) {
    requireHook(layer);
    sd.getVariable(layer + "/aq_on").getArr().assign(0.0);
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

  /** The underlying graph, for callers that need SameDiff directly. */
  public SameDiff sameDiff() {
    return sd;
  }

  private void requireHook(String layer) {
    if (!quantizedInputs.contains(layer))
      throw new IllegalArgumentException("layer " + layer + " has no activation-quantization hook (built with " + quantizedInputs + ")");
  }

  private static INDArray asFloat(INDArray a) {
    return a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
  }

}
