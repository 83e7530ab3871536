package dev.hwc.compress;

import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.Network;
import dev.hwc.model.Node;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

/**
 * The result of applying a plan. Two forms with equal outputs (within float rounding):
 * <ul>
 *   <li>the <b>evaluation form</b>: the base network's shapes, with removed channels zeroed (weights and biases of
 *       removed filters, and gamma = beta = 0 in BatchNorm, so a removed channel is exactly 0 downstream),
 *       quantize-dequantized weights, plus {@link #activationQuant} to set on the executable form;
 *   <li>the <b>thinned</b> network ({@link #thinnedNodes}, {@link #thinnedParams}) with removed channels gone.
 * </ul>
 * Parameter layouts are the IR's (conv OIHW, dense [in, out]). {@link #keptOutputChannels} gives, per layer, the
 * original indices of its output channels that remain (all of them for the classifier), {@link #keptBatchNormChannels}
 * the same per BatchNorm. {@link #plan} is the plan as given; {@link #stats} carry the bits actually applied
 * (first/last layer pinned to 8 bits by default).
 */
public record CompressedModel(CompressionPlan plan, Map<String, INDArray> evaluationParams,
                              List<ActivationQuant> activationQuant, List<Node> thinnedNodes,
                              Map<String, INDArray> thinnedParams, List<LayerStats> stats,
                              Map<String, int[]> keptOutputChannels, Map<String, int[]> keptBatchNormChannels) {

  /**
   * This model with BatchNorm statistics measured on its evaluation form ({@code <bn>/mean}, {@code <bn>/var} over
   * all of the base network's channels): in the evaluation form the kept channels take the new values and removed
   * channels keep theirs (their gamma = beta = 0 makes them 0 whatever the statistics); the thinned form takes the
   * kept channels' values. Keys not given keep their values.
   */
  public CompressedModel withBatchNormStatistics(Map<String, INDArray> statistics) {
    Map<String, INDArray> eval = new java.util.TreeMap<>(evaluationParams), thin = new java.util.TreeMap<>(thinnedParams);
    for (Map.Entry<String, INDArray> e : statistics.entrySet()) {
      String key = e.getKey();
      int slash = key.lastIndexOf('/');
      int[] kept = slash < 0 ? null : keptBatchNormChannels.get(key.substring(0, slash));
      String param = slash < 0 ? "" : key.substring(slash + 1);
      if (kept == null || !(param.equals("mean") || param.equals("var")) || !evaluationParams.containsKey(key))
        throw new IllegalArgumentException("not a BatchNorm statistic of this model: " + key);
      INDArray current = evaluationParams.get(key);
      if (e.getValue().length() != current.length())
        throw new IllegalArgumentException(key + ": " + e.getValue().length() + " values for " + current.length() + " channels");
      float[] all = Tensors.floats(current), measured = Tensors.floats(e.getValue()), thinned = new float[kept.length];
      for (int i = 0; i < kept.length; i++) all[kept[i]] = thinned[i] = measured[kept[i]];
      eval.put(key, Tensors.array(all, current.shape()));
      thin.put(key, Tensors.array(thinned, kept.length));
    }
    return new CompressedModel(plan, java.util.Collections.unmodifiableMap(eval), activationQuant, thinnedNodes,
        java.util.Collections.unmodifiableMap(thin), stats, keptOutputChannels, keptBatchNormChannels);
  }

  /**
   * The search's fast path: writes the evaluation form into a long-lived executable form of the base network, in
   * place (every parameter is assigned, so whatever the previous plan wrote is overwritten), and sets its layers'
   * input quantization. The executable form must have hooks on every prunable layer.
   */
  public void applyTo(ExecutableNetwork exec) {
    exec.restore(evaluationParams);
    exec.clearActivationQuant();
    for (ActivationQuant a : activationQuant) exec.setActivationQuant(a.layer(), a.scale(), a.lo(), a.hi());
  }

  /** The physically thinned network, with the base network's metadata updated to its parameter and MAC counts. */
  public Network thinned(Network base) {
    Network n = new Network(thinnedNodes, thinnedParams, base.metadata());
    return n.withMetadata(base.metadata().withFigures(n.totalParams(), n.totalMacs()));
  }

  public long params() { return stats.stream().mapToLong(LayerStats::params).sum(); }

  public long nonZeroWeights() { return stats.stream().mapToLong(LayerStats::nonZeroWeights).sum(); }

  public long macs() { return stats.stream().mapToLong(LayerStats::macs).sum(); }

  public long nonZeroMacs() { return stats.stream().mapToLong(LayerStats::nonZeroMacs).sum(); }
}
