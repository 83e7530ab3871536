package dev.hwc.search;

import dev.hwc.search.SearchEvent.LayerStepTaken;

import java.util.ArrayList;
import java.util.List;

/**
 * The agents' transitions of one episode, rebuilt from its journaled layer steps and its reward. Every step carries
 * the episode's reward (AMC); an agent that labels only the last step relabels them. The last step is terminal, its
 * next state the state itself (never bootstrapped from). Rainbow's input [h_t, s_t] is not stored: the agent derives
 * h_t from the state with the actor's current weights when it learns.
 */
public final class EpisodeTransitions {
  private EpisodeTransitions() {}

  /** One layer step: state, DDPG's action, Rainbow's algorithm index, the episode's reward, next state, last step. */
  public record Step(float[] state, float[] action, int algorithm, float reward, float[] nextState, boolean done) {}

  /** Rainbow's input at acting time: DDPG's hidden features followed by the state. */
  public static float[] rainbowInput(float[] hidden, float[] state) {
    float[] in = new float[hidden.length + state.length];
    System.arraycopy(hidden, 0, in, 0, hidden.length);
    System.arraycopy(state, 0, in, hidden.length, state.length);
    return in;
  }

  public static List<Step> of(List<LayerStepTaken> steps, double reward) {
    List<Step> out = new ArrayList<>(steps.size());
    for (int t = 0; t < steps.size(); t++) {
      LayerStepTaken s = steps.get(t);
      boolean done = t == steps.size() - 1;
      float[] next = done ? s.state() : steps.get(t + 1).state();
      out.add(new Step(s.state(), s.action(), s.algorithm(), (float) reward, next, done));
    }
    return out;
  }
}
