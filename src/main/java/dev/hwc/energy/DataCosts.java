package dev.hwc.energy;

/** One number (accesses or energy) per data type at one level. */
public record DataCosts(double weights, double inputs, double psums) {
  public static final DataCosts ZERO = new DataCosts(0, 0, 0);

  public double get(DataType t) {
    return switch (t) {
      case WEIGHTS -> weights;
      case INPUTS -> inputs;
      case PSUMS -> psums;
    };
  }

  public double total() {
    return weights + inputs + psums;
  }

  public DataCosts plus(DataCosts o) {
    return new DataCosts(weights + o.weights, inputs + o.inputs, psums + o.psums);
  }

  public DataCosts times(double k) {
    return new DataCosts(weights * k, inputs * k, psums * k);
  }
}
