package dev.hwc.rl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class RainbowTest {
  /** All six parts on, small networks and short schedules for the toys. */
  static Rainbow.Config toyConfig() {
    return new Rainbow.Config(List.of(64), 64, true, true, true, 0.5, 0.4, 2000, 1e-6, 3, true, 51, -2, 2, true, 0.5,
        1.0, 0.02, 100, 1e-3, 1.5e-4, 10, 0.9, 32, 5000, 100, 30);
  }

  // -------- contextual bandit: 10 contexts (random feature vectors), 4 arms, a fixed random reward table

  static final int CONTEXTS = 10, ARMS = 4;

  record Bandit(float[][] x, float[][] r) {
    static Bandit make(long seed) {
      Rng g = new Rng(seed);
      float[][] x = new float[CONTEXTS][6], r = new float[CONTEXTS][ARMS];
      for (int c = 0; c < CONTEXTS; c++) {
        for (int k = 0; k < 6; k++) x[c][k] = (float) g.nextDouble();
        int best = g.nextInt(ARMS);
        for (int a = 0; a < ARMS; a++) r[c][a] = a == best ? 1f : (float) (0.7 * g.nextDouble());
      }
      return new Bandit(x, r);
    }

    int best(int c) {
      int b = 0;
      for (int a = 1; a < ARMS; a++) if (r[c][a] > r[c][b]) b = a;
      return b;
    }
  }

  static double banditAccuracy(Rainbow.Config cfg, int episodes) {
    Bandit env = Bandit.make(3);
    Rainbow agent = new Rainbow(cfg, 6, ARMS, 11);
    Rng pick = new Rng(5);
    for (int e = 0; e < episodes; e++) {
      int c = pick.nextInt(CONTEXTS);
      int a = agent.act(env.x[c], true);
      agent.observe(Transition.discrete(env.x[c], a, env.r[c][a], env.x[c], true));
      agent.endEpisode();
      agent.learn(1);
    }
    int right = 0;
    for (int c = 0; c < CONTEXTS; c++) if (agent.act(env.x[c], false) == env.best(c)) right++;
    return right / (double) CONTEXTS;
  }

  @Test void rainbowFindsTheBestArmOfAContextualBandit() {
    // 200 random warm-up episodes (20 per context) before NoisyNets take over the exploring
    assertTrue(banditAccuracy(toyConfig(), 0) < 0.95, "an untrained agent must not pass already");
    double acc = banditAccuracy(toyConfig().withWarmupEpisodes(200), 1500);
    System.out.printf("Rainbow bandit: optimal arm in %.0f%% of contexts%n", 100 * acc);
    assertTrue(acc >= 0.95, "optimal arm in " + acc + " of contexts");
  }

  // -------- chain: states 0..4 (one-hot), action 0 quits (+0.2, terminal), action 1 moves right; reaching 4 pays 1

  static final int CHAIN = 5;

  static float[] oneHot(int s) {
    float[] v = new float[CHAIN];
    v[s] = 1;
    return v;
  }

  static double chainAccuracy(Rainbow.Config cfg, int episodes) {
    Rainbow agent = new Rainbow(cfg, CHAIN, 2, 13);
    for (int e = 0; e < episodes; e++) {
      int s = 0;
      while (true) {
        int a = agent.act(oneHot(s), true);
        if (a == 0) {
          agent.observe(Transition.discrete(oneHot(s), 0, 0.2f, oneHot(s), true));
          break;
        }
        int s2 = s + 1;
        boolean end = s2 == CHAIN - 1;
        agent.observe(Transition.discrete(oneHot(s), 1, end ? 1f : 0f, oneHot(s2), end));
        if (end) break;
        s = s2;
      }
      agent.endEpisode();
      agent.learn(4);
    }
    int right = 0;
    for (int s = 0; s < CHAIN - 1; s++) if (agent.act(oneHot(s), false) == 1) right++;
    return right / (double) (CHAIN - 1);
  }

  @Test void rainbowCarriesTheChainsDistantRewardBackToTheStart() {
    // with γ = 0.9 walking on is worth 0.9³ = 0.73 at state 0, more than quitting's 0.2
    assertTrue(chainAccuracy(toyConfig(), 0) < 0.95, "an untrained agent must not pass already");
    double acc = chainAccuracy(toyConfig(), 400);
    System.out.printf("Rainbow chain: optimal action in %.0f%% of states%n", 100 * acc);
    assertTrue(acc >= 0.95, "optimal action in " + acc + " of states");
  }

  /** The toy configuration with one part switched off (ε-greedy replaces NoisyNets, one-step TD replaces n-step). */
  static Rainbow.Config without(String part) {
    Rainbow.Config c = toyConfig();
    return new Rainbow.Config(c.hidden(), c.streamHidden(), c.doubleQ() && !part.equals("double"), c.dueling() && !part.equals("dueling"),
        c.prioritized() && !part.equals("prioritized"), c.priorityAlpha(), c.priorityBeta(), c.priorityBetaSteps(), c.priorityEps(),
        part.equals("n-step") ? 1 : c.nStep(), c.distributional() && !part.equals("distributional"), c.atoms(), c.vMin(), c.vMax(),
        c.noisy() && !part.equals("noisy"), c.noisySigma(), c.epsilonStart(), c.epsilonEnd(), c.epsilonDecayEpisodes(), c.lr(),
        c.adamEps(), c.gradClip(), c.discount(), c.batchSize(), c.replayCapacity(), c.targetSyncSteps(), c.warmupEpisodes());
  }

  @ParameterizedTest
  @ValueSource(strings = {"double", "dueling", "prioritized", "n-step", "distributional", "noisy"})
  void eachAblationStillSolvesTheChain(String part) {
    double acc = chainAccuracy(without(part), 400);
    System.out.printf("Rainbow chain without %s: optimal action in %.0f%% of states%n", part, 100 * acc);
    assertTrue(acc >= 0.95, "without " + part + ": optimal action in " + acc + " of states");
  }
}
