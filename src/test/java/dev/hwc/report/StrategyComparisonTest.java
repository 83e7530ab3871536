package dev.hwc.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StrategyComparisonTest {
  private static SearchReport.TestedPlan plan(double testLoss, double reduction) {
    return new SearchReport.TestedPlan("h" + testLoss, 0.9 - testLoss / 100, testLoss, Double.NaN, reduction, 1);
  }

  @Test void theBestReductionWithinABoundIsZeroWhenNoPlanIsInside() {
    var tested = List.of(plan(0.7, 30), plan(1.0, 45), plan(1.9, 60), plan(-0.1, 10));
    assertEquals(10, StrategyComparison.bestReductionWithin(tested, 0.5));   // a plan better than dense on the test set counts
    assertEquals(45, StrategyComparison.bestReductionWithin(tested, 1.0));   // the bound is inclusive
    assertEquals(60, StrategyComparison.bestReductionWithin(tested, 2.0));
    assertEquals(0, StrategyComparison.bestReductionWithin(List.of(plan(3, 70)), 2.0));
  }

  @Test void episodesToReachCountsFromOneAndHandlesANegativeBest() {
    // best 4: target 3.8, first reached by episode 3 (3.9)
    assertEquals(3, StrategyComparison.episodesToReach(List.of(-10.0, 1.0, 3.9, 4.0, 2.0), 0.95));
    // best -2: target -2.1 (never above the best), first reached by episode 2 (-2.05)
    assertEquals(2, StrategyComparison.episodesToReach(List.of(-10.0, -2.05, -2.0), 0.95));
    assertEquals(0, StrategyComparison.episodesToReach(List.of(), 0.95));
  }

  @Test void statIsMeanSampleSdAndExtremes() {
    // 40, 50, 60: mean 50, sample variance (100 + 0 + 100) / 2 = 100
    var s = StrategyComparison.Stat.of(List.of(40.0, 50.0, 60.0));
    assertEquals(new StrategyComparison.Stat(50, 10, 40, 60, 3), s);
    assertEquals(new StrategyComparison.Stat(7, 0, 7, 7, 1), StrategyComparison.Stat.of(List.of(7.0)));
  }

  @Test void rowsFollowTheStrategiesOrderAndTheTableShowsMeanAndSpread() {
    var runs = List.of(
        new StrategyComparison.Run("random", 1, "c-random-s1", 10, "complete", 0.9, List.of(0.0, 20.0, 30.0), 1, 4, List.of(), "a"),
        new StrategyComparison.Run("composite", 1, "c-composite-s1", 10, "complete", 0.9, List.of(10.0, 40.0, 50.0), 2, 6, List.of(), "b"),
        new StrategyComparison.Run("composite", 2, "c-composite-s2", 10, "complete", 0.9, List.of(20.0, 60.0, 70.0), 3, 8, List.of(), "c"));
    var rep = new StrategyComparison.Reproducibility("cmd", "git x", "m.zip", "sha", "data", "hw", 0.9, 0.89, 100, 1, "s", "{}");
    var c = StrategyComparison.of("m", 10, List.of(1L, 2L), List.of("composite", "random"), runs, rep);
    assertEquals(List.of("composite", "random"), c.rows().stream().map(StrategyComparison.Row::strategy).toList());
    String md = ComparisonWriter.markdown(c);
    // composite @ 1 pt: 40 and 60 -> 50 ± 14.1 (sd sqrt(200)); episodes 6 and 8 -> 7 ± 1
    assertEquals(true, md.contains("| composite | 2 | 15.0% ± 7.1% | 50.0% ± 14.1% | 60.0% ± 14.1% | 7 ± 1 |"), md);
    assertEquals(true, md.contains("| random | 1 | 0.0% | 20.0% | 30.0% | 4 |"), md);
  }
}
