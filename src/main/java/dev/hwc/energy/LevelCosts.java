package dev.hwc.energy;

/**
 * One number (accesses or energy) per level and data type, plus the MAC datapath. For accesses the unit is the
 * native word (a datum of b bits counts b / word-bits words when packed) and {@code mac} counts executed MACs; for
 * energy the unit is one native-width MAC.
 */
public record LevelCosts(DataCosts dram, DataCosts buffer, DataCosts array, DataCosts rf, double mac) {
  public static final LevelCosts ZERO = new LevelCosts(DataCosts.ZERO, DataCosts.ZERO, DataCosts.ZERO, DataCosts.ZERO, 0);

  public DataCosts at(Level level) {
    return switch (level) {
      case DRAM -> dram;
      case BUFFER -> buffer;
      case ARRAY -> array;
      case RF -> rf;
      case MAC -> DataCosts.ZERO;
    };
  }

  /** The value at a level for a data type; MAC has no data type and is returned for any. */
  public double get(Level level, DataType type) {
    return level == Level.MAC ? mac : at(level).get(type);
  }

  /** Sum over data types at one level (the MAC count or energy for MAC). */
  public double level(Level level) {
    return level == Level.MAC ? mac : at(level).total();
  }

  /** Sum over levels for one data type (MAC excluded). */
  public double type(DataType type) {
    return dram.get(type) + buffer.get(type) + array.get(type) + rf.get(type);
  }

  public double total() {
    return dram.total() + buffer.total() + array.total() + rf.total() + mac;
  }

  public LevelCosts plus(LevelCosts o) {
    return new LevelCosts(dram.plus(o.dram), buffer.plus(o.buffer), array.plus(o.array), rf.plus(o.rf), mac + o.mac);
  }

  public LevelCosts times(double k) {
    return new LevelCosts(dram.times(k), buffer.times(k), array.times(k), rf.times(k), mac * k);
  }

  /**
   * Energy of these accesses, of which {@code writes} are writes (the rest reads): each level's words times its
   * energy per word read or written, MACs times the scaled MAC energy.
   */
  public LevelCosts energy(Accelerator hw, double macScale, LevelCosts writes) {
    return new LevelCosts(hw.dram().energy(dram, writes.dram), hw.buffer().energy(buffer, writes.buffer),
        hw.array().energy(array, writes.array), hw.rf().energy(rf, writes.rf), mac * hw.macEnergy() * macScale);
  }
}
