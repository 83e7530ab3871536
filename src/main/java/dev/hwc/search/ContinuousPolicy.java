package dev.hwc.search;

import java.util.List;

/**
 * The DDPG side of the composite agent as the search uses it (implemented over {@code dev.hwc.rl.Ddpg}).
 * {@link #remember} only fills the replay buffer (no learning, no randomness), so replaying the journal's
 * transitions into a restored checkpoint rebuilds the agent exactly.
 */
public interface ContinuousPolicy {
  /** The action (ratio, weight bits, activation bits) in [0, 1] and the actor's hidden features h_t. */
  Action act(float[] state, boolean explore);

  void remember(List<EpisodeTransitions.Step> transitions);

  /** The end-of-episode updates. */
  void learn();

  /** Weights, optimiser state, RNG state and counters; not the replay buffer. */
  byte[] toBytes();

  /** A policy restored from {@link #toBytes()} output. */
  ContinuousPolicy fromBytes(byte[] bytes);

  record Action(float[] action, float[] hidden) {}
}
