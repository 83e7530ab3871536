package dev.hwc.search;

import java.util.List;

/**
 * What both halves of the agent share as learners: a replay buffer filled from episodes, end-of-episode updates, and
 * a byte checkpoint. {@link #remember} only fills the replay buffer (no learning, no randomness), so replaying the
 * journal's transitions into a restored checkpoint rebuilds the learner exactly.
 */
public interface LearningPolicy<P extends LearningPolicy<P>> {
  void remember(List<EpisodeTransitions.Step> transitions);

  /** The end-of-episode updates. */
  void learn();

  /** Weights, optimiser state, RNG state and counters (a learner that needs its replay buffer back keeps it here). */
  byte[] toBytes();

  /** A policy restored from {@link #toBytes()} output. */
  P fromBytes(byte[] bytes);
}
