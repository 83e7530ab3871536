package dev.hwc.search;

/**
 * The DDPG side of the composite agent as the search uses it (implemented over {@code dev.hwc.rl.Ddpg}).
 * Its checkpoint holds weights, optimiser state, RNG state and counters, not the replay buffer (refilled from the
 * journal).
 */
public interface ContinuousPolicy extends LearningPolicy<ContinuousPolicy> {
  /** The action (ratio, weight bits, activation bits) in [0, 1] and the actor's hidden features h_t. */
  Action act(float[] state, boolean explore);

  record Action(float[] action, float[] hidden) {}
}
