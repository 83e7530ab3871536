package dev.hwc.compress;

import dev.hwc.data.Dataset;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.ModelGraph;
import dev.hwc.model.Network;

/**
 * What turns a plan into a model ready to evaluate, prepared once per base model: the executable evaluation form,
 * the compressor calibrated on it (activation ranges, reconstruction statistics), and the BatchNorm recalibration.
 * The search's worker, the test-set re-measurement and {@code hwc compress} build it the same way, so a plan is
 * measured the same way everywhere.
 */
public final class PlanInstaller {
  private final ExecutableNetwork exec;
  private final Compressor compressor;
  private final BatchNormRecalibration recalibration;
  private final Compressor.UpstreamInputs upstream;   // null unless hwc.compress.reconstruction-inputs = compressed

  private PlanInstaller(ExecutableNetwork exec, Compressor compressor, BatchNormRecalibration recalibration,
                        Compressor.UpstreamInputs upstream) {
    this.exec = exec;
    this.compressor = compressor;
    this.recalibration = recalibration;
    this.upstream = upstream;
  }

  /**
   * Calibrates on the first {@code settings.calibrationImages()} images of {@code calibration} (batches of at most
   * {@code batchSize}); {@link #exec()} is left holding the unmodified base model (with
   * {@code hwc.compress.activation-equalization} or {@code depthwise-scales = per-channel}, its
   * {@link ActivationEqualization}, whose scales come from the first
   * {@code settings.equalizationImagesUsed()} of those images: the same function).
   */
  public static PlanInstaller of(Network base, Dataset calibration, CompressionSettings settings, int batchSize) {
    if (ActivationEqualization.appliesTo(base, settings.activationEqualization(), settings.depthwisePerChannel())) {
      // every form below is built on the equalized network: the same function, other activation ranges
      Calibration first = Calibration.collect(ExecutableNetwork.withActivationQuantization(base), calibration, settings.equalizationImagesUsed(), batchSize);
      base = ActivationEqualization.apply(base,
          ActivationEqualization.scales(base, first, settings.activationEqualization(), settings.depthwisePerChannel()));
    }
    ExecutableNetwork exec = ExecutableNetwork.withActivationQuantization(base);
    Compressor compressor = new Compressor(ModelGraph.of(base), base.params(),
        Calibration.collect(exec, calibration, settings.calibrationImages(), batchSize), settings);
    return new PlanInstaller(exec, compressor, BatchNormRecalibration.of(settings, base, calibration, batchSize),
        settings.reconstructFromCompressedInputs() ? CompressedInputs.of(base, calibration, settings, batchSize) : null);
  }

  /** The evaluation form every plan is written into. */
  public ExecutableNetwork exec() { return exec; }

  public Compressor compressor() { return compressor; }

  /** A layer-by-layer compression of one plan, with the reconstruction inputs the settings ask for. */
  public Compressor.Session session() {
    return compressor.session(upstream);
  }

  /** A whole plan applied, with the reconstruction inputs the settings ask for (not installed). */
  public CompressedModel compress(CompressionPlan plan) {
    return compressor.apply(plan, upstream);
  }

  /** Writes {@code m} (a compressor's output) into {@link #exec()}, BatchNorm statistics re-estimated; returns it as installed. */
  public CompressedModel install(CompressedModel m) {
    return recalibration.install(m, exec);
  }

  /** {@link #install(CompressedModel)} of the whole plan applied at once. */
  public CompressedModel install(CompressionPlan plan) {
    return install(compress(plan));
  }
}
