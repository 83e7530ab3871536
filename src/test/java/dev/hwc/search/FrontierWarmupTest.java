package dev.hwc.search;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrontierWarmupTest {
  private static final ActionMapping MAP = new ActionMapping(0, 0.8, 2, 8, true, 8);
  private static final List<Integer> TWO = List.of(0, 1);
  private static final UniformGrid GRID = UniformGrid.of(List.of(8, 6, 5, 4), 0.1, 0, 0.8, TWO, 8);
  private static final int NONE = UniformGrid.NONE;
  private static final List<UniformGrid.Point> DENSE = List.of(p(4, 0, NONE), p(5, 0, NONE), p(6, 0, NONE));

  private static UniformGrid.Point p(int bits, double ratio, int algorithm) {
    return new UniformGrid.Point(bits, ratio, algorithm);
  }

  private static List<UniformGrid.Point> dense(UniformGrid.Point... then) {
    List<UniformGrid.Point> out = new ArrayList<>(DENSE);
    out.addAll(List.of(then));
    return out;
  }

  /**
   * Runs {@code episodes} warm-up episodes whose results become known {@code lag} episodes later (1: before the next
   * episode is chosen; 2: two in flight), a point being within the bound when {@code within} says so.
   */
  private static List<UniformGrid.Point> run(FrontierWarmup f, int episodes, int lag, Predicate<UniformGrid.Point> within) {
    Map<WarmupOrder.Probe, Float> rewards = new HashMap<>();
    List<UniformGrid.Point> taken = new ArrayList<>();
    for (int n = 1; n <= episodes; n++) {
      for (int e = 1; e <= n - lag; e++) {
        UniformGrid.Point q = taken.get(e - 1);
        rewards.putIfAbsent(WarmupOrder.Probe.of(MAP, q), within.test(q) ? 0.5f : -2.2f);
      }
      taken.add(f.pointOf(n, rewards));
    }
    return taken;
  }

  @Test void theDensePointsFirstThenEachAlgorithmBisectsTheRatiosInTurnThenTheGridsOrder() {
    // every dense plan within the bound, so the ratios at 4 bits; algorithm 0 within up to 40%, algorithm 1 up to 10%
    // (hand-run bisections of the ratios 0.1 … 0.8: 0 probes 0.4 in, 0.6 out, 0.5 out; 1 probes 0.4, 0.2, 0.1)
    Predicate<UniformGrid.Point> within = q -> q.ratio() <= (q.algorithm() == 0 ? 0.4 : 0.1) + 1e-9;
    var f = new FrontierWarmup(GRID, TWO, MAP, -2);
    List<UniformGrid.Point> expected = dense(p(4, 0.4, 0), p(4, 0.4, 1), p(4, 0.6, 0), p(4, 0.2, 1), p(4, 0.5, 0),
        p(4, 0.1, 1), GRID.pointOfEpisode(10), GRID.pointOfEpisode(11));
    assertEquals(expected, run(f, 11, 1, within));
    // with two episodes in flight each algorithm's last result is known in time: the same episodes
    assertEquals(expected, run(f, 11, 2, within));
    // three in flight: an algorithm whose last result is not known yet probes the same point again
    assertEquals(dense(p(4, 0.4, 0), p(4, 0.4, 1), p(4, 0.4, 0), p(4, 0.4, 1)), run(f, 7, 3, within));
  }

  @Test void theRatiosAreBisectedAtTheLowestDenseBitsWithinTheBound() {
    var f = new FrontierWarmup(GRID, TWO, MAP, -2);
    // 4-bit dense outside: at 5 bits, where up to 20% is within (0.4 out, 0.2 in, 0.3 out, for either algorithm)
    Predicate<UniformGrid.Point> five = q -> q.bits() >= 5 && q.ratio() <= 0.2 + 1e-9;
    assertEquals(dense(p(5, 0.4, 0), p(5, 0.4, 1), p(5, 0.2, 0), p(5, 0.2, 1), p(5, 0.3, 0), p(5, 0.3, 1), GRID.pointOfEpisode(10)),
        run(f, 10, 2, five));
    // 4 and 5 bits outside: with two in flight 6-bit's result is not known at episode 4, which takes the grid's point
    Predicate<UniformGrid.Point> six = q -> q.bits() >= 6 && q.ratio() <= 0.2 + 1e-9;
    assertEquals(dense(GRID.pointOfEpisode(4), p(6, 0.4, 1), p(6, 0.4, 0)), run(f, 6, 2, six));
    // nothing within: the pruning ratios at 8 bits
    assertEquals(dense(p(8, 0.4, 0), p(8, 0.4, 1)), run(f, 5, 1, q -> false));
  }

  @Test void oneAlgorithmProbesEveryOtherEpisode() {
    // with two in flight its last probe is known at its next turn; the episodes between take the grid's order
    var f = new FrontierWarmup(GRID, List.of(1), MAP, -2);
    Predicate<UniformGrid.Point> within = q -> q.ratio() <= 0.4 + 1e-9;
    assertEquals(dense(p(4, 0.4, 1), GRID.pointOfEpisode(5), p(4, 0.6, 1), GRID.pointOfEpisode(7), p(4, 0.5, 1)),
        run(f, 8, 2, within));
  }

  @Test void aRewardAtThePenaltyAtTheBoundIsOutside() {
    var f = new FrontierWarmup(GRID, TWO, MAP, -2);
    Map<WarmupOrder.Probe, Float> rewards = new HashMap<>();
    rewards.put(WarmupOrder.Probe.of(MAP, p(4, 0, NONE)), 0.5f);
    assertEquals(p(4, 0.4, 0), f.pointOf(4, rewards));
    rewards.put(WarmupOrder.Probe.of(MAP, p(4, 0.4, 0)), -2f);
    assertEquals(p(4, 0.2, 0), f.pointOf(4, rewards));
    rewards.put(WarmupOrder.Probe.of(MAP, p(4, 0.4, 0)), -1.99f);
    assertEquals(p(4, 0.6, 0), f.pointOf(4, rewards));
  }

  @Test void anEmptyMenuIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> new FrontierWarmup(GRID, List.of(), MAP, -2));
    assertEquals("the frontier warm-up's algorithm menu is empty", e.getMessage());
  }
}
