package dev.hwc.energy;

/**
 * Eyeriss's run-length coding of activations to and from DRAM: the tensor, in memory order, is a list of
 * (run, level) pairs, each a run of up to 2^runBits − 1 zeros followed by one value of {@code bits} bits. A run longer
 * than that is cut by a pair whose value is a stored zero; zeros at the end take one pair.
 */
public final class RunLengthCoding {
  private RunLengthCoding() {}

  /** Pairs needed to code {@code values}. */
  public static long pairs(float[] values, int runBits) {
    if (runBits < 0 || runBits > 30) throw new IllegalArgumentException("runBits must be in [0, 30], was " + runBits);
    long maxRun = (1L << runBits) - 1;
    long pairs = 0, run = 0;
    for (float v : values) {
      if (v != 0 || run == maxRun) { // a non-zero ends the run; so does a zero that would overflow it
        pairs++;
        run = 0;
      } else {
        run++;
      }
    }
    return run > 0 ? pairs + 1 : pairs;
  }

  /** Coded size in bits: pairs × (bits + runBits). */
  public static long bits(float[] values, int bits, int runBits) {
    return pairs(values, runBits) * (bits + runBits);
  }
}
