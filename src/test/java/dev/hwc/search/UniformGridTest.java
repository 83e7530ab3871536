package dev.hwc.search;

import dev.hwc.compress.LayerDecision;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UniformGridTest {
  private static final ActionMapping MAP = new ActionMapping(0, 0.8, 2, 8, true, 8);
  private static final List<String> MENU = List.of("FilterL1", "FilterL2", "FilterGeometricMedian", "ChannelReconstruction",
      "Magnitude", "ActivationAwareMagnitude", "BalancedMagnitude");

  @Test void smallGridIsWalkedFarthestPointFirst() {
    // bits {8, 4} -> axis 1, 0; ratios {0, 0.4, 0.8} -> 0, 0.5, 1; two algorithms; the baseline (8, 0) is left out.
    // listing: 0 (8,.4,a0) 1 (8,.4,a1) 2 (8,.8,a0) 3 (8,.8,a1) 4 (4,0,-) 5 (4,.4,a0) 6 (4,.4,a1) 7 (4,.8,a0) 8 (4,.8,a1)
    // from the baseline (1, 0, -): d² of 7 and 8 is 1+1+1 = 3, 7 is listed first. Then, min d² to {base, 7}: 3 -> 2
    // (to both), 0, 1, 6 -> 1.25, 2, 4, 8 -> 1, 5 -> .25: point 3. Then 0 and 6 tie at 1.25 (0 first); then 6 at 1.25;
    // then 4 at 1 (its d² to the baseline); the rest are all at .25 and come in listing order.
    UniformGrid g = UniformGrid.of(List.of(8, 4), 0.4, 0, 0.8, 2, 8);
    List<UniformGrid.Point> p = g.points();
    assertEquals(9, g.size());
    assertEquals(new UniformGrid.Point(4, 0, UniformGrid.NONE), p.get(4));
    assertEquals(new UniformGrid.Point(8, 0.8, 1), p.get(3));
    assertEquals(List.of(p.get(7), p.get(3), p.get(0), p.get(6), p.get(4), p.get(1), p.get(2), p.get(5), p.get(8)), g.order());
    assertEquals(p.get(7), g.pointOfEpisode(1));
    assertEquals(p.get(7), g.pointOfEpisode(10));   // past the grid's size the order repeats
  }

  @Test void aGridOverPartOfTheMenuCarriesTheMenuIndices() {
    // listing: 0 (8,.4,a3) 1 (8,.8,a3) 2 (4,0,-) 3 (4,.4,a3) 4 (4,.8,a3); d² to the baseline (1, 0, -): 1.25, 2, 1,
    // 2.25, 3: point 4 first. Min d² to {base, 4}: 1.25, 1, 1, .25: point 0. Then to {base, 4, 0}: 1 -> .25, 2 -> 1,
    // 3 -> .25: point 2; then 1 and 3 tie at .25 (1 first).
    UniformGrid g = UniformGrid.of(List.of(8, 4), 0.4, 0, 0.8, List.of(3), 8);
    List<UniformGrid.Point> p = g.points();
    assertEquals(List.of(new UniformGrid.Point(8, 0.4, 3), new UniformGrid.Point(8, 0.8, 3), new UniformGrid.Point(4, 0, UniformGrid.NONE),
        new UniformGrid.Point(4, 0.4, 3), new UniformGrid.Point(4, 0.8, 3)), p);
    assertEquals(List.of(p.get(4), p.get(0), p.get(2), p.get(1), p.get(3)), g.order());
    // the whole menu as a count and as its indices: the same grid
    assertEquals(UniformGrid.of(List.of(8, 4), 0.4, 0, 0.8, 2, 8).order(), UniformGrid.of(List.of(8, 4), 0.4, 0, 0.8, List.of(0, 1), 8).order());
  }

  @Test void theDefaultGridIsCoveredOnceByABudgetOfItsSize() {
    // 4 bits x 8 ratios > 0 x 7 algorithms, plus ratio 0 at 6, 5 and 4 bits (8 bits, ratio 0 is the baseline)
    UniformGrid g = UniformGrid.of(List.of(8, 6, 5, 4), 0.1, 0, 0.8, 7, 8);
    assertEquals(4 * 8 * 7 + 3, g.size());
    var seen = new HashSet<UniformGrid.Point>();
    for (int e = 1; e <= g.size(); e++) assertTrue(seen.add(g.pointOfEpisode(e)), "episode " + e + " repeats a point");
    assertEquals(new HashSet<>(g.points()), seen);
    assertEquals(0.3, g.points().get(2 * 7).ratio());   // 8 bits: 0.1, 0.2, 0.3 = 3 x 0.1, rounded
    // coarse to fine: the first 9 episodes try every algorithm, every bits value and both ends of the ratio axis
    var first = g.order().subList(0, 9);
    assertEquals(7, first.stream().map(UniformGrid.Point::algorithm).distinct().count(), first.toString());
    assertEquals(4, first.stream().map(UniformGrid.Point::bits).distinct().count(), first.toString());
    assertTrue(first.stream().anyMatch(q -> q.ratio() == 0.8) && first.stream().anyMatch(q -> q.ratio() <= 0.2), first.toString());
  }

  @Test void thePoliciesGiveEveryLayerThePointsDecisionAndResumeFromACheckpoint() {
    UniformGrid g = UniformGrid.of(List.of(8, 6, 5, 4), 0.1, 0, 0.8, MENU.size(), 8);
    ContinuousPolicy c = new SearchStrategy.GridActions(g, MAP);
    DiscretePolicy d = new SearchStrategy.GridAlgorithm();
    for (int episode = 1; episode <= g.size(); episode++) {
      UniformGrid.Point p = g.pointOfEpisode(episode);
      for (int step = 0; step < 4; step++) {
        var a = c.act(stateOfStep(step), true);
        LayerDecision dec = MAP.decision(step, 4, a.action(), d.act(EpisodeTransitions.rainbowInput(a.hidden(), new float[3]), true), MENU);
        boolean pinned = step == 0 || step == 3;
        assertEquals(pinned ? 8 : p.bits(), dec.weightBits());
        assertEquals(pinned ? 8 : p.bits(), dec.activationBits());
        // never below the grid's ratio (pruners floor ratio x n), and within float precision of it
        assertTrue(dec.pruneRatio() >= p.ratio() && dec.pruneRatio() < p.ratio() + 1e-6, p + " -> " + dec);
        assertEquals(MENU.get(Math.max(0, p.algorithm())), dec.algorithm());
      }
      c.learn();
      if (episode == 5) c = c.fromBytes(c.toBytes());
    }
    assertEquals(g.pointOfEpisode(1), g.points().get(Math.round(c.act(stateOfStep(0), true).hidden()[0])));
  }

  @Test void episodesGeneratedAheadOfLearningTakeTheNextPointsAndACheckpointCountsTheGeneratedOnes() {
    UniformGrid g = UniformGrid.of(List.of(8, 4), 0.4, 0, 0.8, 2, 8);
    ContinuousPolicy c = new SearchStrategy.GridActions(g, MAP);
    // episodes 1 and 2 generated before episode 1 is learned (two episodes in flight)
    for (int episode = 1; episode <= 2; episode++)
      for (int step = 0; step < 3; step++)
        assertEquals(g.points().indexOf(g.pointOfEpisode(episode)), Math.round(c.act(stateOfStep(step), true).hidden()[0]));
    c.learn();
    // a crash now: the checkpoint after episode 1 lists episode 2 as generated ahead (evaluated again from the
    // journal), so the resumed policy goes on with episode 3's point
    ContinuousPolicy resumed = c.fromBytes(c.toBytes());
    assertEquals(g.points().indexOf(g.pointOfEpisode(3)), Math.round(resumed.act(stateOfStep(0), true).hidden()[0]));
  }

  /** A state as the coordinator builds it: the first feature is the layer index normalised over the model (4 layers here). */
  private static float[] stateOfStep(int step) {
    float[] s = new float[LayerEmbedding.SIZE];
    s[0] = step / 3f;
    return s;
  }

  @Test void badSettingsAreNamed() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new SearchStrategy.GridActions(UniformGrid.of(List.of(8, 1), 0.1, 0, 0.8, 2, 8), MAP));
    assertEquals("hwc.search.uniform.bits value 1 is outside hwc.compress.bits-range [2, 8]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> UniformGrid.of(List.of(8), 0, 0, 0.8, 2, 8));
    assertEquals("hwc.search.uniform.ratio-step must be > 0, was 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> UniformGrid.of(List.of(8, 4), 0.4, 0, 0.8, 0, 8));
    assertEquals("the algorithm menu is empty", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> UniformGrid.of(List.of(8, 4), 0.4, 0, 0.8, List.of(), 8));
    assertEquals("the algorithm menu is empty", e.getMessage());
  }
}
