package dev.hwc.energy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * The {@code hwc.energy} settings: which hardware file, the baseline precision, the density bucket.
 *
 * @param hardware     hardware file path as written in the configuration (relative paths are resolved by the caller)
 * @param baselineBits weight and activation bits of the dense baseline
 * @param densityStep  fine-pruning densities are rounded up to a multiple of this
 */
public record EnergySettings(String hardware, int baselineBits, double densityStep) {
  public EnergySettings {
    if (hardware == null || hardware.isBlank()) throw new IllegalArgumentException("hwc.energy.hardware must name a file");
    if (baselineBits < 1 || baselineBits > 32)
      throw new IllegalArgumentException("hwc.energy.baseline-bits must be in [1, 32], was " + baselineBits);
    if (!(densityStep > 0 && densityStep <= 1))
      throw new IllegalArgumentException("hwc.energy.density-step must be in (0, 1], was " + densityStep);
  }

  /** From the {@code hwc.energy} subtree of the resolved configuration. */
  public static EnergySettings fromConfig(Config energy) {
    try {
      return new EnergySettings(energy.getString("hardware"), energy.getInt("baseline-bits"), energy.getDouble("density-step"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad hwc.energy settings: " + e.getMessage(), e);
    }
  }
}
