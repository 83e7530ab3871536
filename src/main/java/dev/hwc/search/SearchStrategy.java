package dev.hwc.search;

import dev.hwc.rl.Rng;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;

/**
 * What searches (hwc.search.strategy, {@code hwc search --strategy}); the baselines of issue 8 are alternative
 * policies behind the same seams as the composite agent, so the episode loop, journal and exact resume are shared.
 * The strategy is part of the journaled configuration, so a resumed search keeps it.
 */
public enum SearchStrategy {
  /** DDPG (ratio, bits) + Rainbow (algorithm): the paper's composite agent. */
  COMPOSITE,
  /** DDPG (ratio, bits) with one fixed algorithm (hwc.search.fixed-algorithm). */
  DDPG_FIXED,
  /** DDPG pruning ratios with the fixed algorithm, weights and activations at the top of the bits range (8-bit). */
  PRUNE_ONLY,
  /** DDPG bit-widths only, no pruning. */
  QUANT_ONLY,
  /** Uniformly random actions and algorithms (seeded, resumable). */
  RANDOM,
  /** A grid of uniform decisions (the same bits, ratio and algorithm for every layer), walked coarse to fine ({@link UniformGrid}). */
  UNIFORM;

  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static SearchStrategy parse(String s) {
    for (SearchStrategy v : values()) if (v.configName().equals(s)) return v;
    throw new IllegalArgumentException("hwc.search.strategy '" + s + "' is not one of composite, ddpg-fixed, prune-only, quant-only, random, uniform");
  }

  /** A continuous policy whose action dimensions {@code fixed[k] >= 0} are overwritten with that value (others kept). */
  public record Masked(ContinuousPolicy inner, float[] fixed) implements ContinuousPolicy {
    @Override public Action act(float[] state, boolean explore) {
      Action a = inner.act(state, explore);
      float[] action = a.action().clone();
      for (int k = 0; k < action.length && k < fixed.length; k++) if (fixed[k] >= 0) action[k] = fixed[k];
      return new Action(action, a.hidden());
    }

    @Override public void remember(List<EpisodeTransitions.Step> transitions) {
      inner.remember(transitions);
    }

    @Override public void learn() {
      inner.learn();
    }

    @Override public byte[] toBytes() {
      return inner.toBytes();
    }

    @Override public ContinuousPolicy fromBytes(byte[] bytes) {
      return new Masked(inner.fromBytes(bytes), fixed);
    }
  }

  /** A discrete policy that does not learn: nothing to remember, an empty checkpoint. */
  public interface NonLearning extends DiscretePolicy {
    @Override default void remember(List<EpisodeTransitions.Step> transitions) {}

    @Override default void learn() {}

    @Override default byte[] toBytes() {
      return new byte[0];
    }

    @Override default DiscretePolicy fromBytes(byte[] bytes) {
      return this;
    }
  }

  /** Always the same menu entry. */
  public record FixedAlgorithm(int index) implements NonLearning {
    @Override public int act(float[] input, boolean explore) {
      return index;
    }
  }

  /** Uniform actions in [0, 1]^size; its checkpoint is the RNG state, so a resumed search draws the same plans. */
  public static final class RandomActions implements ContinuousPolicy {
    private final int size;
    private final Rng rng;

    public RandomActions(int size, Rng rng) {
      this.size = size;
      this.rng = rng;
    }

    @Override public Action act(float[] state, boolean explore) {
      float[] a = new float[size];
      for (int k = 0; k < size; k++) a[k] = (float) rng.nextDouble();
      return new Action(a, new float[0]);
    }

    @Override public void remember(List<EpisodeTransitions.Step> transitions) {}

    @Override public void learn() {}

    @Override public byte[] toBytes() {
      return rngBytes(rng);
    }

    @Override public ContinuousPolicy fromBytes(byte[] bytes) {
      return new RandomActions(size, rngOf(bytes));
    }
  }

  /** Uniform menu entries; checkpointed like {@link RandomActions}. */
  public static final class RandomAlgorithm implements DiscretePolicy {
    private final int menu;
    private final Rng rng;

    public RandomAlgorithm(int menu, Rng rng) {
      this.menu = menu;
      this.rng = rng;
    }

    @Override public int act(float[] input, boolean explore) {
      return rng.nextInt(menu);
    }

    @Override public void remember(List<EpisodeTransitions.Step> transitions) {}

    @Override public void learn() {}

    @Override public byte[] toBytes() {
      return rngBytes(rng);
    }

    @Override public DiscretePolicy fromBytes(byte[] bytes) {
      return new RandomAlgorithm(menu, rngOf(bytes));
    }
  }

  static byte[] rngBytes(Rng rng) {
    long[] s = rng.state();
    ByteBuffer b = ByteBuffer.allocate(8 * s.length);
    for (long v : s) b.putLong(v);
    return b.array();
  }

  static Rng rngOf(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long[] s = new long[bytes.length / 8];
    for (int i = 0; i < s.length; i++) s[i] = b.getLong();
    return new Rng(s);
  }

  /**
   * The uniform grid's continuous half: the k-th episode it acts for takes the grid's k-th point in its order, for
   * every layer. A new episode is recognised by its first step's state (normalised layer index 0, {@link LayerEmbedding});
   * the coordinator generates one episode's steps at a time, so this is the episode order, also when several
   * episodes are evaluated at once. The checkpoint is the number of episodes learned ({@link #learn()} runs once per
   * episode), so a search resumed from it generates the next episode with the next point. The hidden features carry
   * the point's listing index and algorithm to {@link GridAlgorithm}, so the two halves cannot disagree, and the
   * journal's layer steps show which grid point an episode ran.
   */
  public static final class GridActions implements ContinuousPolicy {
    private final UniformGrid grid;
    private final ActionMapping mapping;
    /** Grid points handed out so far: the checkpoint (with two episodes in flight, one more than learned from). */
    private int generated;
    private UniformGrid.Point current;

    public GridActions(UniformGrid grid, ActionMapping mapping) {
      this(grid, mapping, 0);
    }

    private GridActions(UniformGrid grid, ActionMapping mapping, int generated) {
      requireBitsInRange(grid, mapping);
      this.grid = grid;
      this.mapping = mapping;
      this.generated = generated;
    }

    @Override public Action act(float[] state, boolean explore) {
      if (current == null || state[0] == 0f) current = grid.pointOfEpisode(++generated);
      UniformGrid.Point p = current;
      return new Action(actionOf(mapping, p), new float[] {grid.points().indexOf(p), Math.max(0, p.algorithm())});
    }

    /** The raw action (ratio, weight bits, activation bits) of a grid point, the same for every layer. */
    static float[] actionOf(ActionMapping mapping, UniformGrid.Point p) {
      float b = bitsAction(mapping, p.bits());
      return new float[] {ratioAction(mapping, p.ratio()), b, b};
    }

    /** Refuses a grid whose bits the action mapping cannot express. */
    static void requireBitsInRange(WarmupOrder grid, ActionMapping mapping) {
      for (UniformGrid.Point p : grid.points())
        if (p.bits() < mapping.minBits() || p.bits() > mapping.maxBits())
          throw new IllegalArgumentException("hwc.search.uniform.bits value " + p.bits() + " is outside hwc.compress.bits-range ["
              + mapping.minBits() + ", " + mapping.maxBits() + "]");
    }

    @Override public void remember(List<EpisodeTransitions.Step> transitions) {}

    @Override public void learn() {}

    @Override public byte[] toBytes() {
      return ByteBuffer.allocate(4).putInt(generated).array();
    }

    @Override public ContinuousPolicy fromBytes(byte[] bytes) {
      return new GridActions(grid, mapping, ByteBuffer.wrap(bytes).getInt());
    }
  }

  /** The uniform grid's discrete half: the algorithm {@link GridActions} put in the hidden features (input[1]). */
  public record GridAlgorithm() implements NonLearning {
    @Override public int act(float[] input, boolean explore) {
      return Math.round(input[1]);
    }
  }

  /** The raw action whose equal-width bin is {@code bits} (the bin's centre). */
  static float bitsAction(ActionMapping m, int bits) {
    float a = (float) ((bits - m.minBits() + 0.5) / (m.maxBits() - m.minBits() + 1));
    if (m.bits(a) != bits) throw new IllegalStateException("bits " + bits + " do not map back from action " + a);
    return a;
  }

  /**
   * The smallest raw action whose ratio is at least {@code ratio}: pruners take floor(ratio · n), so a ratio a float
   * rounding below 0.3 would prune one filter too few.
   */
  static float ratioAction(ActionMapping m, double ratio) {
    if (m.maxRatio() <= m.minRatio()) return 0f;
    float a = (float) Math.max(0, Math.min(1, (ratio - m.minRatio()) / (m.maxRatio() - m.minRatio())));
    while (a < 1f && m.ratio(a) < ratio) a = Math.nextUp(a);
    return a;
  }
}
