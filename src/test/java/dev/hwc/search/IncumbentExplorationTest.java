package dev.hwc.search;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IncumbentExplorationTest {
  private static final int LAYERS = 3;

  private static float[] stateOfStep(int step) {
    float[] s = new float[LayerEmbedding.SIZE];
    s[0] = step / (float) (LAYERS - 1);
    return s;
  }

  /** One generated episode: its transitions, rewarded by {@code reward} of the actions (the reward on every step). */
  private static List<EpisodeTransitions.Step> episode(ContinuousPolicy c, DiscretePolicy d, float reward) {
    List<EpisodeTransitions.Step> out = new ArrayList<>();
    for (int step = 0; step < LAYERS; step++) {
      float[] s = stateOfStep(step);
      var a = c.act(s, true);
      int alg = d.act(EpisodeTransitions.rainbowInput(a.hidden(), s), true);
      out.add(new EpisodeTransitions.Step(s, a.action(), alg, reward, step + 1 < LAYERS ? stateOfStep(step + 1) : s, step == LAYERS - 1));
    }
    return out;
  }

  private static void learn(ContinuousPolicy c, DiscretePolicy d, List<EpisodeTransitions.Step> e) {
    c.remember(e);
    c.learn();
    d.remember(e);
    d.learn();
  }

  @Test void withShareOneAndNoNoiseEveryEpisodeAfterTheWarmupRepeatsTheBestSoFar() {
    var x = new IncumbentExploration(1.0, 0.0, 2, 42);
    var actor = new GridWarmupTest.FixedActor(5);
    ContinuousPolicy c = x.continuous(actor);
    DiscretePolicy d = x.discrete(new GridWarmupTest.FixedChoice(2));
    // two warm-up episodes: the agents' own actions, explored
    var e1 = episode(c, d, 1.0f);
    learn(c, d, e1);
    var e2 = episode(c, d, 3.0f);
    learn(c, d, e2);
    assertTrue(actor.explored.stream().allMatch(b -> b));
    // hand-made episodes: the best (reward 3) has distinct actions and algorithms per step
    List<EpisodeTransitions.Step> best = new ArrayList<>(), worse = new ArrayList<>();
    for (int step = 0; step < LAYERS; step++) {
      best.add(new EpisodeTransitions.Step(stateOfStep(step), new float[] {0.1f * step, 0.2f, 0.3f}, 3 + step, 3.5f, stateOfStep(step), step == LAYERS - 1));
      worse.add(new EpisodeTransitions.Step(stateOfStep(step), new float[] {0.9f, 0.9f, 0.9f}, 6, 3.4f, stateOfStep(step), step == LAYERS - 1));
    }
    c.remember(best);
    d.remember(best);
    c.remember(worse);
    d.remember(worse);
    int asked = actor.explored.size();
    var e3 = episode(c, d, 0f);
    int mutated = 0;
    for (int step = 0; step < LAYERS; step++) {
      // no noise: the incumbent's actions; its algorithms, but Rainbow's (2) on the mutated layers, at least one
      assertArrayEquals(best.get(step).action(), e3.get(step).action());
      int alg = e3.get(step).algorithm();
      assertTrue(alg == 3 + step || alg == 2, "step " + step + ": " + alg);
      if (alg == 2) mutated++;
    }
    assertTrue(mutated >= 1);
    // the actor gave only its hidden features, without exploring
    assertEquals(asked + LAYERS, actor.explored.size());
    assertTrue(actor.explored.subList(asked, actor.explored.size()).stream().noneMatch(b -> b));
  }

  @Test void theHalvesAgreeOnWhichEpisodesFollowAndOnlyMutatedLayersMove() {
    var x = new IncumbentExploration(0.5, 0.05, 0, 7);
    ContinuousPolicy c = x.continuous(new GridWarmupTest.FixedActor(1));
    DiscretePolicy d = x.discrete(new GridWarmupTest.FixedChoice(2));
    List<EpisodeTransitions.Step> best = new ArrayList<>();
    for (int step = 0; step < LAYERS; step++)
      best.add(new EpisodeTransitions.Step(stateOfStep(step), new float[] {0.5f, 0.5f, 0.5f}, 4, 9f, stateOfStep(step), step == LAYERS - 1));
    c.remember(best);
    d.remember(best);
    int followed = 0;
    int mutatedOne = 0;
    for (int n = 0; n < 40; n++) {
      var e = episode(c, d, 0f);
      // the fixed actor answers 0.9 and algorithm 2; the incumbent 0.5 and algorithm 4
      boolean follows = Math.abs(e.get(0).action()[0] - 0.5f) < 0.3f;
      int mutated = 0;
      for (var s : e) {
        boolean exact = s.action()[0] == 0.5f && s.action()[1] == 0.5f && s.action()[2] == 0.5f;
        // a layer keeps the incumbent's actions exactly and its algorithm, or is mutated: noise and Rainbow's choice
        if (follows) {
          assertEquals(exact, s.algorithm() == 4, "episode " + n);
          for (float v : s.action()) assertTrue(Math.abs(v - 0.5f) < 0.3f);
          if (!exact) mutated++;
        } else {
          assertEquals(2, s.algorithm());
          assertEquals(0.9f, s.action()[0]);
        }
      }
      if (follows) {
        followed++;
        assertTrue(mutated >= 1, "episode " + n);
        if (mutated == 1) mutatedOne++;
      }
    }
    assertTrue(mutatedOne > 0 && mutatedOne < followed, mutatedOne + " of " + followed + " mutated one layer");
    assertTrue(followed > 10 && followed < 30, followed + " of 40");
  }

  @Test void aRestoreRebuildsTheIncumbentFromTheJournalAndContinuesExactly() {
    var x = new IncumbentExploration(0.5, 0.1, 2, 3);
    ContinuousPolicy c = x.continuous(new Doubles.Ddpg(11));
    DiscretePolicy d = x.discrete(new Doubles.Rainbow(12));
    List<EpisodeTransitions.Step> journal = new ArrayList<>();
    byte[] cb = null, db = null;
    List<List<EpisodeTransitions.Step>> after = new ArrayList<>();
    for (int n = 1; n <= 12; n++) {
      var probe = episode(c, d, 0f);
      // reward: the first action's closeness to 0.3 (so the incumbent changes now and then)
      float r = -Math.abs(probe.get(0).action()[0] - 0.3f);
      var e = probe.stream().map(s -> new EpisodeTransitions.Step(s.state(), s.action(), s.algorithm(), r, s.nextState(), s.done())).toList();
      learn(c, d, e);
      if (n <= 6) journal.addAll(e);
      else after.add(e);
      if (n == 6) {
        cb = c.toBytes();
        db = d.toBytes();
      }
    }
    ContinuousPolicy c2 = x.continuous(new Doubles.Ddpg(0)).fromBytes(cb);
    DiscretePolicy d2 = x.discrete(new Doubles.Rainbow(0)).fromBytes(db);
    c2.remember(journal);
    d2.remember(journal);
    for (var e : after) {
      var again = episode(c2, d2, 0f);
      for (int step = 0; step < LAYERS; step++) {
        assertArrayEquals(e.get(step).action(), again.get(step).action());
        assertEquals(e.get(step).algorithm(), again.get(step).algorithm());
      }
      learn(c2, d2, e);
    }
  }

  @Test void badSettingsAreNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> new IncumbentExploration(1.5, 0.1, 0, 1));
    assertEquals("hwc.search.incumbent.share must be in [0, 1], was 1.5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new IncumbentExploration(0.5, -0.1, 0, 1));
    assertEquals("hwc.search.incumbent.sigma must be >= 0, was -0.1", e.getMessage());
  }
}
