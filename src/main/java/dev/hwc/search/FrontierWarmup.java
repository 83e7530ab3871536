package dev.hwc.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The frontier warm-up (hwc.search.warmup = frontier): for each algorithm of the warm-up's menu, a bisection for the
 * most compressing uniform plan within the accuracy bound, instead of the grid's fixed coarse-to-fine order, whose
 * first 20 points are mostly far outside a 1-point bound and miss the plans near it (on vgg-small the best plan at 1
 * point of the uniform grid and of ddpg-fixed, 4-bit 40% ObsReconstruction, is one the composite's grid warm-up never
 * visits).
 *
 * <p>First the dense points below the baseline's bits, ascending (episodes 1, 2, 3: 4, 5 and 6 bits with no pruning on
 * the default grid): the lowest bits {@code b*} whose dense plan is within the bound (the grid's highest, 8, if none is).
 * Then, for each algorithm, a bisection over the grid's ratios at {@code b*} (0.1 … 0.8: the loss grows with the ratio,
 * so the ratios within the bound are a prefix, found in three or four probes; the first at 0.4). The algorithms take
 * strict turns (the n-th episode after the dense ones bisects algorithm (n − 1) mod max(k, 2) of the warm-up's k), so
 * a probe's result, a turn back, is known when the next probe of its algorithm is chosen with up to max(k, 2)
 * episodes in flight. A probe is within the bound when its reward is above {@code penalty-at-bound} (every reward past
 * the bound is at most that). An episode that cannot use a probe — {@code b*} not known yet (a lower dense point's
 * result pending), its algorithm's bisection ended, the second of a one-algorithm turn — takes the grid's point.
 *
 * <p>The points are a function of the results the agents have remembered (the same with one or two episodes in flight
 * from the same journal, and after a restore, which remembers the journaled episodes again); an algorithm whose last
 * probe's result is not known yet is probed again at the same point.
 */
public final class FrontierWarmup implements WarmupOrder {
  private final List<Integer> dense;
  private final List<Double> ratios;
  private final List<Integer> algorithms;
  private final int topBits;
  private final ActionMapping mapping;
  private final double feasibleAbove;
  private final UniformGrid rest;

  /**
   * @param grid          the warm-up's grid (hwc.search.uniform over the warm-up's algorithms): its bits values and
   *                      ratios are the probes', and its order serves the episodes that cannot use a probe
   * @param algorithms    the menu indices to bisect, in the order the episodes take them
   * @param feasibleAbove a reward above it is within the accuracy bound (hwc.search.reward.penalty-at-bound)
   */
  public FrontierWarmup(UniformGrid grid, List<Integer> algorithms, ActionMapping mapping, double feasibleAbove) {
    if (algorithms.isEmpty()) throw new IllegalArgumentException("the frontier warm-up's algorithm menu is empty");
    List<Integer> bits = new ArrayList<>();
    List<Double> rs = new ArrayList<>();
    for (UniformGrid.Point p : grid.points()) {
      if (p.ratio() == 0 && !bits.contains(p.bits())) bits.add(p.bits());
      if (p.ratio() > 0 && !rs.contains(p.ratio())) rs.add(p.ratio());
    }
    bits.sort(null);
    rs.sort(null);
    this.dense = List.copyOf(bits);
    this.ratios = List.copyOf(rs);
    this.algorithms = List.copyOf(algorithms);
    this.topBits = grid.points().stream().mapToInt(UniformGrid.Point::bits).max().orElseThrow();
    this.mapping = mapping;
    this.feasibleAbove = feasibleAbove;
    this.rest = grid;
  }

  @Override public UniformGrid.Point pointOf(int episode, Map<Probe, Float> rewards) {
    if (episode < 1) throw new IllegalArgumentException("episode must be >= 1, was " + episode);
    if (episode <= dense.size()) return densePoint(dense.get(episode - 1));
    Integer bits = lowestDenseWithin(rewards);
    int n = episode - dense.size();
    int slot = (n - 1) % Math.max(2, algorithms.size());
    UniformGrid.Point next = bits != null && slot < algorithms.size() ? nextProbe(bits, algorithms.get(slot), rewards) : null;
    return next != null ? next : rest.pointOfEpisode(episode);
  }

  /** The lowest bits whose dense plan is within the bound (the grid's highest if none is), or null while that is not known. */
  Integer lowestDenseWithin(Map<Probe, Float> rewards) {
    for (int b : dense) {
      Float reward = rewards.get(Probe.of(mapping, densePoint(b)));
      if (reward == null) return null;
      if (reward > feasibleAbove) return b;
    }
    return topBits;
  }

  /** The next point of {@code algorithm}'s bisection over the ratios at {@code bits}, or null when it has ended. */
  UniformGrid.Point nextProbe(int bits, int algorithm, Map<Probe, Float> rewards) {
    // lo: the last ratio index known within the bound (-1: the dense plan at these bits); hi: the first known outside
    int lo = -1, hi = ratios.size();
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      UniformGrid.Point p = new UniformGrid.Point(bits, ratios.get(mid), algorithm);
      Float reward = rewards.get(Probe.of(mapping, p));
      if (reward == null) return p;
      if (reward > feasibleAbove) lo = mid; else hi = mid;
    }
    return null;
  }

  private static UniformGrid.Point densePoint(int bits) {
    return new UniformGrid.Point(bits, 0, UniformGrid.NONE);
  }

  /** The grid's points: every probe is one (its bits, ratios and algorithms). */
  @Override public List<UniformGrid.Point> points() {
    return rest.points();
  }
}
