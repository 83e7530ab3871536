package dev.hwc.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.hwc.cli.HwcConfig;
import dev.hwc.rl.CompositeAgent;
import dev.hwc.rl.Ddpg;
import dev.hwc.rl.Rainbow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The two halves restored from their checkpoints, with DDPG's replay rebuilt from the journaled transitions, act
 * exactly as the uninterrupted agent: what makes `hwc resume` exact.
 */
class CompositePoliciesTest {
  private static final int STEPS = 4, ALGORITHMS = 3;

  private static CompositePolicies agent(long seed) {
    Config rl = ConfigFactory.parseString("""
        ddpg { hidden = [16, 16], batch-size = 4, warmup-episodes = 1 }
        rainbow { hidden = [16], stream-hidden = 8, batch-size = 4, warmup-episodes = 1, target-sync-steps = 5 }
        """).withFallback(HwcConfig.load(null).getConfig("hwc.rl"));
    return new CompositePolicies(CompositeAgent.Config.from(rl.getConfig("composite")), Ddpg.Config.from(rl.getConfig("ddpg")),
        Rainbow.Config.from(rl.getConfig("rainbow")), LayerEmbedding.SIZE, ALGORITHMS, seed);
  }

  /** One episode: acts on fixed states, rewards the mean ratio, learns; returns the journal's steps. */
  private static List<EpisodeTransitions.Step> episode(ContinuousPolicy ddpg, DiscretePolicy rainbow, int k, List<String> trace) {
    List<SearchEvent.LayerStepTaken> steps = new ArrayList<>();
    double ratio = 0;
    for (int t = 0; t < STEPS; t++) {
      float[] s = new float[LayerEmbedding.SIZE];
      s[0] = t / (float) STEPS;
      s[1] = k / 10f;
      var a = ddpg.act(s, true);
      int alg = rainbow.act(EpisodeTransitions.rainbowInput(a.hidden(), s), true);
      trace.add(java.util.Arrays.toString(a.action()) + "/" + alg);
      ratio += a.action()[0];
      steps.add(new SearchEvent.LayerStepTaken(k, t, "l" + t, s, a.action(), a.hidden(), alg,
          dev.hwc.compress.LayerDecision.dense(8)));
    }
    var ts = EpisodeTransitions.of(steps, ratio / STEPS);
    ddpg.remember(ts);
    ddpg.learn();
    rainbow.remember(ts);
    rainbow.learn();
    return ts;
  }

  @Test void restoredHalvesContinueExactly() {
    var a = agent(5);
    var ad = a.ddpg();
    var ar = a.rainbow();
    List<String> uninterrupted = new ArrayList<>();
    for (int k = 1; k <= 5; k++) episode(ad, ar, k, uninterrupted);

    var b = agent(5);
    var bd = b.ddpg();
    var br = b.rainbow();
    List<String> resumed = new ArrayList<>();
    List<EpisodeTransitions.Step> journal = new ArrayList<>();
    for (int k = 1; k <= 3; k++) journal.addAll(episode(bd, br, k, resumed));
    byte[] d = bd.toBytes(), r = br.toBytes();

    var c = agent(99);   // a fresh process: another seed, overwritten by the checkpoints
    var cd = c.ddpg().fromBytes(d);
    var cr = c.rainbow().fromBytes(r);
    cd.remember(journal);
    cr.remember(journal);
    for (int k = 4; k <= 5; k++) episode(cd, cr, k, resumed);
    assertEquals(uninterrupted, resumed);
  }
}
