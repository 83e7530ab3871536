package dev.hwc.search;

/** The Rainbow-DQN side of the composite agent as the search uses it (over {@code dev.hwc.rl.Rainbow}). */
public interface DiscretePolicy extends LearningPolicy<DiscretePolicy> {
  /** The pruning algorithm's index in the menu. */
  int act(float[] input, boolean explore);
}
