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
 * original indices of its output channels that remain (all of them for the classifier). {@link #plan} is the plan as
 * given; {@link #stats} carry the bits actually applied (first/last layer pinned to 8 bits by default).
 */
public record CompressedModel(CompressionPlan plan, Map<String, INDArray> evaluationParams,
                              List<ActivationQuant> activationQuant, List<Node> thinnedNodes,
                              Map<String, INDArray> thinnedParams, List<LayerStats> stats,
                              Map<String, int[]> keptOutputChannels) {

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
