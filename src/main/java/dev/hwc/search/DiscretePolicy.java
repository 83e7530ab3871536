package dev.hwc.search;

import java.util.List;

/** The Rainbow-DQN side of the composite agent as the search uses it (over {@code dev.hwc.rl.Rainbow}). */
public interface DiscretePolicy {
  /** The pruning algorithm's index in the menu. */
  int act(float[] input, boolean explore);

  /** Fills the replay buffer only (no learning, no randomness). */
  void remember(List<EpisodeTransitions.Step> transitions);

  void learn();

  byte[] toBytes();

  DiscretePolicy fromBytes(byte[] bytes);
}
