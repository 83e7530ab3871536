package dev.hwc.compress;

import dev.hwc.data.Dataset;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.Network;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * The compressor's {@link Compressor.UpstreamInputs} on an executable form of its own: writes the model as far as a
 * session has compressed it, re-estimates its BatchNorm statistics as an evaluation would
 * ({@link BatchNormRecalibration}), and reads the layer's input on the calibration images, in the batches
 * {@link Calibration#collect} used. One call at a time: the search's episodes in flight share it, and it never
 * touches the network the evaluations run on.
 */
public final class CompressedInputs implements Compressor.UpstreamInputs {
  private final ExecutableNetwork exec;
  private final BatchNormRecalibration recalibration;
  private final List<INDArray> batches;
  private final java.util.Map<String, java.util.Set<String>> upstreamOf = new java.util.HashMap<>();

  private CompressedInputs(ExecutableNetwork exec, BatchNormRecalibration recalibration, List<INDArray> batches) {
    this.exec = exec;
    this.recalibration = recalibration;
    this.batches = batches;
  }

  /** On the first {@code settings.calibrationImages()} images of {@code calibration}, as {@link PlanInstaller#of}. */
  public static CompressedInputs of(Network base, Dataset calibration, CompressionSettings settings, int batchSize) {
    return new CompressedInputs(ExecutableNetwork.withActivationQuantization(base),
        BatchNormRecalibration.of(settings, base, calibration, batchSize),
        List.copyOf(Calibration.batches(calibration, settings.calibrationImages(), batchSize)));
  }

  @Override public synchronized INDArray inputs(String layer, CompressedModel upstream) {
    // only the BatchNorms the layer's input depends on are re-estimated, so the passes stop where they do
    recalibration.install(upstream, exec, upstreamOf.computeIfAbsent(layer, l -> exec.network().ancestors(l))::contains);
    List<INDArray> parts = new ArrayList<>();
    for (INDArray b : batches) parts.add(exec.activations(layer, b).dup());
    return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0]));
  }
}
