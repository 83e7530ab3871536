package dev.hwc.rl;

import java.util.Arrays;

/**
 * xoshiro256** with its whole state in four longs, so an agent's checkpoint can carry the exact point of its
 * random stream ({@link #state()} / {@link #Rng(long[])}). Gaussian draws use Box-Muller without a cached
 * second value, so the four longs are the complete state.
 */
public final class Rng {
  private long s0, s1, s2, s3;

  /** Seeds the four words from one long with SplitMix64, as the xoshiro authors recommend. */
  public Rng(long seed) {
    long x = seed;
    x += 0x9E3779B97F4A7C15L; s0 = mix(x);
    x += 0x9E3779B97F4A7C15L; s1 = mix(x);
    x += 0x9E3779B97F4A7C15L; s2 = mix(x);
    x += 0x9E3779B97F4A7C15L; s3 = mix(x);
  }

  public Rng(long[] state) {
    if (state.length != 4) throw new IllegalArgumentException("Rng state must have 4 words, had " + state.length);
    s0 = state[0]; s1 = state[1]; s2 = state[2]; s3 = state[3];
  }

  public long[] state() {
    return new long[] {s0, s1, s2, s3};
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public long nextLong() {
    long result = Long.rotateLeft(s1 * 5, 7) * 9;
    long t = s1 << 17;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
    s2 ^= t;
    s3 = Long.rotateLeft(s3, 45);
    return result;
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) throw new IllegalArgumentException("bound must be positive, was " + bound);
    return (int) ((nextLong() >>> 33) * bound >>> 31);
  }

  /** Standard normal by Box-Muller (one value per call, the partner value discarded). */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble(); // (0, 1]: log never sees 0
    double u2 = nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
  }

  /**
   * N(mu, sigma) truncated to [lo, hi], by rejection (AMC's exploration noise); after 100 rejections (a mean far
   * outside the interval) it falls back to a uniform draw in [lo, hi].
   */
  public double truncatedNormal(double mu, double sigma, double lo, double hi) {
    if (sigma <= 0) return Math.min(hi, Math.max(lo, mu));
    for (int i = 0; i < 100; i++) {
      double x = mu + sigma * nextGaussian();
      if (x >= lo && x <= hi) return x;
    }
    return lo + (hi - lo) * nextDouble();
  }

  @Override public String toString() {
    return "Rng" + Arrays.toString(state());
  }
}
