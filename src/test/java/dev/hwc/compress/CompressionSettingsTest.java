package dev.hwc.compress;

import com.typesafe.config.ConfigFactory;
import dev.hwc.cli.HwcConfig;
import dev.hwc.model.LayerKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CompressionSettingsTest {
  @Test void shippedConfigurationEqualsTheDefaults() {
    assertEquals(CompressionSettings.defaults(), CompressionSettings.from(HwcConfig.load(null)));
    // the paper's menu is the default one without the pruner it did not have
    assertEquals(CompressionSettings.defaults().algorithms().stream().filter(a -> !a.equals("ObsReconstruction")).toList(),
        HwcConfig.load(null).getStringList("hwc.compress.paper"));
  }

  @Test void eachCopyChangesOneValueAndKeepsTheOthers() {
    CompressionSettings d = CompressionSettings.defaults();
    CompressionSettings changed = d.withPinFirstLast8Bit(false).withBatchNormRecalibration(false).withCalibrationImages(64)
        .withPerChannelWeights(true).withWeightRounding("gptq").withReconstructionInputs("base").withActivationEqualization(0.3)
        .withEqualizationImages(32);
    assertEquals(List.of(false, false, 64, true, "gptq", "base", 0.3, 32),
        List.of(changed.pinFirstLast8Bit(), changed.batchNormRecalibration(), changed.calibrationImages(), changed.perChannelWeights(),
            changed.weightRounding(), changed.reconstructionInputs(), changed.activationEqualization(), changed.equalizationImages()));
    // and back: every other value came through both copies untouched
    assertEquals(d, changed.withPinFirstLast8Bit(true).withBatchNormRecalibration(true).withCalibrationImages(512)
        .withPerChannelWeights(false).withWeightRounding("nearest").withReconstructionInputs("compressed")
        .withActivationEqualization(0.5).withEqualizationImages(256));
    assertEquals(false, d.withDepthwisePerChannel(false).depthwisePerChannel());
    var e = assertThrows(IllegalArgumentException.class, () -> d.withCalibrationImages(0));
    assertEquals("hwc.compress.calibration.images must be >= 1, was 0", e.getMessage());
  }

  @Test void depthwiseLayersGetPerChannelWeightsAloneOrWithEveryLayer() {
    CompressionSettings d = CompressionSettings.defaults();
    assertEquals(List.of(true, false, false, false), List.of(d.perChannelWeights(LayerKind.DEPTHWISE_CONV),
        d.perChannelWeights(LayerKind.CONV), d.perChannelWeights(LayerKind.DENSE), d.withDepthwisePerChannel(false).perChannelWeights(LayerKind.DEPTHWISE_CONV)));
    assertEquals(List.of(true, true), List.of(d.withDepthwisePerChannel(false).withPerChannelWeights(true).perChannelWeights(LayerKind.DEPTHWISE_CONV),
        d.withPerChannelWeights(true).perChannelWeights(LayerKind.CONV)));
  }

  @Test void badSettingsNameTheKey() {
    assertRejected("hwc.compress.algorithms = [FilterL1, Foo]",
        "hwc.compress.algorithms: unknown algorithm 'Foo' (known: FilterL1, FilterL2, FilterGeometricMedian, "
        + "ChannelReconstruction, Magnitude, ActivationAwareMagnitude, BalancedMagnitude, ObsReconstruction, none)");
    assertRejected("hwc.compress.ratio-range = [0, 0.99]",
        "hwc.compress.ratio-range must satisfy 0 <= min <= max <= 0.95, was [0.0, 0.99]");
    assertRejected("hwc.compress.weight-rounding = stochastic",
        "hwc.compress.weight-rounding must be nearest or gptq, was 'stochastic'");
    assertRejected("hwc.compress.reconstruction-inputs = upstream",
        "hwc.compress.reconstruction-inputs must be base or compressed, was 'upstream'");
    assertRejected("hwc.compress.depthwise-scales = per-layer",
        "hwc.compress.depthwise-scales must be per-channel or per-tensor, was 'per-layer'");
    assertRejected("hwc.compress.calibration.equalization-images = some",
        "hwc.compress.calibration.equalization-images must be a count or all, was 'some'");
    assertRejected("hwc.compress.calibration.equalization-images = 0",
        "hwc.compress.calibration.equalization-images must be >= 1 or all, was 0");
  }

  /** {@code conf} over the shipped configuration is refused with exactly {@code message}. */
  private static void assertRejected(String conf, String message) {
    var e = assertThrows(IllegalArgumentException.class,
        () -> CompressionSettings.from(ConfigFactory.parseString(conf).withFallback(HwcConfig.load(null))));
    assertEquals(message, e.getMessage());
  }

  @Test void equalizationImagesAllMeansEveryCalibrationImage() {
    var s = CompressionSettings.from(ConfigFactory.parseString("hwc.compress.calibration.equalization-images = all")
        .withFallback(HwcConfig.load(null)));
    assertEquals(s.calibrationImages(), s.equalizationImagesUsed());
  }
}
