package dev.hwc.energy;

import java.util.List;

/**
 * The energy of one layer (or a sum of layers): accesses per level and data type in native words, and energy in
 * normalised units (one native-width MAC = 1) and picojoules.
 *
 * @param layer    layer name, or a label for a sum
 * @param mapping  the lowest-energy mapping found; null for a sum of layers
 * @param load     bits and (bucketed) weight density used; null for a sum
 * @param macs     dense MACs of the layer shape (before skipping zero weights)
 * @param accesses accesses in native words; {@code accesses.mac()} counts executed MACs (zero weights skipped)
 * @param energy   normalised energy per level and data type
 * @param minimumDram the least DRAM traffic any mapping can have, per data type in native words: every weight read,
 *                 every input activation a filter touches read, and every output written, once each
 * @param latency  cycles of the chosen mapping
 */
public record EnergyBreakdown(String layer, Mapping mapping, LayerLoad load, double macs,
                              LevelCosts accesses, LevelCosts energy, double pjPerUnit,
                              DataCosts minimumDram, Latency latency) {

  public double totalEnergy() {
    return energy.total();
  }

  public double totalPj() {
    return energy.total() * pjPerUnit;
  }

  public double energy(Level level, DataType type) {
    return energy.get(level, type);
  }

  public double pj(Level level, DataType type) {
    return energy.get(level, type) * pjPerUnit;
  }

  /** DRAM words moved per dense MAC, the figure Eyeriss papers use to compare dataflows. */
  public double dramAccessesPerMac() {
    return macs == 0 ? 0 : accesses.level(Level.DRAM) / macs;
  }

  public EnergyBreakdown named(String name) {
    return new EnergyBreakdown(name, mapping, load, macs, accesses, energy, pjPerUnit, minimumDram, latency);
  }

  /** The element-wise sum of several layers' breakdowns. */
  public static EnergyBreakdown sum(String label, List<EnergyBreakdown> parts) {
    double macs = 0;
    LevelCosts acc = LevelCosts.ZERO, en = LevelCosts.ZERO;
    DataCosts min = DataCosts.ZERO;
    double pj = parts.isEmpty() ? 1 : parts.get(0).pjPerUnit;
    for (EnergyBreakdown b : parts) {
      macs += b.macs;
      acc = acc.plus(b.accesses);
      en = en.plus(b.energy);
      min = min.plus(b.minimumDram);
    }
    return new EnergyBreakdown(label, null, null, macs, acc, en, pj, min,
        Latency.sum(parts.stream().map(EnergyBreakdown::latency).toList()));
  }
}
