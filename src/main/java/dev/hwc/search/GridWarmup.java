package dev.hwc.search;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * The agents' warm-up taken from the uniform grid (hwc.search.warmup = grid): the first {@code episodes} episodes a
 * learning agent generates are the {@link UniformGrid}'s first points in its coarse-to-fine order (the same bits,
 * ratio and algorithm for every layer), instead of AMC/HAQ's uniformly random action per layer. The agents remember
 * and learn from those episodes as from their own, so learning starts from whole-model decisions whose rewards span
 * the space (a random per-layer warm-up almost never lands inside a 1-point bound), and the search keeps whatever
 * good plans the grid points are.
 *
 * <p>Each half counts the episodes it generated on its own: a new episode is recognised by its first step's state
 * (normalised layer index 0, {@link LayerEmbedding}), as {@link SearchStrategy.GridActions} does, and both halves see
 * every step of every episode in the same order, so they agree on the point without sharing state (they live in
 * different actors). The count leads each half's checkpoint, so a resumed search continues the warm-up where it
 * stopped. During the warm-up the continuous half still reports the actor's own hidden features h_t (Rainbow's input),
 * computed without exploration, so the inner agents' random streams are untouched until their own turn.
 */
public final class GridWarmup {
  private final UniformGrid grid;
  private final ActionMapping mapping;
  private final int episodes;

  /**
   * @param episodes warm-up episodes taken from the grid (hwc.rl.ddpg.warmup-episodes); 0 = none
   */
  public GridWarmup(UniformGrid grid, ActionMapping mapping, int episodes) {
    if (episodes < 0) throw new IllegalArgumentException("warm-up episodes must be >= 0, was " + episodes);
    for (UniformGrid.Point p : grid.points())
      if (p.bits() < mapping.minBits() || p.bits() > mapping.maxBits())
        throw new IllegalArgumentException("hwc.search.uniform.bits value " + p.bits() + " is outside hwc.compress.bits-range ["
            + mapping.minBits() + ", " + mapping.maxBits() + "]");
    this.grid = grid;
    this.mapping = mapping;
    this.episodes = episodes;
  }

  /** The grid point of warm-up episode {@code episode} (1-based), or null past the warm-up. */
  UniformGrid.Point point(int episode) {
    return episode <= episodes ? grid.pointOfEpisode(episode) : null;
  }

  /** The continuous half: grid actions during the warm-up, {@code inner}'s afterwards. */
  public ContinuousPolicy continuous(ContinuousPolicy inner) {
    return new Continuous(inner, 0);
  }

  /** The discrete half: the grid point's algorithm during the warm-up, {@code inner}'s afterwards. */
  public DiscretePolicy discrete(DiscretePolicy inner) {
    return new Discrete(inner, 0);
  }

  private final class Continuous implements ContinuousPolicy {
    private final ContinuousPolicy inner;
    private int generated;

    Continuous(ContinuousPolicy inner, int generated) {
      this.inner = inner;
      this.generated = generated;
    }

    @Override public Action act(float[] state, boolean explore) {
      if (state[0] == 0f || generated == 0) generated++;
      UniformGrid.Point p = explore ? point(generated) : null;
      if (p == null) return inner.act(state, explore);
      float b = SearchStrategy.bitsAction(mapping, p.bits());
      // a ratio-0 point's algorithm (NONE) prunes nothing whatever it is; the discrete half runs the menu's first
      return new Action(new float[] {SearchStrategy.ratioAction(mapping, p.ratio()), b, b}, inner.act(state, false).hidden());
    }

    @Override public void remember(List<EpisodeTransitions.Step> transitions) {
      inner.remember(transitions);
    }

    @Override public void learn() {
      inner.learn();
    }

    @Override public byte[] toBytes() {
      return withCount(generated, inner.toBytes());
    }

    @Override public ContinuousPolicy fromBytes(byte[] bytes) {
      return new Continuous(inner.fromBytes(rest(bytes)), count(bytes));
    }
  }

  private final class Discrete implements DiscretePolicy {
    private final DiscretePolicy inner;
    private int generated;

    Discrete(DiscretePolicy inner, int generated) {
      this.inner = inner;
      this.generated = generated;
    }

    @Override public int act(float[] input, boolean explore) {
      // the coordinator hands [h_t, s_t]: the state is the input's tail
      if (input[input.length - LayerEmbedding.SIZE] == 0f || generated == 0) generated++;
      UniformGrid.Point p = explore ? point(generated) : null;
      return p == null ? inner.act(input, explore) : Math.max(0, p.algorithm());
    }

    @Override public void remember(List<EpisodeTransitions.Step> transitions) {
      inner.remember(transitions);
    }

    @Override public void learn() {
      inner.learn();
    }

    @Override public byte[] toBytes() {
      return withCount(generated, inner.toBytes());
    }

    @Override public DiscretePolicy fromBytes(byte[] bytes) {
      return new Discrete(inner.fromBytes(rest(bytes)), count(bytes));
    }
  }

  private static byte[] withCount(int count, byte[] inner) {
    return ByteBuffer.allocate(4 + inner.length).putInt(count).put(inner).array();
  }

  private static int count(byte[] bytes) {
    if (bytes.length < 4) throw new IllegalArgumentException("grid warm-up checkpoint is truncated (" + bytes.length + " bytes)");
    return ByteBuffer.wrap(bytes).getInt();
  }

  private static byte[] rest(byte[] bytes) {
    return Arrays.copyOfRange(bytes, 4, bytes.length);
  }
}
