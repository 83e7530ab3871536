package dev.hwc.search;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Which whole-model uniform decision each episode of the learning agents' grid warm-up takes (hwc.search.warmup): a
 * fixed coarse-to-fine order ({@link UniformGrid}) or one that follows the results so far ({@link FrontierWarmup}).
 */
public interface WarmupOrder {
  /**
   * The point of warm-up episode {@code episode} (1-based).
   *
   * @param rewards the reward of every uniform episode remembered so far, by its {@link Probe}: a function of what the
   *                agents have learned from, so a restored policy, which remembers the journaled episodes again,
   *                chooses the same points
   */
  UniformGrid.Point pointOf(int episode, Map<Probe, Float> rewards);

  /** Every point this order may take (checked against the bits range the actions can express). */
  List<UniformGrid.Point> points();

  /**
   * A uniform episode as its layer steps show it: the raw ratio and bits actions every layer took, and the algorithm
   * ({@link UniformGrid#NONE} where the ratio is 0, whatever the algorithm: nothing is pruned).
   */
  record Probe(float ratioAction, float bitsAction, int algorithm) {
    /** The probe of a grid point under {@code mapping}. */
    static Probe of(ActionMapping mapping, UniformGrid.Point p) {
      float[] a = SearchStrategy.GridActions.actionOf(mapping, p);
      return new Probe(a[0], a[1], p.ratio() == 0 ? UniformGrid.NONE : p.algorithm());
    }

    /** The probe of an episode whose every step took the same action (weight bits = activation bits) and algorithm, else null. */
    static Probe of(ActionMapping mapping, List<EpisodeTransitions.Step> steps) {
      if (steps.isEmpty()) return null;
      EpisodeTransitions.Step first = steps.get(0);
      float[] a = first.action();
      if (a.length != 3 || a[1] != a[2]) return null;
      for (EpisodeTransitions.Step s : steps)
        if (!Arrays.equals(s.action(), a) || s.algorithm() != first.algorithm()) return null;
      return new Probe(a[0], a[1], mapping.ratio(a[0]) == 0 ? UniformGrid.NONE : first.algorithm());
    }
  }
}
