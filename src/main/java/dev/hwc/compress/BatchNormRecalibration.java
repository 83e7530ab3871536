package dev.hwc.compress;

import dev.hwc.data.Dataset;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.Network;
import dev.hwc.model.Node;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adaptive BatchNorm (EagleEye, Li et al. 2020): after a plan is applied, every BatchNorm's mean and variance are
 * re-estimated on the calibration images passed through the compressed network (pruned and quantized weights,
 * quantized layer inputs). Pruning and low-bit quantization shift the statistics that the following layers were
 * trained on; putting them right costs one forward pass over a few hundred images and trains nothing.
 *
 * <p>The statistics are measured on the evaluation form and carried by the returned {@link CompressedModel} in both
 * forms, so the thinned network saved by a report computes what the search evaluated. Deterministic: the same plan
 * and calibration images give the same statistics. Off ({@link #install} only writes the plan) when
 * {@code hwc.compress.batchnorm-recalibration} is off or the network has no BatchNorm.
 */
public final class BatchNormRecalibration {
  private final List<INDArray> batches;

  private BatchNormRecalibration(List<INDArray> batches) {
    this.batches = batches;
  }

  /**
   * The recalibration {@code settings} ask for on {@code base}: the first {@code settings.calibrationImages()}
   * calibration images in equal batches of at most {@code batchSize} (a last partial batch is left out: the pooled
   * variance assumes equal batches).
   */
  public static BatchNormRecalibration of(CompressionSettings settings, Network base, Dataset calibration, int batchSize) {
    if (!settings.batchNormRecalibration() || base.nodes().stream().noneMatch(n -> n instanceof Node.BatchNorm))
      return new BatchNormRecalibration(List.of());
    int images = Math.min(settings.calibrationImages(), calibration.size());
    int batch = Math.max(1, Math.min(batchSize, images));
    List<INDArray> batches = new ArrayList<>();
    for (int from = 0; from + batch <= images; from += batch) batches.add(calibration.batch(from, from + batch));
    if (batches.isEmpty()) throw new IllegalArgumentException("BatchNorm recalibration: the calibration subset has no images");
    return new BatchNormRecalibration(List.copyOf(batches));
  }

  /** Whether {@link #install} re-estimates statistics. */
  public boolean enabled() {
    return !batches.isEmpty();
  }

  /**
   * Writes {@code m} into {@code exec} (as {@link CompressedModel#applyTo}), then, when enabled, re-estimates the
   * BatchNorm statistics there and writes them too. Returns the model as {@code exec} now holds it.
   */
  public CompressedModel install(CompressedModel m, ExecutableNetwork exec) {
    return install(m, exec, bn -> true);
  }

  /**
   * As {@link #install(CompressedModel, ExecutableNetwork)}, re-estimating only the BatchNorms {@code which} accepts
   * (the others keep {@code m}'s statistics): what a reader of one layer's input needs is its upstream BatchNorms.
   */
  public CompressedModel install(CompressedModel m, ExecutableNetwork exec, java.util.function.Predicate<String> which) {
    m.applyTo(exec);
    if (!enabled()) return m;
    CompressedModel recalibrated = m.withBatchNormStatistics(exec.batchNormStatistics(batches, which));
    exec.restore(statistics(recalibrated));
    return recalibrated;
  }

  private static Map<String, INDArray> statistics(CompressedModel m) {
    Map<String, INDArray> out = new java.util.TreeMap<>();
    for (String bn : m.keptBatchNormChannels().keySet())
      for (String k : new String[]{"/mean", "/var"}) out.put(bn + k, m.evaluationParams().get(bn + k));
    return out;
  }
}
