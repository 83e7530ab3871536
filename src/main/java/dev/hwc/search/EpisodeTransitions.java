package dev.hwc.search;

import dev.hwc.search.SearchEvent.LayerStepTaken;

import java.util.ArrayList;
import java.util.List;

/**
 * The agents' transitions of one episode, rebuilt from its journaled layer steps and its reward (AMC: every step
 * of an episode gets the episode's reward; the last step is terminal, its next state the state itself).
 * Rainbow's input is DDPG's hidden features followed by the state.
 */
public final class EpisodeTransitions {
  private EpisodeTransitions() {}

  public record Continuous(float[] state, float[] action, float reward, float[] nextState, boolean done) {}

  public record Discrete(float[] input, int action, float reward, float[] nextInput, boolean done) {}

  public static float[] rainbowInput(float[] hidden, float[] state) {
    float[] in = new float[hidden.length + state.length];
    System.arraycopy(hidden, 0, in, 0, hidden.length);
    System.arraycopy(state, 0, in, hidden.length, state.length);
    return in;
  }

  public static List<Continuous> continuous(List<LayerStepTaken> steps, double reward) {
    List<Continuous> out = new ArrayList<>(steps.size());
    for (int t = 0; t < steps.size(); t++) {
      LayerStepTaken s = steps.get(t);
      boolean done = t == steps.size() - 1;
      float[] next = done ? s.state() : steps.get(t + 1).state();
      out.add(new Continuous(s.state(), s.action(), (float) reward, next, done));
    }
    return out;
  }

  public static List<Discrete> discrete(List<LayerStepTaken> steps, double reward) {
    List<Discrete> out = new ArrayList<>(steps.size());
    for (int t = 0; t < steps.size(); t++) {
      LayerStepTaken s = steps.get(t);
      boolean done = t == steps.size() - 1;
      LayerStepTaken n = done ? s : steps.get(t + 1);
      out.add(new Discrete(rainbowInput(s.hidden(), s.state()), s.algorithm(), (float) reward,
          rainbowInput(n.hidden(), n.state()), done));
    }
    return out;
  }
}
