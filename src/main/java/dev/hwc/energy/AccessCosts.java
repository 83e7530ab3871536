package dev.hwc.energy;

/**
 * Energy of one native word read from, and written to, one storage level, per data type, normalised to one
 * native-width MAC. A hardware file that gives a level one number gets that number for every data type and both
 * directions; a level split per data type (Eyeriss's three scratch pads of 224, 12 and 24 words) gives each its own.
 */
public record AccessCosts(DataCosts read, DataCosts write) {

  /** One energy for every data type and direction. */
  public static AccessCosts uniform(double energy) {
    DataCosts d = new DataCosts(energy, energy, energy);
    return new AccessCosts(d, d);
  }

  public double read(DataType t) {
    return read.get(t);
  }

  public double write(DataType t) {
    return write.get(t);
  }

  /** True when every data type and direction costs the same. */
  public boolean isUniform() {
    double e = read.weights();
    return read.inputs() == e && read.psums() == e && write.weights() == e && write.inputs() == e && write.psums() == e;
  }

  /** Energy of {@code accesses} words of which {@code writes} are writes (the rest reads), per data type. */
  public DataCosts energy(DataCosts accesses, DataCosts writes) {
    return new DataCosts(
        (accesses.weights() - writes.weights()) * read.weights() + writes.weights() * write.weights(),
        (accesses.inputs() - writes.inputs()) * read.inputs() + writes.inputs() * write.inputs(),
        (accesses.psums() - writes.psums()) * read.psums() + writes.psums() * write.psums());
  }
}
