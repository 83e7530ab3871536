package dev.hwc.search;

import dev.hwc.compress.CompressionSettings;
import dev.hwc.compress.LayerDecision;

import java.util.List;

/**
 * Turns the agents' outputs into a layer decision (ranges from {@code hwc.compress}): DDPG's (ratio, weight bits, activation bits) in [0, 1] and
 * Rainbow's algorithm index. Bits use HAQ's equal-width bins, {@code b = round(a·(max−min+1) + min − 0.5)};
 * the first and last decision layers may be pinned to {@code pinnedBits}.
 */
public record ActionMapping(double minRatio, double maxRatio, int minBits, int maxBits, boolean pinFirstLast, int pinnedBits) {

  public ActionMapping {
    if (!(minRatio >= 0 && minRatio <= maxRatio && maxRatio <= LayerDecision.MAX_RATIO))
      throw new IllegalArgumentException("pruning ratio range [" + minRatio + ", " + maxRatio + "] is invalid");
    if (minBits < LayerDecision.MIN_BITS || maxBits > LayerDecision.MAX_BITS || minBits > maxBits)
      throw new IllegalArgumentException("bits range [" + minBits + ", " + maxBits + "] is invalid");
  }

  /** The compressor's ranges (conf/compress.conf), so every decision the search makes is one the compressor accepts. */
  public static ActionMapping from(CompressionSettings c) {
    return new ActionMapping(c.minRatio(), c.maxRatio(), c.minBits(), c.maxBits(), c.pinFirstLast8Bit(), 8);
  }

  public int bits(float a) {
    double clipped = Math.max(0, Math.min(1, a));
    long b = Math.round(clipped * (maxBits - minBits + 1) + minBits - 0.5);
    return (int) Math.max(minBits, Math.min(maxBits, b));
  }

  public double ratio(float a) {
    return minRatio + Math.max(0, Math.min(1, a)) * (maxRatio - minRatio);
  }

  /** The decision of step {@code step} of {@code steps}, from the raw action and the algorithm menu's entry. */
  public LayerDecision decision(int step, int steps, float[] action, int algorithm, List<String> algorithms) {
    if (algorithm < 0 || algorithm >= algorithms.size())
      throw new IllegalArgumentException("algorithm index " + algorithm + " outside the menu of " + algorithms.size());
    boolean pinned = pinFirstLast && (step == 0 || step == steps - 1);
    int wb = pinned ? pinnedBits : bits(action[1]);
    int ab = pinned ? pinnedBits : bits(action[2]);
    return new LayerDecision(ratio(action[0]), algorithms.get(algorithm), wb, ab);
  }
}
