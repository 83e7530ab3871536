package dev.hwc.search;

import com.typesafe.config.ConfigFactory;
import dev.hwc.search.BehaviourPolicy.Exploration;
import dev.hwc.compress.LayerDecision;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BehaviourPolicyTest {
  private static final ActionMapping MAP = new ActionMapping(0, 0.8, 2, 8, true, 8);
  private static final List<String> MENU = List.of("FilterL1", "FilterL2", "FilterGeometricMedian", "ChannelReconstruction",
      "Magnitude", "ActivationAwareMagnitude", "BalancedMagnitude");
  private static final UniformGrid GRID = UniformGrid.of(List.of(8, 6, 5, 4), 0.1, 0, 0.8, MENU.size(), 8);
  private static final int LAYERS = 4;

  /** An agent half that always answers the same, and records how it was asked. */
  static final class FixedActor implements ContinuousPolicy {
    final List<Boolean> explored = new ArrayList<>();
    int learned;
    final List<EpisodeTransitions.Step> remembered = new ArrayList<>();
    final int id;

    FixedActor(int id) {
      this.id = id;
    }

    @Override public Action act(float[] state, boolean explore) {
      explored.add(explore);
      return new Action(new float[] {0.9f, 0.95f, 0.95f}, new float[] {id, 7});
    }

    @Override public void remember(List<EpisodeTransitions.Step> transitions) {
      remembered.addAll(transitions);
    }

    @Override public void learn() {
      learned++;
    }

    @Override public byte[] toBytes() {
      return ByteBuffer.allocate(4).putInt(id + 1).array();
    }

    @Override public ContinuousPolicy fromBytes(byte[] bytes) {
      return new FixedActor(ByteBuffer.wrap(bytes).getInt());
    }
  }

  record FixedChoice(int algorithm) implements SearchStrategy.NonLearning {
    @Override public int act(float[] input, boolean explore) {
      return algorithm;
    }

    @Override public byte[] toBytes() {
      return new byte[] {(byte) algorithm};
    }

    @Override public DiscretePolicy fromBytes(byte[] bytes) {
      return new FixedChoice(bytes[0] + 1);
    }
  }

  private static float[] stateOfStep(int step) {
    float[] s = new float[LayerEmbedding.SIZE];
    s[0] = step / (float) (LAYERS - 1);
    return s;
  }

  /** One episode's decisions as the coordinator makes them: act, then choose on [h_t, s_t]. */
  private static List<LayerDecision> episode(ContinuousPolicy c, DiscretePolicy d) {
    List<LayerDecision> out = new ArrayList<>();
    for (int step = 0; step < LAYERS; step++) {
      float[] s = stateOfStep(step);
      var a = c.act(s, true);
      out.add(MAP.decision(step, LAYERS, a.action(), d.act(EpisodeTransitions.rainbowInput(a.hidden(), s), true), MENU));
    }
    return out;
  }

  @Test void theWarmupEpisodesAreTheGridsFirstPointsThenTheAgentsDecide() {
    var warmup = new BehaviourPolicy(GRID, MAP, 3, Exploration.around(0, 0), 1);
    var actor = new FixedActor(5);
    ContinuousPolicy c = warmup.continuous(actor);
    DiscretePolicy d = warmup.discrete(new FixedChoice(2));
    for (int episode = 1; episode <= 3; episode++) {
      UniformGrid.Point p = GRID.pointOfEpisode(episode);
      List<LayerDecision> ds = episode(c, d);
      for (int step = 0; step < LAYERS; step++) {
        LayerDecision dec = ds.get(step);
        boolean pinned = step == 0 || step == LAYERS - 1;
        assertEquals(pinned ? 8 : p.bits(), dec.weightBits(), "episode " + episode);
        assertEquals(pinned ? 8 : p.bits(), dec.activationBits());
        assertTrue(dec.pruneRatio() >= p.ratio() && dec.pruneRatio() < p.ratio() + 1e-6, p + " -> " + dec);
        assertEquals(MENU.get(Math.max(0, p.algorithm())), dec.algorithm());
      }
      c.learn();
      d.learn();
    }
    // the actor was asked only for its hidden features, never to explore, during the warm-up
    assertEquals(3 * LAYERS, actor.explored.size());
    assertTrue(actor.explored.stream().noneMatch(e -> e));
    assertEquals(3, actor.learned);
    // episode 4: the agents' own decisions (action 0.9 -> ratio 0.72, 0.95 -> 8 bits; algorithm 2)
    for (LayerDecision dec : episode(c, d)) {
      assertEquals(0.72, dec.pruneRatio(), 1e-6);
      assertEquals(8, dec.weightBits());
      assertEquals("FilterGeometricMedian", dec.algorithm());
    }
    assertTrue(actor.explored.get(actor.explored.size() - 1));
  }

  @Test void aResumedWarmupGoesOnWithTheNextPointAndTheInnerCheckpoint() {
    var warmup = new BehaviourPolicy(GRID, MAP, 4, Exploration.around(0, 0), 1);
    ContinuousPolicy c = warmup.continuous(new FixedActor(5));
    DiscretePolicy d = warmup.discrete(new FixedChoice(2));
    // episodes 1 and 2 generated, episode 1 learned (two in flight), then a crash: the checkpoint counts 2
    episode(c, d);
    episode(c, d);
    c.learn();
    d.learn();
    ContinuousPolicy c2 = c.fromBytes(c.toBytes());
    DiscretePolicy d2 = d.fromBytes(d.toBytes());
    UniformGrid.Point third = GRID.pointOfEpisode(3);
    LayerDecision mid = episode(c2, d2).get(1);
    assertEquals(third.bits(), mid.weightBits());
    assertEquals(MENU.get(Math.max(0, third.algorithm())), mid.algorithm());
    // the inner halves came back from their own bytes (FixedActor 5 -> 6, FixedChoice 2 -> 3)
    assertArrayEquals(new float[] {6, 7}, c2.act(stateOfStep(1), false).hidden());
    episode(c2, d2);   // episode 4, the last of the warm-up
    assertEquals("ChannelReconstruction", episode(c2, d2).get(1).algorithm());
  }

  @Test void rememberAndLearnReachTheInnerHalves() {
    var actor = new FixedActor(1);
    ContinuousPolicy c = new BehaviourPolicy(GRID, MAP, 2, Exploration.around(0.5, 0.1), 1).continuous(actor);
    var step = new EpisodeTransitions.Step(new float[1], new float[3], 1, 0.5f, new float[1], true);
    c.remember(List.of(step));
    c.learn();
    assertEquals(List.of(step), actor.remembered);
    assertEquals(1, actor.learned);
  }

  @Test void theWarmupAlgorithmsSettingPutsTheGridOnThoseAlgorithmsOnly() {
    var base = dev.hwc.cli.HwcConfig.load(null);
    var b = RealParts.behaviourPolicy(ConfigFactory.parseString(
        "hwc.search.incumbent.share = 0\nhwc.rl.ddpg.warmup-episodes = 12\nhwc.search.warmup-algorithms = [BalancedMagnitude]")
        .withFallback(base), MENU, 1);
    // the one-algorithm grid of the default bits and ratios, on menu index 6
    UniformGrid one = UniformGrid.of(List.of(8, 6, 5, 4), 0.1, 0, 0.8, List.of(6), 8);
    ContinuousPolicy c = b.continuous(new FixedActor(0));
    DiscretePolicy d = b.discrete(new FixedChoice(2));
    for (int episode = 1; episode <= 12; episode++) {
      UniformGrid.Point p = one.pointOfEpisode(episode);
      for (LayerDecision dec : episode(c, d)) {
        assertEquals(p.ratio() == 0 ? "FilterL1" : "BalancedMagnitude", dec.algorithm(), "episode " + episode);
        assertTrue(dec.pruneRatio() >= p.ratio() && dec.pruneRatio() < p.ratio() + 1e-6, p + " -> " + dec);
      }
      c.learn();
      d.learn();
    }
    var e = assertThrows(IllegalArgumentException.class, () -> RealParts.behaviourPolicy(
        ConfigFactory.parseString("hwc.search.warmup-algorithms = [Obs]").withFallback(base), MENU, 1));
    assertEquals("hwc.search.warmup-algorithms: 'Obs' is not in hwc.compress.algorithms " + MENU, e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RealParts.behaviourPolicy(
        ConfigFactory.parseString("hwc.search.warmup-algorithms = [Magnitude, FilterL1, Magnitude]").withFallback(base), MENU, 1));
    assertEquals("hwc.search.warmup-algorithms lists 'Magnitude' twice", e.getMessage());
  }

  @Test void theFrontierWarmupBisectsEachAlgorithmFromTheRewardsItRemembers() {
    var base = dev.hwc.cli.HwcConfig.load(null);
    var b = RealParts.behaviourPolicy(ConfigFactory.parseString("hwc.search.incumbent.share = 0\nhwc.search.warmup = frontier\n"
        + "hwc.rl.ddpg.warmup-episodes = 10\nhwc.search.warmup-algorithms = [Magnitude, BalancedMagnitude]").withFallback(base), MENU, 1);
    ContinuousPolicy c = b.continuous(new FixedActor(0));
    DiscretePolicy d = b.discrete(new FixedChoice(2));
    // within the 1-point bound: Magnitude up to 4 bits 40%, BalancedMagnitude up to 4 bits 10% (reward 0.5, else -2.2,
    // below the default penalty-at-bound -2; dense plans within): the dense points, then the bisections of
    // FrontierWarmupTest at 4 bits on menu entries 4 and 6
    String[] expected = {"4 0.0 FilterL1", "5 0.0 FilterL1", "6 0.0 FilterL1", "4 0.4 Magnitude", "4 0.4 BalancedMagnitude",
        "4 0.6 Magnitude", "4 0.2 BalancedMagnitude", "4 0.5 Magnitude", "4 0.1 BalancedMagnitude"};
    for (String want : expected) {
      List<EpisodeTransitions.Step> e = rewarded(c, d, 0f);
      LayerDecision mid = MAP.decision(1, LAYERS, e.get(1).action(), e.get(1).algorithm(), MENU);
      double ratio = Math.round(mid.pruneRatio() * 1e6) / 1e6;
      assertEquals(want, mid.weightBits() + " " + ratio + " " + mid.algorithm());
      boolean within = ratio <= (mid.algorithm().equals("Magnitude") ? 0.4 : 0.1) + 1e-9;
      learn(c, d, withReward(e, within ? 0.5f : -2.2f));
    }
    // both bisections have ended: the tenth takes the two-algorithm grid's tenth point
    UniformGrid.Point tenth = UniformGrid.of(List.of(8, 6, 5, 4), 0.1, 0, 0.8, List.of(4, 6), 8).pointOfEpisode(10);
    LayerDecision mid = episode(c, d).get(1);
    assertEquals(tenth.bits(), mid.weightBits());
    assertEquals(MENU.get(Math.max(0, tenth.algorithm())), mid.algorithm());
  }

  @Test void ddpgFixedBisectsItsOwnAlgorithmAndTheMaskedStrategiesTakeTheGridsOrder() {
    var base = dev.hwc.cli.HwcConfig.load(null);
    String frontier = "hwc.search.incumbent.share = 0\nhwc.search.warmup = frontier\nhwc.rl.ddpg.warmup-episodes = 5\n"
        + "hwc.search.fixed-algorithm = BalancedMagnitude\nhwc.search.strategy = ";
    UniformGrid menuGrid = UniformGrid.of(List.of(8, 6, 5, 4), 0.1, 0, 0.8, MENU.size(), 8);
    for (String strategy : List.of("ddpg-fixed", "prune-only", "quant-only")) {
      var b = RealParts.behaviourPolicy(ConfigFactory.parseString(frontier + strategy).withFallback(base), MENU, 1);
      ContinuousPolicy c = b.continuous(new FixedActor(0));
      DiscretePolicy d = b.discrete(new FixedChoice(6));
      List<String> got = new ArrayList<>(), want = new ArrayList<>();
      for (int episode = 1; episode <= 5; episode++) {
        // every plan within the bound (reward 0.5); the discrete half is the strategy's (here BalancedMagnitude's index)
        List<EpisodeTransitions.Step> e = rewarded(c, d, 0.5f).stream()
            .map(s -> new EpisodeTransitions.Step(s.state(), s.action(), 6, s.reward(), s.nextState(), s.done())).toList();
        learn(c, d, e);
        LayerDecision mid = MAP.decision(1, LAYERS, e.get(1).action(), 6, MENU);
        got.add(mid.weightBits() + " " + Math.round(mid.pruneRatio() * 1e6) / 1e6);
        UniformGrid.Point p = strategy.equals("ddpg-fixed") && episode != 5
            ? List.of(new UniformGrid.Point(4, 0, UniformGrid.NONE), new UniformGrid.Point(5, 0, UniformGrid.NONE),
                new UniformGrid.Point(6, 0, UniformGrid.NONE), new UniformGrid.Point(4, 0.4, 6)).get(episode - 1)
            : menuGrid.pointOfEpisode(episode);
        want.add(p.bits() + " " + p.ratio());
      }
      // ddpg-fixed: the dense plans, its one algorithm's first probe, then (a one-algorithm turn) the grid's point
      assertEquals(want, got, strategy);
    }
  }

  @Test void aRestoreContinuesExactlyInTheFrontierWarmup() {
    restoreContinuesExactly(new BehaviourPolicy(new FrontierWarmup(GRID, List.of(0, 4, 6), MAP, -0.15), MAP, 10,
        Exploration.around(0.5, 0.1), 3));
  }

  @Test void theSettingsAreCheckedAndTheDefaultsWrapNothing() {
    var base = dev.hwc.cli.HwcConfig.load(null);
    assertNull(RealParts.behaviourPolicy(ConfigFactory.parseString("hwc.search.warmup = random\nhwc.search.incumbent.share = 0").withFallback(base), MENU, 1));
    // grid warm-up of 5 episodes: the actor is asked to explore from episode 6 on
    var b = RealParts.behaviourPolicy(ConfigFactory.parseString("hwc.search.warmup = grid\nhwc.search.incumbent.share = 0\nhwc.rl.ddpg.warmup-episodes = 5")
        .withFallback(base), MENU, 1);
    var actor = new FixedActor(0);
    ContinuousPolicy c = b.continuous(actor);
    for (int n = 0; n < 6; n++) for (int step = 0; step < LAYERS; step++) c.act(stateOfStep(step), true);
    assertEquals(List.of(false, false, false, false, true, true, true, true), actor.explored.subList(4 * LAYERS, 6 * LAYERS));
    var e = assertThrows(IllegalArgumentException.class, () -> RealParts.behaviourPolicy(
        ConfigFactory.parseString("hwc.search.warmup = grids").withFallback(base), MENU, 1));
    assertEquals("hwc.search.warmup 'grids' is not one of grid, frontier, random", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RealParts.behaviourPolicy(
        ConfigFactory.parseString("hwc.search.incumbent.share = half").withFallback(base), MENU, 1));
    assertTrue(e.getMessage().startsWith("bad configuration: ") && e.getMessage().contains("hwc.search.incumbent.share"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new BehaviourPolicy(GRID, MAP, -1, Exploration.around(0, 0), 1));
    assertEquals("warm-up episodes must be >= 0, was -1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new BehaviourPolicy(null, MAP, 0, Exploration.around(1.5, 0.1), 1));
    assertEquals("hwc.search.incumbent.share must be in [0, 1], was 1.5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new BehaviourPolicy(null, MAP, 0, Exploration.around(0.5, -0.1), 1));
    assertEquals("hwc.search.incumbent.sigma must be >= 0, was -0.1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new BehaviourPolicy(null, MAP, 0, Exploration.around(0.5, 0.1), 1).continuous(actor).fromBytes(new byte[6]));
    assertEquals("behaviour-policy checkpoint is truncated (6 bytes)", e.getMessage());
  }

  // ---------------------------------------------------------------- exploration around the incumbent

  /** One generated episode: its transitions, rewarded by {@code reward} of the actions (the reward on every step). */
  private static List<EpisodeTransitions.Step> rewarded(ContinuousPolicy c, DiscretePolicy d, float reward) {
    List<EpisodeTransitions.Step> out = new ArrayList<>();
    for (int step = 0; step < LAYERS; step++) {
      float[] s = stateOfStep(step);
      var a = c.act(s, true);
      int alg = d.act(EpisodeTransitions.rainbowInput(a.hidden(), s), true);
      out.add(new EpisodeTransitions.Step(s, a.action(), alg, reward, step + 1 < LAYERS ? stateOfStep(step + 1) : s, step == LAYERS - 1));
    }
    return out;
  }

  /** The same steps, each carrying {@code reward} (the episode's, as the coordinator labels them). */
  private static List<EpisodeTransitions.Step> withReward(List<EpisodeTransitions.Step> e, float reward) {
    return e.stream().map(s -> new EpisodeTransitions.Step(s.state(), s.action(), s.algorithm(), reward, s.nextState(), s.done())).toList();
  }

  private static void learn(ContinuousPolicy c, DiscretePolicy d, List<EpisodeTransitions.Step> e) {
    c.remember(e);
    c.learn();
    d.remember(e);
    d.learn();
  }

  @Test void withShareOneAndNoNoiseEveryEpisodeAfterTheWarmupRepeatsTheBestSoFar() {
    var x = new BehaviourPolicy(null, MAP, 2, Exploration.around(1.0, 0.0), 42);
    var actor = new FixedActor(5);
    ContinuousPolicy c = x.continuous(actor);
    DiscretePolicy d = x.discrete(new FixedChoice(2));
    // two warm-up episodes: the agents' own actions, explored
    var e1 = rewarded(c, d, 1.0f);
    learn(c, d, e1);
    var e2 = rewarded(c, d, 3.0f);
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
    var e3 = rewarded(c, d, 0f);
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

  @Test void withSeveralParentsEachEpisodeMutatesOneOfTheBestKAndNeverAWorseOne() {
    var x = new BehaviourPolicy(null, MAP, 0, new Exploration(1.0, 0.0, 0, 2, 0), 5);
    ContinuousPolicy c = x.continuous(new FixedActor(1));
    DiscretePolicy d = x.discrete(new FixedChoice(2));
    // three hand-made episodes, rewards 1 < 3 > 2, told apart by their first action: 0.1, 0.3, 0.2
    for (float r : new float[] {1f, 3f, 2f}) {
      List<EpisodeTransitions.Step> e = new ArrayList<>();
      for (int step = 0; step < LAYERS; step++)
        e.add(new EpisodeTransitions.Step(stateOfStep(step), new float[] {r / 10, 0.5f, 0.5f}, 3, r, stateOfStep(step), step == LAYERS - 1));
      c.remember(e);
      d.remember(e);
    }
    Map<Float, Integer> followed = new TreeMap<>();
    for (int n = 0; n < 40; n++) {
      var e = rewarded(c, d, 0f);
      // sigma 0: every layer, mutated or not, repeats its parent's actions
      List<Float> firsts = e.stream().map(s -> s.action()[0]).distinct().toList();
      assertEquals(1, firsts.size(), "one parent per episode: " + firsts);
      followed.merge(firsts.get(0), 1, Integer::sum);
    }
    // the two best (0.3 and 0.2), each often; the third (0.1) never
    assertEquals(List.of(0.2f, 0.3f), List.copyOf(followed.keySet()));
    assertTrue(followed.values().stream().allMatch(k -> k >= 10), followed.toString());
    var e = assertThrows(IllegalArgumentException.class, () -> new BehaviourPolicy(null, MAP, 0, new Exploration(0.5, 0.1, 0, 0, 0), 1));
    assertEquals("hwc.search.incumbent.parents must be >= 1, was 0", e.getMessage());
  }

  @Test void aMutatedLayerKeepsItsParentsAlgorithmWithTheKeepProbabilityAndOnlyAMutatedOneGetsRainbows() {
    // the incumbent: actions 0.5 on every layer, algorithm 3 + step; Rainbow always answers 2
    List<EpisodeTransitions.Step> best = new ArrayList<>();
    for (int step = 0; step < LAYERS; step++)
      best.add(new EpisodeTransitions.Step(stateOfStep(step), new float[] {0.5f, 0.5f, 0.5f}, 3 + step, 2f, stateOfStep(step), step == LAYERS - 1));
    int[] kept = new int[2], rainbow = new int[2];
    double[] keep = {1.0, 0.5};
    for (int k = 0; k < keep.length; k++) {
      var x = new BehaviourPolicy(null, MAP, 0, new Exploration(1.0, 0.1, 0, 1, keep[k]), 11);
      ContinuousPolicy c = x.continuous(new FixedActor(1));
      DiscretePolicy d = x.discrete(new FixedChoice(2));
      c.remember(best);
      d.remember(best);
      for (int n = 0; n < 100; n++) {
        var e = rewarded(c, d, 0f);
        for (int step = 0; step < LAYERS; step++) {
          boolean moved = !java.util.Arrays.equals(best.get(step).action(), e.get(step).action());
          int alg = e.get(step).algorithm();
          if (alg == 2) {
            assertTrue(moved, "Rainbow's algorithm on a layer that was not mutated (keep " + keep[k] + ", step " + step + ")");
            rainbow[k]++;
          } else {
            assertEquals(3 + step, alg);
            if (moved) kept[k]++;
          }
        }
      }
    }
    // keep 1: Rainbow never chooses, and mutated layers (about 2 of 4 per episode) kept theirs
    assertEquals(0, rainbow[0]);
    assertTrue(kept[0] > 100, "kept " + kept[0]);
    // keep 0.5: about as many mutated layers kept their algorithm as got Rainbow's
    assertTrue(rainbow[1] > 0.35 * (kept[1] + rainbow[1]) && rainbow[1] < 0.65 * (kept[1] + rainbow[1]),
        "kept " + kept[1] + ", Rainbow's " + rainbow[1]);
    var e = assertThrows(IllegalArgumentException.class, () -> new Exploration(0.5, 0.1, 0, 1, 1.5));
    assertEquals("hwc.search.incumbent.keep-algorithm must be in [0, 1], was 1.5", e.getMessage());
  }

  @Test void aRestoreContinuesExactlyWhenMutatedLayersKeepTheirAlgorithms() {
    restoreContinuesExactly(new BehaviourPolicy(GRID, MAP, 2, new Exploration(0.75, 0.1, 0, 1, 0.5), 3));
  }

  @Test void aRestoreContinuesExactlyWithSeveralParentsToo() {
    restoreContinuesExactly(new BehaviourPolicy(GRID, MAP, 2, new Exploration(0.75, 0.1, 0, 3, 0), 3));
  }

  @Test void theHalvesAgreeOnWhichEpisodesFollowAndOnlyMutatedLayersMove() {
    var x = new BehaviourPolicy(null, MAP, 0, Exploration.around(0.5, 0.05), 7);
    ContinuousPolicy c = x.continuous(new FixedActor(1));
    DiscretePolicy d = x.discrete(new FixedChoice(2));
    List<EpisodeTransitions.Step> best = new ArrayList<>();
    for (int step = 0; step < LAYERS; step++)
      best.add(new EpisodeTransitions.Step(stateOfStep(step), new float[] {0.5f, 0.5f, 0.5f}, 4, 9f, stateOfStep(step), step == LAYERS - 1));
    c.remember(best);
    d.remember(best);
    int followed = 0;
    int mutatedOne = 0;
    for (int n = 0; n < 40; n++) {
      var e = rewarded(c, d, 0f);
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
    restoreContinuesExactly(new BehaviourPolicy(GRID, MAP, 2, Exploration.around(0.5, 0.1), 3));
  }

  @Test void aRestoreContinuesExactlyWithWholePlanMovesToo() {
    restoreContinuesExactly(new BehaviourPolicy(GRID, MAP, 2, new Exploration(0.75, 0.1, 0.5, 1, 0), 3));
  }

  @Test void wholePlanMovesShiftEveryLayerByTheSameOffsetsAndKeepTheAlgorithms() {
    var x = new BehaviourPolicy(null, MAP, 0, new Exploration(1.0, 0.05, 1.0, 1, 0), 7);
    ContinuousPolicy c = x.continuous(new FixedActor(1));
    DiscretePolicy d = x.discrete(new FixedChoice(2));
    List<EpisodeTransitions.Step> best = new ArrayList<>();
    for (int step = 0; step < LAYERS; step++)
      best.add(new EpisodeTransitions.Step(stateOfStep(step), new float[] {0.4f + 0.05f * step, 0.5f, 0.6f}, 3 + step, 9f,
          stateOfStep(step), step == LAYERS - 1));
    c.remember(best);
    d.remember(best);
    List<Float> firstOffsets = new ArrayList<>();
    for (int n = 0; n < 5; n++) {
      var e = rewarded(c, d, 0f);
      float[] offset = new float[3];
      for (int k = 0; k < 3; k++) offset[k] = e.get(0).action()[k] - best.get(0).action()[k];
      for (int step = 0; step < LAYERS; step++) {
        // the incumbent's algorithm on every layer, and the same offset on every layer's three actions
        assertEquals(3 + step, e.get(step).algorithm(), "episode " + n + ", step " + step);
        for (int k = 0; k < 3; k++)
          assertEquals(offset[k], e.get(step).action()[k] - best.get(step).action()[k], 1e-6, "episode " + n + ", step " + step + ", action " + k);
      }
      for (int k = 0; k < 3; k++) assertTrue(offset[k] != 0 && Math.abs(offset[k]) < 0.25, "offset " + offset[k]);
      firstOffsets.add(offset[0]);
    }
    assertEquals(5, firstOffsets.stream().distinct().count(), "a new offset each episode: " + firstOffsets);
    var e = assertThrows(IllegalArgumentException.class, () -> new BehaviourPolicy(null, MAP, 0, new Exploration(0.5, 0.1, 1.5, 1, 0), 1));
    assertEquals("hwc.search.incumbent.global-share must be in [0, 1], was 1.5", e.getMessage());
  }

  private static void restoreContinuesExactly(BehaviourPolicy x) {
    ContinuousPolicy c = x.continuous(new Doubles.Ddpg(11));
    DiscretePolicy d = x.discrete(new Doubles.Rainbow(12));
    List<EpisodeTransitions.Step> journal = new ArrayList<>();
    byte[] cb = null, db = null;
    List<List<EpisodeTransitions.Step>> after = new ArrayList<>();
    for (int n = 1; n <= 12; n++) {
      var probe = rewarded(c, d, 0f);
      // reward: the first action's closeness to 0.3 (so the incumbent changes now and then)
      float r = -Math.abs(probe.get(0).action()[0] - 0.3f);
      var e = withReward(probe, r);
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
      var again = rewarded(c2, d2, 0f);
      for (int step = 0; step < LAYERS; step++) {
        assertArrayEquals(e.get(step).action(), again.get(step).action());
        assertEquals(e.get(step).algorithm(), again.get(step).algorithm());
      }
      learn(c2, d2, e);
    }
  }

}
