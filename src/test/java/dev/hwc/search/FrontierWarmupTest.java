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

  private static UniformGrid.Point p(int bits, double ratio, int algorithm) {
    return new UniformGrid.Point(bits, ratio, algorithm);
  }

  /**
   * Runs {@code episodes} warm-up episodes whose results become known {@code lag} episodes later (1: before the next
   * episode is chosen; 2: two in flight), a point being within the bound when {@code within} says so.
   */
  private static List<UniformGrid.Point> run(FrontierWarmup f, int episodes, int lag, Predicate<UniformGrid.Point> within) {
    Map<WarmupOrder.Probe, Float> rewards = new HashMap<>();
    List<UniformGrid.Point> taken = new ArrayList<>();
    for (int n = 1; n <= episodes; n++) {
      int known = n - lag;   // episodes 1 .. known are remembered
      for (int e = 1; e <= known; e++) {
        UniformGrid.Point q = taken.get(e - 1);
        rewards.putIfAbsent(WarmupOrder.Probe.of(MAP, q), within.test(q) ? 0.5f : -2.2f);
      }
      taken.add(f.pointOf(n, rewards));
    }
    return taken;
  }

  @Test void theAxisRunsFromTheDenseBitsDownToTheLowestBitsAtEveryRatio() {
    var f = new FrontierWarmup(GRID, TWO, 8, MAP, -2);
    assertEquals(List.of(p(6, 0, NONE), p(5, 0, NONE), p(4, 0, NONE), p(4, 0.1, 0), p(4, 0.2, 0), p(4, 0.3, 0), p(4, 0.4, 0),
        p(4, 0.5, 0), p(4, 0.6, 0), p(4, 0.7, 0), p(4, 0.8, 0)), f.levels());
  }

  @Test void eachAlgorithmBisectsInTurnThenTheGridsOrderFollows() {
    // algorithm 0 stays within the bound up to 4 bits 40%, algorithm 1 up to 4 bits 10% (hand-run bisections of the
    // 11 levels: 0 probes 0.3 in, 0.6 out, 0.4 in, 0.5 out; 1 probes 0.3 out, 4-bit dense in, 0.1 in, 0.2 out)
    Predicate<UniformGrid.Point> within = q -> q.ratio() == 0 || q.ratio() <= (q.algorithm() == 0 ? 0.4 : 0.1) + 1e-9;
    var f = new FrontierWarmup(GRID, TWO, 8, MAP, -2);
    List<UniformGrid.Point> expected = List.of(p(4, 0.3, 0), p(4, 0.3, 1), p(4, 0.6, 0), p(4, 0, NONE), p(4, 0.4, 0),
        p(4, 0.1, 1), p(4, 0.5, 0), p(4, 0.2, 1), GRID.pointOfEpisode(9), GRID.pointOfEpisode(10));
    assertEquals(expected, run(f, 10, 1, within));
    // with two episodes in flight each algorithm's last result is known in time: the same episodes
    assertEquals(expected, run(f, 10, 2, within));
    // three in flight: an algorithm whose last result is not known yet probes the same point again
    List<UniformGrid.Point> late = run(f, 4, 3, within);
    assertEquals(List.of(p(4, 0.3, 0), p(4, 0.3, 1), p(4, 0.3, 0), p(4, 0.3, 1)), late);
  }

  @Test void aDensePointsResultServesEveryAlgorithm() {
    // only 6-bit dense is within the bound: algorithm 0 finds it in four probes (0.3, 4-bit, 6-bit, 5-bit), algorithm 1
    // needs only its own 0.3; the dense ones are known; once both have ended, the grid's order
    Predicate<UniformGrid.Point> within = q -> q.ratio() == 0 && q.bits() == 6;
    var f = new FrontierWarmup(GRID, TWO, 8, MAP, -2);
    assertEquals(List.of(p(4, 0.3, 0), p(4, 0.3, 1), p(4, 0, NONE), p(6, 0, NONE), p(5, 0, NONE), GRID.pointOfEpisode(6)),
        run(f, 6, 1, within));
  }

  @Test void oneAlgorithmProbesEveryOtherEpisode() {
    // with two in flight its last probe is known at its next turn; the episodes between take the grid's order
    var f = new FrontierWarmup(GRID, List.of(1), 8, MAP, -2);
    Predicate<UniformGrid.Point> within = q -> q.ratio() <= 0.4 + 1e-9;
    assertEquals(List.of(p(4, 0.3, 1), GRID.pointOfEpisode(2), p(4, 0.6, 1), GRID.pointOfEpisode(4), p(4, 0.4, 1)),
        run(f, 5, 2, within));
  }

  @Test void aRewardAtThePenaltyAtTheBoundIsOutside() {
    var f = new FrontierWarmup(GRID, TWO, 8, MAP, -2);
    Map<WarmupOrder.Probe, Float> rewards = new HashMap<>();
    rewards.put(WarmupOrder.Probe.of(MAP, p(4, 0.3, 0)), -2f);
    assertEquals(p(4, 0, NONE), f.pointOf(1, rewards));
    rewards.put(WarmupOrder.Probe.of(MAP, p(4, 0.3, 0)), -1.99f);
    assertEquals(p(4, 0.6, 0), f.pointOf(1, rewards));
  }

  @Test void anEmptyMenuIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> new FrontierWarmup(GRID, List.of(), 8, MAP, -2));
    assertEquals("the frontier warm-up's algorithm menu is empty", e.getMessage());
  }
}
