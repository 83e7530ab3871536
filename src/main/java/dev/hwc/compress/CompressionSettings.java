package dev.hwc.compress;

import com.typesafe.config.Config;
import dev.hwc.model.LayerKind;

import java.util.List;
import java.util.function.Consumer;

/**
 * Typed form of {@code hwc.compress} (conf/compress.conf): the algorithm menu and ranges a plan is validated
 * against, and how quantization and calibration are done.
 */
public record CompressionSettings(List<String> algorithms, double minRatio, double maxRatio, int minBits, int maxBits,
                                  boolean pinFirstLast8Bit, boolean perChannelWeights, int clipBelowBits,
                                  String weightRounding, String reconstructionInputs, String activationRange, double activationPercentile,
                                  int calibrationImages, int pointsPerMap, double ridge, long seed,
                                  boolean batchNormRecalibration, double activationEqualization,
                                  int equalizationImages, boolean depthwisePerChannel) {

  /** Values of {@code hwc.compress.depthwise-scales}: one scale per channel on a depthwise layer's weights and input, or one per tensor. */
  public static final List<String> DEPTHWISE_SCALES = List.of("per-channel", "per-tensor");

  /** Values of {@code hwc.compress.weight-rounding}: round-to-nearest, or {@link GptqRounding}. */
  public static final List<String> WEIGHT_ROUNDINGS = List.of("nearest", "gptq");

  /**
   * Values of {@code hwc.compress.reconstruction-inputs}: the inputs whose statistics the reconstructing steps
   * (ObsReconstruction, ChannelReconstruction, GPTQ) fit to — the base network's, or those the compressed layers
   * before each layer produce, with a least-squares refit of every layer's kept weights ({@link Compressor}).
   */
  public static final List<String> RECONSTRUCTION_INPUTS = List.of("base", "compressed");

  public CompressionSettings {
    algorithms = List.copyOf(algorithms);
    for (String a : algorithms)
      if (!Pruners.known().contains(a))
        throw new IllegalArgumentException("hwc.compress.algorithms: unknown algorithm '" + a + "' (known: " + String.join(", ", Pruners.known()) + ")");
    if (!(minRatio >= 0 && minRatio <= maxRatio && maxRatio <= LayerDecision.MAX_RATIO))
      throw new IllegalArgumentException("hwc.compress.ratio-range must satisfy 0 <= min <= max <= " + LayerDecision.MAX_RATIO + ", was [" + minRatio + ", " + maxRatio + "]");
    if (minBits < LayerDecision.MIN_BITS || minBits > maxBits || maxBits > LayerDecision.MAX_BITS)
      throw new IllegalArgumentException("hwc.compress.bits-range must lie in [" + LayerDecision.MIN_BITS + ", " + LayerDecision.MAX_BITS + "], was [" + minBits + ", " + maxBits + "]");
    if (!WEIGHT_ROUNDINGS.contains(weightRounding))
      throw new IllegalArgumentException("hwc.compress.weight-rounding must be " + String.join(" or ", WEIGHT_ROUNDINGS) + ", was '" + weightRounding + "'");
    if (!RECONSTRUCTION_INPUTS.contains(reconstructionInputs))
      throw new IllegalArgumentException("hwc.compress.reconstruction-inputs must be " + String.join(" or ", RECONSTRUCTION_INPUTS) + ", was '" + reconstructionInputs + "'");
    if (!activationRange.equals("max") && !activationRange.equals("percentile"))
      throw new IllegalArgumentException("hwc.compress.activation-range must be max or percentile, was '" + activationRange + "'");
    if (calibrationImages < 1) throw new IllegalArgumentException("hwc.compress.calibration.images must be >= 1, was " + calibrationImages);
    if (pointsPerMap < 1) throw new IllegalArgumentException("hwc.compress.calibration.points-per-map must be >= 1, was " + pointsPerMap);
    if (!(ridge >= 0)) throw new IllegalArgumentException("hwc.compress.calibration.ridge must be >= 0, was " + ridge);
    if (equalizationImages < 1)
      throw new IllegalArgumentException("hwc.compress.calibration.equalization-images must be >= 1 or all, was " + equalizationImages);
    if (!(activationEqualization == 0 || activationEqualization > 0 && activationEqualization < 1))
      throw new IllegalArgumentException("hwc.compress.activation-equalization must be off or an alpha in (0, 1), was " + activationEqualization);
  }

  /** {@code activation-equalization}: off (0 here), or SmoothQuant's alpha. */
  private static double equalization(Config c) {
    String v = c.getString("activation-equalization");
    if (v.equals("off")) return 0;
    try {
      double a = Double.parseDouble(v);
      if (a > 0 && a < 1) return a;
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException("hwc.compress.activation-equalization must be off or an alpha in (0, 1), was '" + v + "'");
  }

  /** {@code calibration.equalization-images}: a count, or "all" (every calibration image, as before the setting). */
  private static int equalizationImages(Config c) {
    String v = c.getString("calibration.equalization-images");
    if (v.equals("all")) return Integer.MAX_VALUE;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("hwc.compress.calibration.equalization-images must be a count or all, was '" + v + "'");
    }
  }

  /** {@code depthwise-scales}: whether depthwise layers get one scale per channel. */
  private static boolean depthwisePerChannel(Config c) {
    String v = c.getString("depthwise-scales");
    if (!DEPTHWISE_SCALES.contains(v))
      throw new IllegalArgumentException("hwc.compress.depthwise-scales must be " + String.join(" or ", DEPTHWISE_SCALES) + ", was '" + v + "'");
    return v.equals("per-channel");
  }

  /**
   * Whether a layer's weights are quantized with one scale per output channel: every layer's with
   * {@code per-channel-weights}, a depthwise layer's also with {@code depthwise-scales = per-channel}.
   */
  public boolean perChannelWeights(LayerKind kind) {
    return perChannelWeights || depthwisePerChannel && kind == LayerKind.DEPTHWISE_CONV;
  }

  /** Calibration images the equalization scales are measured on: the first of the {@link #calibrationImages}. */
  public int equalizationImagesUsed() {
    return Math.min(equalizationImages, calibrationImages);
  }

  /** Reads the {@code hwc.compress} subtree of a resolved configuration. */
  public static CompressionSettings from(Config root) {
    Config c = root.getConfig("hwc.compress");
    List<Double> r = c.getDoubleList("ratio-range");
    List<Integer> b = c.getIntList("bits-range");
    if (r.size() != 2) throw new IllegalArgumentException("hwc.compress.ratio-range must be [min, max], was " + r);
    if (b.size() != 2) throw new IllegalArgumentException("hwc.compress.bits-range must be [min, max], was " + b);
    return new CompressionSettings(c.getStringList("algorithms"), r.get(0), r.get(1), b.get(0), b.get(1),
        c.getBoolean("pin-first-last-8bit"), c.getBoolean("per-channel-weights"), c.getInt("clip-below-bits"),
        c.getString("weight-rounding"), c.getString("reconstruction-inputs"), c.getString("activation-range"), c.getDouble("activation-percentile"),
        c.getInt("calibration.images"), c.getInt("calibration.points-per-map"), c.getDouble("calibration.ridge"),
        c.getLong("calibration.seed"), c.getBoolean("batchnorm-recalibration"), equalization(c), equalizationImages(c), depthwisePerChannel(c));
  }

  /** The shipped defaults (same values as conf/compress.conf), for tests and embedding. */
  public static CompressionSettings defaults() {
    return new CompressionSettings(Pruners.known().stream().filter(n -> !n.equals(Pruners.NONE)).toList(), 0, 0.8, 2, 8,
        true, false, 9, "nearest", "compressed", "max", 99.99, 512, 40, 1e-4, 7, true, 0.5, 256, true);
  }

  public CompressionSettings withPinFirstLast8Bit(boolean pin) {
    return with(b -> b.pinFirstLast8Bit = pin);
  }

  public CompressionSettings withBatchNormRecalibration(boolean on) {
    return with(b -> b.batchNormRecalibration = on);
  }

  public CompressionSettings withCalibrationImages(int images) {
    return with(b -> b.calibrationImages = images);
  }

  public CompressionSettings withPerChannelWeights(boolean perChannel) {
    return with(b -> b.perChannelWeights = perChannel);
  }

  public CompressionSettings withWeightRounding(String rounding) {
    return with(b -> b.weightRounding = rounding);
  }

  public CompressionSettings withReconstructionInputs(String inputs) {
    return with(b -> b.reconstructionInputs = inputs);
  }

  public CompressionSettings withActivationEqualization(double alpha) {
    return with(b -> b.activationEqualization = alpha);
  }

  public CompressionSettings withEqualizationImages(int images) {
    return with(b -> b.equalizationImages = images);
  }

  public CompressionSettings withDepthwisePerChannel(boolean perChannel) {
    return with(b -> b.depthwisePerChannel = perChannel);
  }

  /** A copy with the values {@code change} sets on a {@link Copy} of these (validated as any other). */
  private CompressionSettings with(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  /** The settings' values, mutable for one {@link #with} (so that a new setting adds one field, not one argument per copy). */
  private static final class Copy {
    private final List<String> algorithms;
    private final double minRatio, maxRatio, activationPercentile, ridge;
    private final int minBits, maxBits, clipBelowBits, pointsPerMap;
    private final String activationRange;
    private final long seed;
    boolean pinFirstLast8Bit, perChannelWeights, batchNormRecalibration, depthwisePerChannel;
    String weightRounding, reconstructionInputs;
    int calibrationImages, equalizationImages;
    double activationEqualization;

    Copy(CompressionSettings s) {
      algorithms = s.algorithms; minRatio = s.minRatio; maxRatio = s.maxRatio; minBits = s.minBits; maxBits = s.maxBits;
      pinFirstLast8Bit = s.pinFirstLast8Bit; perChannelWeights = s.perChannelWeights; clipBelowBits = s.clipBelowBits;
      weightRounding = s.weightRounding; reconstructionInputs = s.reconstructionInputs; activationRange = s.activationRange;
      activationPercentile = s.activationPercentile; calibrationImages = s.calibrationImages; pointsPerMap = s.pointsPerMap;
      ridge = s.ridge; seed = s.seed; batchNormRecalibration = s.batchNormRecalibration;
      activationEqualization = s.activationEqualization; equalizationImages = s.equalizationImages;
      depthwisePerChannel = s.depthwisePerChannel;
    }

    CompressionSettings build() {
      return new CompressionSettings(algorithms, minRatio, maxRatio, minBits, maxBits, pinFirstLast8Bit, perChannelWeights,
          clipBelowBits, weightRounding, reconstructionInputs, activationRange, activationPercentile, calibrationImages,
          pointsPerMap, ridge, seed, batchNormRecalibration, activationEqualization, equalizationImages, depthwisePerChannel);
    }
  }

  /** Whether each layer is reconstructed from the inputs the compressed layers before it produce. */
  public boolean reconstructFromCompressedInputs() {
    return reconstructionInputs.equals("compressed");
  }
}
