package dev.hwc.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccuracyBoundTest {
  @Test
  void klOfTwoBernoullis() {
    // KL(0.5 ‖ 0.25) = 0.5·ln(0.5/0.25) + 0.5·ln(0.5/0.75) = 0.5·0.693147 − 0.5·0.405465 = 0.143841
    assertEquals(0.143841, AccuracyBound.kl(0.5, 0.25), 1e-6);
    assertEquals(0.0, AccuracyBound.kl(0.3, 0.3), 1e-15);
    // 0·ln 0 = 0: KL(0 ‖ q) = −ln(1 − q)
    assertEquals(-Math.log(0.75), AccuracyBound.kl(0, 0.25), 1e-15);
    assertEquals(Double.POSITIVE_INFINITY, AccuracyBound.kl(0.5, 1.0));
  }

  @Test
  void upperBoundWithNoneRightIsClosedForm() {
    // n·KL(0 ‖ U) = −n·ln(1 − U) = ln(1/α)  ⇒  U = 1 − α^(1/n) = 1 − 0.001^0.01 = 1 − e^(−0.0690776) = 0.0667457
    assertEquals(0.0667457, AccuracyBound.upper(0, 100, 0.001), 1e-7);
    // mirror: all right ⇒ lower bound α^(1/n) = 0.9332543
    assertEquals(0.9332543, AccuracyBound.lower(100, 100, 0.001), 1e-7);
  }

  @Test
  void upperBoundSolvesTheKlEquation() {
    // 90 of 100 right at α = 0.001: U solves 100·KL(0.9 ‖ U) = ln 1000 = 6.907755. U = 0.975791:
    // 0.9·ln(0.9/0.975791) + 0.1·ln(0.1/0.024209) = −0.072770 + 0.141844 = 0.069078 ✓
    double u = AccuracyBound.upper(90, 100, 0.001);
    assertEquals(0.975791, u, 1e-6);
    assertEquals(Math.log(1000), 100 * AccuracyBound.kl(0.9, u), 1e-6);
    assertEquals(1.0, AccuracyBound.upper(7, 7, 0.001));
    assertEquals(1.0, AccuracyBound.upper(0, 0, 0.001));
    assertEquals(1 - 0.975791, AccuracyBound.lower(10, 100, 0.001), 1e-6);
  }

  @Test
  void ruleRejectsOnlyWhenTheBoundIsBelowTheThreshold() {
    // baseline 0.90, 1 point tolerated ⇒ threshold 0.89; 5000 images in 10 looks ⇒ α per look = 0.001/10 = 1e-4.
    var rule = new AccuracyBound.Rule(0.90, 1.0, 0.999, 5000, 10);
    assertEquals(0.89, rule.threshold(), 1e-12);
    assertEquals(1e-4, rule.alphaPerLook(), 1e-15);
    // 400/500 = 0.80: U = 0.86897 < 0.89 ⇒ reject
    assertTrue(rule.rejects(400, 500));
    // 435/500 = 0.87: U = 0.92531 ≥ 0.89 ⇒ not yet, although the accuracy so far is below the threshold
    assertFalse(rule.rejects(435, 500));
    // after the last image the decision is exact: 4449/5000 = 0.8898 < 0.89, 4450/5000 = 0.89 passes
    assertTrue(rule.rejects(4449, 5000));
    assertFalse(rule.rejects(4450, 5000));
  }

  @Test
  void ruleRejectsWithCertaintyWhenEvenAllRemainingRightCannotPass() {
    // threshold 0.96 − 0.01 = 0.95 of 10 images; after 1 wrong at most 9/10 = 0.9 is reachable ⇒ certain, although
    // the bound alone (U = 1 − 0.001 = 0.999) would not reject
    var rule = new AccuracyBound.Rule(0.96, 1.0, 0.999, 10, 1);
    assertEquals(0.999, AccuracyBound.upper(0, 1, 0.001), 1e-12);
    assertTrue(rule.rejects(0, 1));
    assertFalse(new AccuracyBound.Rule(0.90, 1.0, 0.999, 10, 1).rejects(0, 1)); // 9/10 = 0.9 ≥ 0.89 still reachable
  }

  @Test
  void badArgumentsAreNamed() {
    assertEquals("confidence must be in (0, 1), was 1.0",
        assertThrows(IllegalArgumentException.class, () -> new AccuracyBound.Rule(0.9, 1, 1.0, 10, 1)).getMessage());
    assertEquals("baseline accuracy must be in [0, 1], was 90.0",
        assertThrows(IllegalArgumentException.class, () -> new AccuracyBound.Rule(90, 1, 0.999, 10, 1)).getMessage());
    assertEquals("need 0 <= correct <= n, was correct=5, n=4",
        assertThrows(IllegalArgumentException.class, () -> AccuracyBound.upper(5, 4, 0.01)).getMessage());
  }
}
