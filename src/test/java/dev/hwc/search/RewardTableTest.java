package dev.hwc.search;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RewardTableTest {
  // rows: loss bins 0..0.5 (centre 0.25) and 0.5..1 (centre 0.75); columns: energy bins 0..20 (10), 20..40 (30)
  private static final List<String> SMALL = List.of(
      "# comment",
      "loss\\energy,0..20,20..40",
      "",
      "0..0.5,1,3",
      "0.5..1,0,2");

  private static RewardTable small(boolean interpolate) {
    return RewardTable.parse(SMALL, "t.csv", 1.0, -10, interpolate);
  }

  @Test void withoutInterpolationAPointGetsItsBinsValue() {
    RewardTable t = small(false);
    assertEquals(1, t.reward(0.1, 5));
    assertEquals(3, t.reward(0.49, 20));   // 20 is the lower edge of the second energy bin
    assertEquals(0, t.reward(0.5, 19.9));
    assertEquals(2, t.reward(1.0, 99));    // above the last energy bin: the last bin
    assertEquals(1, t.reward(-0.3, -4));   // accuracy gained, energy grown: the first bins
  }

  @Test void interpolatesBilinearlyBetweenBinCentres() {
    RewardTable t = small(true);
    // loss 0.5 is halfway between centres 0.25 and 0.75; energy 20 halfway between 10 and 30:
    // top (1+3)/2 = 2, bottom (0+2)/2 = 1, middle 1.5
    assertEquals(1.5, t.reward(0.5, 20), 1e-12);
    // loss 0.25 is the top row centre; energy 25 is (25-10)/20 = 0.75 of the way from 10 to 30: 1 + 0.75*(3-1)
    assertEquals(2.5, t.reward(0.25, 25), 1e-12);
    // outside the outer centres the value is clamped to the edge centres
    assertEquals(1, t.reward(0.0, 0), 1e-12);
    assertEquals(2, t.reward(1.0, 40), 1e-12);
  }

  @Test void pastTheLossBoundTheRewardIsThePenalty() {
    RewardTable t = small(true);
    assertEquals(-10, t.reward(1.0001, 90));
    assertEquals(2, t.reward(1.0, 90), 1e-12);
  }

  @Test void thePenaltyIsGradedByTheLossItIsGivenWhileTheBoundIsJudgedOnTheAccuracyLoss() {
    RewardTable t = RewardTable.parse(SMALL, "t.csv", 1.0, new RewardTable.Penalty(-10, -2, 0.2), true);
    // 6 points lost on the subset, 11 on the first batch: -2 - 0.2 * (11 - 1)
    assertEquals(-4.0, t.reward(6, 11, 50), 1e-12);
    // past the bound on the subset, inside it on the first batch: the reward just past the bound
    assertEquals(-2.0, t.reward(1.5, 0.4, 50), 1e-12);
    // inside the bound the table decides, whatever the first batch lost
    assertEquals(t.reward(0.5, 20), t.reward(0.5, 30, 20), 0.0);
  }

  @Test void gradedPenaltyFallsWithTheViolationDownToItsFloor() {
    RewardTable t = RewardTable.parse(SMALL, "t.csv", 1.0, new RewardTable.Penalty(-10, -2, 0.2), true);
    // 0.5 points past the bound: -2 - 0.2*0.5 = -2.1, whatever the energy
    assertEquals(-2.1, t.reward(1.5, 90), 1e-12);
    assertEquals(-2.1, t.reward(1.5, 0), 1e-12);
    // 10 past: -2 - 2 = -4; 40 past: -2 - 8 = -10; 47 past: -11.4, floored at -10
    assertEquals(-4, t.reward(11, 50), 1e-12);
    assertEquals(-10, t.reward(41, 50), 1e-12);
    assertEquals(-10, t.reward(48, 50), 1e-12);
    // a smaller violation is always better
    assertTrue(t.reward(1.2, 0) > t.reward(6.0, 90));
    // at the bound the table still applies, also when the subtraction that made the loss rounded up
    assertEquals(2, t.reward(1.0, 90), 1e-12);
    assertEquals(2, t.reward(1.0000000000000009, 90), 1e-12);
    assertEquals(-2.0000002, t.reward(1.000001, 90), 1e-12);  // -2 - 0.2*1e-6
    assertEquals(-10, t.graded().floor());
  }

  @Test void penaltyRejectsAnAtBoundBelowTheFloorAndANegativeSlope() {
    var e = assertThrows(IllegalArgumentException.class, () -> new RewardTable.Penalty(-10, -12, 0.2));
    assertEquals("hwc.search.reward.penalty-at-bound (-12.0) is below hwc.search.reward.penalty (-10.0)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new RewardTable.Penalty(-10, -2, -1));
    assertEquals("hwc.search.reward.penalty-slope must be >= 0, was -1.0", e.getMessage());
  }

  @Test void shippedTableLoadsAndFollowsItsFormula() {
    RewardTable t = RewardTable.load(Path.of("conf/reward-lut.csv"), 1.0, -10, true);
    assertEquals(8, t.lossBins().size());
    assertEquals(10, t.energyBins().size());
    // the file holds E/10 - 2L at bin centres, so interpolation inside the centres reproduces it: 2 - 0.5
    assertEquals(1.5, t.reward(0.25, 20), 1e-9);
    assertEquals(-10, t.reward(1.5, 50));
  }

  @Test void malformedRowsNameFileAndLine() {
    var e = assertThrows(IllegalArgumentException.class, () -> RewardTable.parse(
        List.of("h,0..20,20..40", "0..1,1,abc"), "r.csv", 1.0, -10, true));
    assertEquals("r.csv:2: reward in column 3 'abc' is not a finite number", e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> RewardTable.parse(
        List.of("h,0..20,20..40", "0..1,1"), "r.csv", 1.0, -10, true));
    assertEquals("r.csv:2: expected 3 cells (a loss bin and 2 rewards), found 2", e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> RewardTable.parse(
        List.of("# x", "h,0..20,25..40", "0..1,1,2"), "r.csv", 1.0, -10, true));
    assertEquals("r.csv:2: energy-reduction bins not contiguous: 0.0..20.0 then 25.0..40.0", e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> RewardTable.parse(
        List.of("h,0..20", "0..0.5,1", "0.5-1,2"), "r.csv", 1.0, -10, true));
    assertEquals("r.csv:3: accuracy-loss bin '0.5-1' is not lo..hi", e.getMessage());

    e = assertThrows(IllegalArgumentException.class, () -> RewardTable.parse(
        List.of("h,0..20", "0..0.5,1"), "r.csv", 1.0, -10, true));
    assertEquals("r.csv: accuracy-loss bins end at 0.5 but hwc.search.max-accuracy-loss is 1.0", e.getMessage());
  }
}
