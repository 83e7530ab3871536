package dev.hwc.rl;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Run N episodes, checkpoint, run M more; restore the checkpoint and run the same M: every action and, at the
 * end, every byte of state (parameters, targets, Adam moments, replay, RNG) must be identical.
 */
class CheckpointTest {
  static final int N = 60, M = 40;

  // ---------------- DDPG

  static List<float[]> runDdpg(Ddpg agent, Rng env, int episodes) {
    List<float[]> actions = new ArrayList<>();
    for (int e = 0; e < episodes; e++) {
      float[] s = {(float) env.nextDouble(), (float) env.nextDouble()};
      Ddpg.Act a = agent.act(s, true);
      actions.add(a.action());
      actions.add(a.hidden());
      agent.observe(Transition.continuous(s, a.action(), DdpgTest.reward(s, a.action()), s, true));
      agent.endEpisode();
      agent.learn(2);
    }
    return actions;
  }

  @Test void ddpgResumesBitForBit() {
    Ddpg.Config cfg = new Ddpg.Config(List.of(32, 32), 1e-3, 1e-3, 1e-8, 0.01, 1.0, 16, 500, 0.5, 0.95, 20, 0.5, 3e-3, List.of());
    Ddpg a = new Ddpg(cfg, 2, 2, 3);
    Rng env = new Rng(4);
    runDdpg(a, env, N);
    byte[] ckpt = a.toBytes();
    long[] envState = env.state();
    List<float[]> first = runDdpg(a, env, M);

    Ddpg b = Ddpg.fromBytes(ckpt);
    List<float[]> second = runDdpg(b, new Rng(envState), M);
    assertSame(first, second);
    assertArrayEquals(a.toBytes(), b.toBytes());
    assertTrue(b.learnSteps() > 0 && !b.warmingUp(), "the comparison must cover learning");
  }

  @Test void ddpgWithoutReplayResumesOnceTheTransitionsAreObservedAgain() {
    Ddpg.Config cfg = new Ddpg.Config(List.of(32, 32), 1e-3, 1e-3, 1e-8, 0.01, 1.0, 16, 500, 0.5, 0.95, 20, 0.5, 3e-3, List.of());
    Ddpg a = new Ddpg(cfg, 2, 2, 3);
    Rng env = new Rng(4);
    runDdpg(a, env, N);
    byte[] ckpt = a.toBytes(false);
    Ddpg b = Ddpg.fromBytes(ckpt);
    assertEquals(0, b.replaySize());
    // the "journal": regenerate the same transitions from the same seeds
    Ddpg replayer = new Ddpg(cfg, 2, 2, 3);
    Rng env2 = new Rng(4);
    for (int e = 0; e < N; e++) {
      float[] s = {(float) env2.nextDouble(), (float) env2.nextDouble()};
      float[] act = replayer.act(s, true).action();
      Transition t = Transition.continuous(s, act, DdpgTest.reward(s, act), s, true);
      replayer.observe(t);
      replayer.endEpisode();
      replayer.learn(2);
      b.observe(t);
    }
    assertArrayEquals(a.toBytes(), b.toBytes());
  }

  // ---------------- Rainbow (all six parts on)

  static List<float[]> runRainbow(Rainbow agent, Rng env, int episodes) {
    List<float[]> actions = new ArrayList<>();
    for (int e = 0; e < episodes; e++) {
      int s = 0;
      while (true) {
        int a = agent.act(RainbowTest.oneHot(s), true);
        actions.add(new float[] {a});
        // a little environment randomness, so the env stream matters too
        boolean quit = a == 0 || env.nextDouble() < 0.05;
        if (quit) {
          agent.observe(Transition.discrete(RainbowTest.oneHot(s), a, 0.2f, RainbowTest.oneHot(s), true));
          break;
        }
        boolean end = s + 1 == RainbowTest.CHAIN - 1;
        agent.observe(Transition.discrete(RainbowTest.oneHot(s), a, end ? 1f : 0f, RainbowTest.oneHot(s + 1), end));
        if (end) break;
        s++;
      }
      agent.endEpisode();
      agent.learn(3);
      actions.add(new float[] {(float) agent.beta()});
    }
    return actions;
  }

  @Test void rainbowResumesBitForBit() {
    Rainbow.Config toy = RainbowTest.toyConfig();
    Rainbow.Config cfg = new Rainbow.Config(List.of(16), 16, true, true, true, 0.5, 0.4, 50, 1e-6, 3, true, 11, -2, 2, true, 0.5,
        1.0, 0.02, 100, 1e-3, 1.5e-4, 10, 0.9, 16, 300, 7, 10);
    Rainbow a = new Rainbow(cfg, RainbowTest.CHAIN, 2, 5);
    Rng env = new Rng(6);
    runRainbow(a, env, N);
    byte[] ckpt = a.toBytes();
    long[] envState = env.state();
    List<float[]> first = runRainbow(a, env, M);

    Rainbow b = Rainbow.fromBytes(ckpt);
    List<float[]> second = runRainbow(b, new Rng(envState), M);
    assertSame(first, second);
    assertArrayEquals(a.toBytes(), b.toBytes());
    assertTrue(b.learnSteps() > cfg.targetSyncSteps(), "the comparison must cover learning and target syncs");
  }

  @Test void rainbowWithEGreedyAndUniformReplayResumesBitForBit() {
    Rainbow.Config cfg = new Rainbow.Config(List.of(), 16, false, false, false, 0.5, 0.4, 50, 1e-6, 1, false, 11, -2, 2, false, 0.5,
        1.0, 0.02, 30, 1e-3, 1.5e-4, 10, 0.9, 16, 300, 7, 10);
    Rainbow a = new Rainbow(cfg, RainbowTest.CHAIN, 2, 5);
    Rng env = new Rng(6);
    runRainbow(a, env, N);
    byte[] ckpt = a.toBytes();
    long[] envState = env.state();
    List<float[]> first = runRainbow(a, env, M);
    Rainbow b = Rainbow.fromBytes(ckpt);
    assertSame(first, runRainbow(b, new Rng(envState), M));
    assertArrayEquals(a.toBytes(), b.toBytes());
  }

  // ---------------- composite

  static List<float[]> runComposite(CompositeAgent agent, Rng env, int episodes, List<List<Transition>> journal) {
    List<float[]> out = new ArrayList<>();
    for (int e = 0; e < episodes; e++) {
      List<Transition> ep = CompositeAgentTest.episode(agent, env, 3, true);
      for (Transition t : ep) { out.add(t.action()); out.add(new float[] {t.discrete(), t.reward()}); }
      if (journal != null) journal.add(ep);
      agent.learn(ep);
    }
    return out;
  }

  static CompositeAgent smallComposite(boolean prioritized) {
    Ddpg.Config d = new Ddpg.Config(List.of(16, 16), 1e-3, 1e-3, 1e-8, 0.01, 1.0, 16, 500, 0.5, 0.95, 10, 0.5, 3e-3, List.of());
    Rainbow.Config r = new Rainbow.Config(List.of(16), 16, true, true, prioritized, 0.5, 0.4, 50, 1e-6, 3, true, 11, -2, 2, true, 0.5,
        1.0, 0.02, 100, 1e-3, 1.5e-4, 10, 1.0, 16, 300, 7, 10);
    return new CompositeAgent(CompositeAgent.Config.defaults(), d, r, 2, 1, 3, 9);
  }

  @Test void compositeResumesBitForBit() {
    CompositeAgent a = smallComposite(true);
    Rng env = new Rng(10);
    runComposite(a, env, N, null);
    byte[] ckpt = a.toBytes();
    long[] envState = env.state();
    List<float[]> first = runComposite(a, env, M, null);
    CompositeAgent b = CompositeAgent.fromBytes(ckpt);
    assertSame(first, runComposite(b, new Rng(envState), M, null));
    assertArrayEquals(a.toBytes(), b.toBytes());
  }

  @Test void compositeWithoutReplayResumesAfterRememberingTheJournal() {
    // uniform Rainbow replay: PER priorities are learnt state a journal does not hold (see CompositeAgent)
    CompositeAgent a = smallComposite(false);
    Rng env = new Rng(10);
    List<List<Transition>> journal = new ArrayList<>();
    runComposite(a, env, N, journal);
    byte[] ckpt = a.toBytes(false);
    long[] envState = env.state();
    List<float[]> first = runComposite(a, env, M, null);

    CompositeAgent b = CompositeAgent.fromBytes(ckpt);
    for (List<Transition> ep : journal) b.remember(ep);
    assertSame(first, runComposite(b, new Rng(envState), M, null));
    assertArrayEquals(a.toBytes(), b.toBytes());
  }

  @Test void aForeignOrDamagedCheckpointIsRefusedByName() {
    byte[] ddpg = new Ddpg(Ddpg.Config.defaults().withInitialAction(List.of()), 2, 1, 1).toBytes();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rainbow.fromBytes(ddpg));
    assertEquals("not a hwc.rl.Rainbow checkpoint (found 'hwc.rl.Ddpg')", e.getMessage());
    byte[] cut = java.util.Arrays.copyOf(ddpg, ddpg.length / 2);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Ddpg.fromBytes(cut)).getMessage().startsWith("checkpoint is truncated or corrupt"));
    // the config's JSON starts after the magic (length + 11 bytes), the version and the JSON's length: 23 bytes in
    byte[] badConfig = ddpg.clone();
    assertEquals('{', badConfig[23]);
    badConfig[23] = 'x';
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Ddpg.fromBytes(badConfig)).getMessage()
        .startsWith("ddpg checkpoint has an unreadable config: "));
  }

  static void assertSame(List<float[]> a, List<float[]> b) {
    assertEquals(a.size(), b.size());
    for (int k = 0; k < a.size(); k++) assertArrayEquals(a.get(k), b.get(k), "entry " + k); // exact: no tolerance
  }
}
