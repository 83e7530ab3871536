package dev.hwc.rl;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DdpgTest {
  /** The bandit's optimum: a*(s) = (0.2 + 0.6·s0, 0.8 − 0.6·s1), inside [0.2, 0.8]². */
  static float[] best(float[] s) {
    return new float[] {0.2f + 0.6f * s[0], 0.8f - 0.6f * s[1]};
  }

  static float reward(float[] s, float[] a) {
    float[] b = best(s);
    float d0 = a[0] - b[0], d1 = a[1] - b[1];
    return -(d0 * d0 + d1 * d1);
  }

  static Ddpg.Config banditConfig() {
    return new Ddpg.Config(List.of(64, 64), 1e-3, 1e-3, 1e-8, 0.01, 1.0, 64, 2000, 0.5, 0.99, 50, 0.5, 3e-3, List.of());
  }

  /** One-step episodes: act, observe, learn. */
  static void train(Ddpg agent, int episodes, Rng env) {
    for (int e = 0; e < episodes; e++) {
      float[] s = {(float) env.nextDouble(), (float) env.nextDouble()};
      float[] a = agent.act(s, true).action();
      agent.observe(Transition.continuous(s, a, reward(s, a), s, true));
      agent.endEpisode();
      agent.learn(4);
    }
  }

  static double meanError(Ddpg agent, Rng env, int n) {
    double err = 0;
    for (int k = 0; k < n; k++) {
      float[] s = {(float) env.nextDouble(), (float) env.nextDouble()};
      float[] a = agent.act(s, false).action(), b = best(s);
      err += (Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1])) / 2;
    }
    return err / n;
  }

  @Test void learnsTheOptimumOfAContextualContinuousBandit() {
    Ddpg agent = new Ddpg(banditConfig(), 2, 2, 7);
    double before = meanError(agent, new Rng(99), 200);
    train(agent, 800, new Rng(1));
    double after = meanError(agent, new Rng(99), 200);
    System.out.printf("DDPG bandit: mean |a - a*| %.4f before, %.4f after 800 episodes%n", before, after);
    assertTrue(before > 0.1, "untrained error " + before);
    assertTrue(after <= 0.05, "mean |a - a*| after training was " + after);
  }

  @Test void theUntrainedActorActsAtTheConfiguredInitialAction() {
    Ddpg plain = new Ddpg(banditConfig().withWarmupEpisodes(0), 2, 3, 7);
    Ddpg biased = new Ddpg(banditConfig().withWarmupEpisodes(0).withInitialAction(List.of(0.1, 0.5, 0.9)), 2, 3, 7);
    float[] s = {0.3f, 0.7f};
    // logit(0.1) = -2.197 added to the ±3e-3 output biases: sigmoid gives 0.1 up to the tiny initial weights
    assertArrayEquals(new float[] {0.1f, 0.5f, 0.9f}, biased.act(s, false).action(), 0.01f);
    assertArrayEquals(new float[] {0.5f, 0.5f, 0.9f - 0.4f}, plain.act(s, false).action(), 0.01f);
    // the setting travels with the checkpoint
    assertEquals(List.of(0.1, 0.5, 0.9), Ddpg.fromBytes(biased.toBytes(false)).config().initialAction());
    var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new Ddpg(banditConfig().withInitialAction(List.of(0.1, 0.5)), 2, 3, 7));
    assertEquals("ddpg.initial-action has 2 values for 3 action dimensions", e.getMessage());
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> banditConfig().withInitialAction(List.of(0.0, 0.5, 1.0)));
    assertEquals("ddpg.initial-action values must be in (0, 1), was [0.0, 0.5, 1.0]", e.getMessage());
  }
}
