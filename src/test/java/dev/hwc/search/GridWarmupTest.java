package dev.hwc.search;

import com.typesafe.config.ConfigFactory;
import dev.hwc.compress.LayerDecision;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GridWarmupTest {
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
    var warmup = new GridWarmup(GRID, MAP, 3);
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
    var warmup = new GridWarmup(GRID, MAP, 4);
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
    ContinuousPolicy c = new GridWarmup(GRID, MAP, 2).continuous(actor);
    var step = new EpisodeTransitions.Step(new float[1], new float[3], 1, 0.5f, new float[1], true);
    c.remember(List.of(step));
    c.learn();
    assertEquals(List.of(step), actor.remembered);
    assertEquals(1, actor.learned);
    assertNull(new GridWarmup(GRID, MAP, 2).point(3));
  }

  @Test void theSettingIsCheckedAndRandomMeansNoWrapper() {
    var base = dev.hwc.cli.HwcConfig.load(null);
    assertNull(RealParts.gridWarmup(ConfigFactory.parseString("hwc.search.warmup = random").withFallback(base), MENU.size()));
    var g = RealParts.gridWarmup(ConfigFactory.parseString("hwc.search.warmup = grid\nhwc.rl.ddpg.warmup-episodes = 5")
        .withFallback(base), MENU.size());
    assertEquals(GRID.pointOfEpisode(5), g.point(5));
    assertNull(g.point(6));
    var e = assertThrows(IllegalArgumentException.class, () -> RealParts.gridWarmup(
        ConfigFactory.parseString("hwc.search.warmup = grids").withFallback(base), MENU.size()));
    assertEquals("hwc.search.warmup 'grids' is not one of grid, random", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new GridWarmup(GRID, MAP, -1));
    assertEquals("warm-up episodes must be >= 0, was -1", e.getMessage());
  }
}
