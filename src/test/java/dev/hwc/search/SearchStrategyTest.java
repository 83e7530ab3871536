package dev.hwc.search;

import dev.hwc.rl.Rng;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SearchStrategyTest {
  private static final ActionMapping MAP = new ActionMapping(0, 0.8, 2, 8, false, 8);
  private static final List<String> MENU = List.of("FilterL1", "Magnitude");

  @Test void namesParseBothWaysAndABadOneIsNamed() {
    for (SearchStrategy s : SearchStrategy.values()) assertEquals(s, SearchStrategy.parse(s.configName()));
    assertEquals("prune-only", SearchStrategy.PRUNE_ONLY.configName());
    var e = assertThrows(IllegalArgumentException.class, () -> SearchStrategy.parse("greedy"));
    assertEquals("hwc.search.strategy 'greedy' is not one of composite, ddpg-fixed, prune-only, quant-only, random, uniform", e.getMessage());
  }

  @Test void pruneOnlyKeepsTheRatioAndForcesEightBits() {
    var p = new SearchStrategy.Masked(new Doubles.Ddpg(3), new float[] {-1, 1, 1});
    var inner = new Doubles.Ddpg(3).act(new float[0], true);
    var a = p.act(new float[0], true);
    assertEquals(inner.action()[0], a.action()[0]);
    assertArrayEquals(inner.hidden(), a.hidden());
    var d = MAP.decision(1, 3, a.action(), new SearchStrategy.FixedAlgorithm(0).act(a.hidden(), true), MENU);
    assertEquals(8, d.weightBits());
    assertEquals(8, d.activationBits());
    assertEquals("FilterL1", d.algorithm());
  }

  @Test void quantOnlyNeverPrunes() {
    var p = new SearchStrategy.Masked(new Doubles.Ddpg(5), new float[] {0, -1, -1});
    var inner = new Doubles.Ddpg(5).act(new float[0], true);
    var a = p.act(new float[0], true);
    assertEquals(0f, a.action()[0]);
    assertEquals(inner.action()[1], a.action()[1]);
    assertEquals(0.0, MAP.decision(1, 3, a.action(), 1, MENU).pruneRatio());
    // the mask survives a checkpoint
    var back = p.fromBytes(p.toBytes());
    assertEquals(0f, back.act(new float[0], true).action()[0]);
  }

  @Test void randomPoliciesResumeTheirStreamFromACheckpoint() {
    var c = new SearchStrategy.RandomActions(3, new Rng(11));
    var r = new SearchStrategy.RandomAlgorithm(7, new Rng(12));
    c.act(null, true);
    r.act(null, true);
    var c2 = c.fromBytes(c.toBytes());
    var r2 = r.fromBytes(r.toBytes());
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(c.act(null, true).action(), c2.act(null, true).action());
      assertEquals(r.act(null, true), r2.act(null, true));
    }
    // uniform in [0, 1) and inside the menu
    for (int i = 0; i < 100; i++) {
      for (float x : c.act(null, true).action()) assertEquals(true, x >= 0 && x < 1);
      int k = r.act(null, true);
      assertEquals(true, k >= 0 && k < 7);
    }
  }
}
