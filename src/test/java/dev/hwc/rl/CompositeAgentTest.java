package dev.hwc.rl;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class CompositeAgentTest {
  /**
   * A hybrid toy shaped like a compression episode: each step sees a context x and picks a "algorithm" k and a
   * "ratio" a; the step is worth base_k(x) − (a − c_k)², base_k(x) = 1 − 2|x − m_k|, so the best k depends on x
   * and the best a depends on k. The episode's reward, given only at its end, is the mean over its steps.
   */
  static final double[] M = {1 / 6.0, 0.5, 5 / 6.0}, C = {0.8, 0.2, 0.5};

  static double stepValue(double x, int k, double a) {
    return 1 - 2 * Math.abs(x - M[k]) - (a - C[k]) * (a - C[k]);
  }

  static double bestValue(double x) {
    double b = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < 3; k++) b = Math.max(b, stepValue(x, k, C[k]));
    return b;
  }

  static float[] state(double x, int t, int steps) {
    return new float[] {(float) x, t / (float) steps};
  }

  static Ddpg.Config ddpgConfig() {
    return new Ddpg.Config(List.of(64, 64), 1e-3, 1e-3, 1e-8, 0.01, 1.0, 64, 4000, 0.5, 0.999, 300, 0.5, 3e-3, List.of());
  }

  static Rainbow.Config rainbowConfig() {
    return new Rainbow.Config(List.of(64), 64, true, true, true, 0.5, 0.4, 2000, 1e-6, 3, true, 51, -2, 2, true, 0.5,
        1.0, 0.02, 100, 1e-3, 1.5e-4, 10, 1.0, 64, 4000, 100, 300);
  }

  static CompositeAgent.Config compositeConfig() {
    return new CompositeAgent.Config(true, false, true, 4, 2);
  }

  /** Runs one episode of {@code steps} layer steps; returns its transitions with the final reward on the last. */
  static List<Transition> episode(CompositeAgent agent, Rng env, int steps, boolean explore) {
    List<Transition> out = new ArrayList<>();
    double total = 0;
    float[] s = state(env.nextDouble(), 0, steps);
    for (int t = 0; t < steps; t++) {
      CompositeAgent.Act a = agent.act(s, explore);
      total += stepValue(s[0], a.discrete(), a.continuous()[0]);
      boolean done = t == steps - 1;
      float[] s2 = done ? s : state(env.nextDouble(), t + 1, steps);
      out.add(new Transition(s, a.continuous(), a.discrete(), done ? (float) (total / steps) : 0f, s2, done));
      s = s2;
    }
    return out;
  }

  /** Greedy return as a fraction of the optimal return, over 200 fixed contexts. */
  static double fractionOfOptimum(CompositeAgent agent) {
    double got = 0, best = 0;
    for (int i = 0; i < 200; i++) {
      double x = (i + 0.5) / 200;
      CompositeAgent.Act a = agent.act(state(x, 0, 1), false);
      got += stepValue(x, a.discrete(), a.continuous()[0]);
      best += bestValue(x);
    }
    return got / best;
  }

  static double train(int steps, int episodes, long seed) {
    CompositeAgent agent = new CompositeAgent(compositeConfig(), ddpgConfig(), rainbowConfig(), 2, 1, 3, seed);
    double untrained = fractionOfOptimum(agent);
    assertTrue(untrained < 0.9, "an untrained agent must not pass already: " + untrained);
    Rng env = new Rng(seed + 1);
    for (int e = 0; e < episodes; e++) agent.learn(episode(agent, env, steps, true));
    return fractionOfOptimum(agent);
  }

  @Test void compositeAgentFindsTheBestHybridAction() {
    // 300 random warm-up episodes, then 1200 learning ones; seeds 5 and 7 reach 95.5% and 98.0% with this setup
    double f = train(1, 1500, 21);
    System.out.printf("Composite hybrid toy (1-step episodes): %.1f%% of the optimal return%n", 100 * f);
    assertTrue(f >= 0.95, "greedy return was " + f + " of the optimum");
  }
}
