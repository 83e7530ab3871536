package dev.hwc.rl;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RainbowPartsTest {
  // ---------------- C51 projection; supports −2, −1, 0, 1, 2 (Δz = 1)

  @Test void projectionSplitsEachShiftedAtomBetweenItsNeighbours() {
    // mass 0.5 at −1 and at 1; r = 0.25, γⁿ = 0.5: −1 → −0.25 (0.25 to −1, 0.75 to 0), 1 → 0.75 (0.25 to 0, 0.75 to 1)
    float[] m = Rainbow.project(new float[] {0, 0.5f, 0, 0.5f, 0}, 0.25, 0.5, -2, 2);
    assertArrayEquals(new float[] {0, 0.125f, 0.5f, 0.375f, 0}, m, 1e-6f);
  }

  @Test void projectionClipsToTheSupport() {
    // all mass at 2, r = 1.5, γⁿ = 1: 3.5 is clipped to 2
    assertArrayEquals(new float[] {0, 0, 0, 0, 1}, Rainbow.project(new float[] {0, 0, 0, 0, 1}, 1.5, 1, -2, 2), 0f);
    // r = −3: −2..2 → −5..−1; the four below −2 are clipped there, the last stays at −1
    assertArrayEquals(new float[] {0.8f, 0.2f, 0, 0, 0}, Rainbow.project(new float[] {0.2f, 0.2f, 0.2f, 0.2f, 0.2f}, -3, 1, -2, 2), 1e-6f);
  }

  @Test void terminalProjectionPutsAllMassAtTheReward() {
    // γⁿ = 0 (done): every atom lands on r = 0.5, halfway between 0 and 1
    assertArrayEquals(new float[] {0, 0, 0.5f, 0.5f, 0}, Rainbow.project(new float[] {0.1f, 0.2f, 0.3f, 0.2f, 0.2f}, 0.5, 0, -2, 2), 1e-6f);
    // and exactly on a support when r is one
    assertArrayEquals(new float[] {0, 0, 0, 1, 0}, Rainbow.project(new float[] {0.1f, 0.2f, 0.3f, 0.2f, 0.2f}, 1, 0, -2, 2), 1e-6f);
  }

  // ---------------- prioritized replay

  static PrioritizedReplay<String> fourItems() {
    PrioritizedReplay<String> per = new PrioritizedReplay<>(4, 0.5);
    for (String s : List.of("a", "b", "c", "d")) per.add(s);
    // priorities 1, 4, 9, 16 → p^0.5 = 1, 2, 3, 4 → P = 0.1, 0.2, 0.3, 0.4
    per.updatePriorities(new int[] {0, 1, 2, 3}, new double[] {1, 4, 9, 16});
    return per;
  }

  @Test void probabilitiesAreNormalisedPowersOfThePriorities() {
    PrioritizedReplay<String> per = fourItems();
    assertEquals(0.1, per.probability(0), 1e-12);
    assertEquals(0.2, per.probability(1), 1e-12);
    assertEquals(0.3, per.probability(2), 1e-12);
    assertEquals(0.4, per.probability(3), 1e-12);
  }

  @Test void newItemsGetTheLargestPrioritySeen() {
    PrioritizedReplay<String> per = new PrioritizedReplay<>(8, 0.5);
    per.add("a");
    per.updatePriorities(new int[] {0}, new double[] {16});
    per.add("b");
    assertEquals(0.5, per.probability(1), 1e-12); // both at 16^0.5
  }

  @Test void importanceWeightsAreNormalisedByTheLargest() {
    // β = 1: w_i = (N·P_i)⁻¹ / (N·P_min)⁻¹ = 0.1 / P_i → a 1, b 0.5, c 1/3, d 0.25
    PrioritizedReplay<String> per = fourItems();
    PrioritizedReplay.Sample<String> s = per.sample(4, 1.0, new Rng(3));
    double[] expected = {1, 0.5, 1 / 3.0, 0.25};
    for (int k = 0; k < 4; k++) assertEquals(expected[s.indices()[k]], s.weights()[k], 1e-6, "weight of item " + s.indices()[k]);
    // β = 0.5: w_d = (0.1/0.4)^0.5 = 0.5
    PrioritizedReplay.Sample<String> h = per.sample(4, 0.5, new Rng(3));
    for (int k = 0; k < 4; k++) if (h.indices()[k] == 3) assertEquals(0.5, h.weights()[k], 1e-6);
  }

  @Test void samplingFrequenciesFollowTheProbabilities() {
    PrioritizedReplay<String> per = fourItems();
    Rng rng = new Rng(5);
    int[] count = new int[4];
    int draws = 20_000;
    for (int k = 0; k < draws; k++) count[per.sample(1, 0.4, rng).indices()[0]]++;
    for (int i = 0; i < 4; i++) assertEquals(0.1 * (i + 1), count[i] / (double) draws, 0.01, "frequency of item " + i);
  }

  @Test void aPriorityMustBePositive() {
    PrioritizedReplay<String> per = fourItems();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> per.updatePriorities(new int[] {0}, new double[] {0}));
    assertEquals("priority must be positive and finite, was 0.0", e.getMessage());
  }

  // ---------------- n-step returns

  @Test void nStepReturnSumsDiscountedRewards() {
    // 1 + 0.5·2 + 0.25·3 = 2.75
    assertEquals(2.75, Rainbow.nStepReturn(new float[] {1, 2, 3}, 0.5), 1e-12);
  }

  @Test void observeFormsNStepTransitionsAndFlushesTheEpisodeTail() {
    Rainbow.Config c = RainbowTest.toyConfig();
    Rainbow.Config cfg = new Rainbow.Config(c.hidden(), c.streamHidden(), true, true, false, 0.5, 0.4, 100, 1e-6, 3, true, 51, -2, 2, true,
        0.5, 1, 0.1, 10, 1e-3, 1e-4, 10, 0.5, 4, 100, 10, 0);
    Rainbow r = new Rainbow(cfg, 1, 2, 1);
    float[][] s = {{0}, {1}, {2}, {3}, {4}};
    float[] rewards = {1, 2, 3, 4};
    for (int t = 0; t < 4; t++) r.observe(Transition.discrete(s[t], t % 2, rewards[t], s[t + 1], t == 3));
    assertEquals(4, r.replaySize());
    // t0: 1 + 0.5·2 + 0.25·3 = 2.75 → s3, 3 steps; t1: 2 + 1.5 + 1 = 4.5 → s4, done; t2: 3 + 2 = 5, done, 2 steps; t3: 4, done, 1 step
    float[] ret = {2.75f, 4.5f, 5f, 4f};
    int[] steps = {3, 3, 2, 1};
    float[] next = {3, 4, 4, 4};
    for (int i = 0; i < 4; i++) {
      Rainbow.NStep n = r.stored(i);
      assertEquals(ret[i], n.ret(), 1e-6f, "return of step " + i);
      assertEquals(steps[i], n.steps(), "steps of " + i);
      assertEquals(next[i], n.nextObs()[0], "next state of " + i);
      assertEquals(i % 2, n.action());
      assertEquals(i > 0, n.done(), "done of " + i);
    }
  }

  // ---------------- exploration noise

  @Test void truncatedNormalStaysInBoundsAndLeansInward() {
    Rng rng = new Rng(8);
    double sum = 0;
    int n = 20_000;
    for (int k = 0; k < n; k++) {
      double x = rng.truncatedNormal(0.9, 0.5, 0, 1);
      assertTrue(x >= 0 && x <= 1, "draw " + x + " outside [0, 1]");
      sum += x;
    }
    // truncation at 1 removes more mass above 0.9 than below it, so the mean falls below the centre
    assertTrue(sum / n < 0.75, "mean " + sum / n);
    for (int k = 0; k < 1000; k++) {
      double x = rng.truncatedNormal(5, 0.1, 0, 1); // centre far outside: falls back to uniform, still in bounds
      assertTrue(x >= 0 && x <= 1);
    }
  }

  @Test void rngStateRoundTripsExactly() {
    Rng a = new Rng(42);
    for (int k = 0; k < 5; k++) a.nextGaussian();
    Rng b = new Rng(a.state());
    for (int k = 0; k < 100; k++) assertEquals(a.nextLong(), b.nextLong());
    assertFalse(new Rng(1).nextLong() == new Rng(2).nextLong());
  }
}
