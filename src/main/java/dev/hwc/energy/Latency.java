package dev.hwc.energy;

import java.util.List;

/**
 * Time of one layer (or a sum of layers run one after another) on the accelerator.
 *
 * @param computeCycles cycles the PE array needs: passes × cycles per pass, one MAC per PE per cycle (zero gating
 *                      saves energy, not cycles)
 * @param dramCycles    cycles the DRAM traffic needs at the hardware's bandwidth (0 when it is unbounded)
 * @param cycles        the layer's cycles: the larger of the two (DRAM transfers overlap computation); for a sum, the
 *                      sum of its layers' cycles
 * @param pes           PEs in the array
 * @param clockMhz      core clock
 */
public record Latency(double computeCycles, double dramCycles, double cycles, int pes, double clockMhz) {
  public static Latency of(double computeCycles, double dramCycles, int pes, double clockMhz) {
    return new Latency(computeCycles, dramCycles, Math.max(computeCycles, dramCycles), pes, clockMhz);
  }

  /** Milliseconds at the core clock. */
  public double millis() {
    return cycles / (clockMhz * 1e3);
  }

  /** Fraction of PE-cycles doing a (dense) MAC. */
  public double utilisation(double macs) {
    return cycles == 0 ? 0 : macs / (cycles * pes);
  }

  public static Latency sum(List<Latency> parts) {
    double c = 0, d = 0, t = 0;
    for (Latency l : parts) {
      c += l.computeCycles;
      d += l.dramCycles;
      t += l.cycles;
    }
    Latency first = parts.isEmpty() ? null : parts.get(0);
    return new Latency(c, d, t, first == null ? 1 : first.pes, first == null ? Accelerator.DEFAULT_CLOCK_MHZ : first.clockMhz);
  }
}
