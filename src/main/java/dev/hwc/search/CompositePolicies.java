package dev.hwc.search;

import dev.hwc.rl.CompositeAgent;
import dev.hwc.rl.Ddpg;
import dev.hwc.rl.Rainbow;
import dev.hwc.rl.Transition;

import java.util.ArrayList;
import java.util.List;

/**
 * The composite agent of {@code dev.hwc.rl} split into the two halves the search's actors own: DDPG
 * ({@link #ddpg()}) and Rainbow ({@link #rainbow()}). They share this holder because Rainbow derives its input
 * [h_t, s_t] from DDPG's actor when it learns. Learning follows {@link CompositeAgent#learn} (DDPG, then Rainbow;
 * rewards labelled as {@code hwc.rl.composite} says); the coordinator never runs the halves concurrently.
 *
 * <p>Checkpoints: DDPG's without its uniform replay, which {@code remember} rebuilds from the journal; Rainbow's
 * with its replay when prioritized, since learned priorities are not in the journal and an exact resume needs them.
 */
public final class CompositePolicies {
  private final CompositeAgent.Config cfg;
  private Ddpg ddpg;
  private Rainbow rainbow;

  public CompositePolicies(CompositeAgent.Config cfg, Ddpg.Config ddpgCfg, Rainbow.Config rainbowCfg, int stateDim,
                           int algorithms, long seed) {
    CompositeAgent agent = new CompositeAgent(cfg, ddpgCfg, rainbowCfg, stateDim, LayerEmbedding.ACTION_SIZE, algorithms, seed);
    this.cfg = cfg;
    this.ddpg = agent.ddpg();
    this.rainbow = agent.rainbow();
    rainbow.useFeatures(this::features);
  }

  /** Rainbow's input rows, from the DDPG half this holder has now (a restore replaces it). */
  private float[] features(float[] states, int batch) {
    return CompositeAgent.features(ddpg, cfg.rainbowSeesState(), states, batch);
  }

  /** Labels a journaled episode's rewards as CompositeAgent does: the last step always, the others if configured. */
  private static List<Transition> label(List<EpisodeTransitions.Step> steps, boolean everyStep, boolean discrete) {
    List<Transition> out = new ArrayList<>(steps.size());
    int start = 0;
    for (int i = 0; i < steps.size(); i++) {
      if (!steps.get(i).done()) continue;
      float r = steps.get(i).reward();
      for (int k = start; k <= i; k++) {
        var s = steps.get(k);
        float rk = k == i || everyStep ? r : 0f;
        out.add(discrete ? Transition.discrete(s.state(), s.algorithm(), rk, s.nextState(), s.done())
            : Transition.continuous(s.state(), s.action(), rk, s.nextState(), s.done()));
      }
      start = i + 1;
    }
    if (start != steps.size()) throw new IllegalArgumentException("transitions end inside an episode (no done step)");
    return out;
  }

  public ContinuousPolicy ddpg() {
    return new ContinuousPolicy() {
      private int remembered;

      @Override public Action act(float[] state, boolean explore) {
        Ddpg.Act a = ddpg.act(state, explore);
        return new Action(a.action(), a.hidden());
      }

      @Override public void remember(List<EpisodeTransitions.Step> transitions) {
        for (Transition t : label(transitions, cfg.ddpgFinalRewardAtEveryStep(), false)) ddpg.observe(t);
        remembered = transitions.size();
      }

      @Override public void learn() {
        ddpg.learn(remembered * cfg.ddpgUpdatesPerStep());
        ddpg.endEpisode();
      }

      @Override public byte[] toBytes() {
        return ddpg.toBytes(false);
      }

      @Override public ContinuousPolicy fromBytes(byte[] bytes) {
        ddpg = Ddpg.fromBytes(bytes);
        return this;
      }
    };
  }

  public DiscretePolicy rainbow() {
    return new DiscretePolicy() {
      private int remembered;
      private boolean restoredWithReplay;

      @Override public int act(float[] input, boolean explore) {
        // The coordinator hands [h_t, s_t]; without the state Rainbow sees h_t alone.
        float[] in = cfg.rainbowSeesState() ? input : java.util.Arrays.copyOf(input, ddpg.hiddenDim());
        return rainbow.act(in, explore);
      }

      @Override public void remember(List<EpisodeTransitions.Step> transitions) {
        remembered = transitions.size();
        if (restoredWithReplay) {
          restoredWithReplay = false;   // the checkpoint brought the replay, priorities included
          return;
        }
        for (Transition t : label(transitions, cfg.rainbowFinalRewardAtEveryStep(), true)) rainbow.observe(t);
      }

      @Override public void learn() {
        rainbow.learn(remembered * cfg.rainbowUpdatesPerStep());
        rainbow.endEpisode();
      }

      @Override public byte[] toBytes() {
        return rainbow.toBytes(rainbow.config().prioritized());
      }

      @Override public DiscretePolicy fromBytes(byte[] bytes) {
        rainbow = Rainbow.fromBytes(bytes);
        rainbow.useFeatures(CompositePolicies.this::features);
        restoredWithReplay = rainbow.replaySize() > 0;
        return this;
      }
    };
  }
}
