package dev.hwc.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The frontier warm-up (hwc.search.warmup = frontier): for each algorithm of the warm-up's menu, a bisection for the
 * most compressing uniform plan that stays within the accuracy bound, instead of the grid's fixed coarse-to-fine
 * order, whose first 20 points are mostly far outside a 1-point bound and miss the mid-grid plans near it (on
 * vgg-small the best plan at 1 point of the uniform grid and of ddpg-fixed, 4-bit 40% ObsReconstruction, is one the
 * composite's grid warm-up never visits).
 *
 * <p>The axis: the uniform plans ordered by how much they compress — ratio 0 at each bits value below the baseline's,
 * descending, then the lowest bits value at each ratio of the grid, ascending (with bits [8, 6, 5, 4] and ratio step
 * 0.1 up to 0.8: 6, 5, 4 bits dense, then 4 bits at 0.1 … 0.8; 11 levels). The loss grows along it, so the plans within
 * the bound are a prefix of it, and a bisection finds its end in about log2(levels + 1) probes. One bisection per
 * algorithm; the episodes take them in strict turns (episode n: algorithm (n − 1) mod max(k, 2); an episode whose
 * algorithm has ended, or the second of a one-algorithm turn, takes the grid's point), so a probe's result, a turn
 * back, is known when the next probe of its algorithm is chosen with up to max(k, 2) episodes in flight. A probe is within
 * the bound when its reward is above {@code penalty-at-bound} (every reward past the bound is at most that). A
 * dense point (ratio 0) is the same plan for every algorithm, so its result serves them all.
 *
 * <p>The points are a function of the results the agents have remembered (the same with one or two episodes in flight
 * from the same journal, and after a restore); an algorithm whose last probe's result is not known yet is probed again
 * at the same point.
 */
public final class FrontierWarmup implements WarmupOrder {
  private final List<UniformGrid.Point> levels;
  private final List<Integer> algorithms;
  private final ActionMapping mapping;
  private final double feasibleAbove;
  private final UniformGrid rest;

  /**
   * @param grid          the warm-up's grid (hwc.search.uniform over the warm-up's algorithms): its bits values and
   *                      ratios make the axis, and its order serves the episodes after every bisection has ended
   * @param algorithms    the menu indices to bisect, in the order the episodes take them
   * @param baselineBits  the dense baseline's bits (not on the axis)
   * @param feasibleAbove a reward above it is within the accuracy bound (hwc.search.reward.penalty-at-bound)
   */
  public FrontierWarmup(UniformGrid grid, List<Integer> algorithms, int baselineBits, ActionMapping mapping, double feasibleAbove) {
    if (algorithms.isEmpty()) throw new IllegalArgumentException("the frontier warm-up's algorithm menu is empty");
    int lowest = Integer.MAX_VALUE;
    List<Integer> dense = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    for (UniformGrid.Point p : grid.points()) {
      lowest = Math.min(lowest, p.bits());
      if (p.ratio() == 0 && !dense.contains(p.bits())) dense.add(p.bits());
      if (p.ratio() > 0 && !ratios.contains(p.ratio())) ratios.add(p.ratio());
    }
    dense.sort(java.util.Comparator.reverseOrder());
    ratios.sort(null);
    List<UniformGrid.Point> axis = new ArrayList<>();
    for (int b : dense) if (b != baselineBits) axis.add(new UniformGrid.Point(b, 0, UniformGrid.NONE));
    for (double r : ratios) axis.add(new UniformGrid.Point(lowest, r, algorithms.get(0)));
    this.levels = List.copyOf(axis);
    this.algorithms = List.copyOf(algorithms);
    this.mapping = mapping;
    this.feasibleAbove = feasibleAbove;
    this.rest = grid;
  }

  /** The axis (ratio-0 levels carry {@link UniformGrid#NONE}, the others the first algorithm). */
  List<UniformGrid.Point> levels() {
    return levels;
  }

  @Override public UniformGrid.Point pointOf(int episode, Map<Probe, Float> rewards) {
    if (episode < 1) throw new IllegalArgumentException("episode must be >= 1, was " + episode);
    // strict turns, at least two long, so that an algorithm's last probe (a turn back) is known with two in flight
    int slot = (episode - 1) % Math.max(2, algorithms.size());
    UniformGrid.Point next = slot < algorithms.size() ? nextProbe(algorithms.get(slot), rewards) : null;
    return next != null ? next : rest.pointOfEpisode(episode);
  }

  /** The next point of {@code algorithm}'s bisection given the results, or null when it has ended. */
  UniformGrid.Point nextProbe(int algorithm, Map<Probe, Float> rewards) {
    // lo: the last level known within the bound (-1: the dense baseline); hi: the first known outside (levels.size():
    // past the axis)
    int lo = -1, hi = levels.size();
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      UniformGrid.Point p = at(mid, algorithm);
      Float reward = rewards.get(Probe.of(mapping, p));
      if (reward == null) return p;
      if (reward > feasibleAbove) lo = mid; else hi = mid;
    }
    return null;
  }

  private UniformGrid.Point at(int level, int algorithm) {
    UniformGrid.Point p = levels.get(level);
    return p.ratio() == 0 ? p : new UniformGrid.Point(p.bits(), p.ratio(), algorithm);
  }

  @Override public List<UniformGrid.Point> points() {
    List<UniformGrid.Point> all = new ArrayList<>(rest.points());
    all.addAll(levels);
    return all;
  }
}
