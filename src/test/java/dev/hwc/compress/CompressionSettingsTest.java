package dev.hwc.compress;

import com.typesafe.config.ConfigFactory;
import dev.hwc.cli.HwcConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class CompressionSettingsTest {
  @Test void shippedConfigurationEqualsTheDefaults() {
    assertEquals(CompressionSettings.defaults(), CompressionSettings.from(HwcConfig.load(null)));
    // the paper's menu is the default one without the pruner it did not have
    assertEquals(CompressionSettings.defaults().algorithms().stream().filter(a -> !a.equals("ObsReconstruction")).toList(),
        HwcConfig.load(null).getStringList("hwc.compress.paper"));
  }

  @Test void badSettingsNameTheKey() {
    var base = HwcConfig.load(null);
    var e = assertThrows(IllegalArgumentException.class, () -> CompressionSettings.from(
        ConfigFactory.parseString("hwc.compress.algorithms = [FilterL1, Foo]").withFallback(base)));
    assertEquals("hwc.compress.algorithms: unknown algorithm 'Foo' (known: FilterL1, FilterL2, FilterGeometricMedian, "
        + "ChannelReconstruction, Magnitude, ActivationAwareMagnitude, BalancedMagnitude, ObsReconstruction, none)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> CompressionSettings.from(
        ConfigFactory.parseString("hwc.compress.ratio-range = [0, 0.99]").withFallback(base)));
    assertEquals("hwc.compress.ratio-range must satisfy 0 <= min <= max <= 0.95, was [0.0, 0.99]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> CompressionSettings.from(
        ConfigFactory.parseString("hwc.compress.weight-rounding = stochastic").withFallback(base)));
    assertEquals("hwc.compress.weight-rounding must be nearest or gptq, was 'stochastic'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> CompressionSettings.from(
        ConfigFactory.parseString("hwc.compress.reconstruction-inputs = upstream").withFallback(base)));
    assertEquals("hwc.compress.reconstruction-inputs must be base or compressed, was 'upstream'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> CompressionSettings.from(
        ConfigFactory.parseString("hwc.compress.calibration.equalization-images = some").withFallback(base)));
    assertEquals("hwc.compress.calibration.equalization-images must be a count or all, was 'some'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> CompressionSettings.from(
        ConfigFactory.parseString("hwc.compress.calibration.equalization-images = 0").withFallback(base)));
    assertEquals("hwc.compress.calibration.equalization-images must be >= 1 or all, was 0", e.getMessage());
  }

  @Test void equalizationImagesAllMeansEveryCalibrationImage() {
    var s = CompressionSettings.from(ConfigFactory.parseString("hwc.compress.calibration.equalization-images = all")
        .withFallback(HwcConfig.load(null)));
    assertEquals(s.calibrationImages(), s.equalizationImagesUsed());
  }
}
