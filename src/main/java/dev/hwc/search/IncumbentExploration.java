package dev.hwc.search;

import dev.hwc.rl.Rng;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Exploration around the incumbent (hwc.search.incumbent): after the warm-up, a share of the episodes are not the
 * actor's action plus noise but a mutation of the best episode so far (highest reward): its actions and algorithms,
 * except on the mutated layers — one drawn uniformly, and each other layer with probability 1/layers — whose actions
 * get truncated-normal noise and whose algorithm Rainbow chooses. A plan near the loss bound fails if any layer moves
 * the wrong way, so noise on every layer (measured: 13 of 25 such vgg-small episodes failed) wastes the episodes that
 * a mutation of one or two layers spends on real neighbours. DDPG and Rainbow learn off-policy, so they learn
 * from these episodes as from their own; the search gains a local search around its best plan, which the actor alone
 * loses when its critic, taught by failures of noisy plans near the bound, pulls it back to safe 8-bit plans
 * (docs/results.md, "Policy collapse"). This is the behaviour policy of self-imitation (Oh et al. 2018) in its
 * simplest form: the incumbent's transitions are replayed by acting near them again.
 *
 * <p>Each half decides on its own, from the same seed, whether an episode follows the incumbent (one draw per episode
 * at its first step, recognised by the normalised layer index 0 of {@link LayerEmbedding}), and each tracks the
 * incumbent from the episodes it remembers, which are the same for both halves; so they agree without sharing
 * state. The incumbent is not checkpointed: a restore remembers every journaled episode again, which rebuilds it.
 * The checkpoints carry the episode count and random streams.
 */
public final class IncumbentExploration {
  private static final long COIN = 0x1C0B_E47L, NOISE = 0x5EED_0F_1CL;
  private final double share;
  private final double sigma;
  private final int warmup;
  private final long seed;

  /**
   * @param share  fraction of post-warm-up episodes that follow the incumbent, in [0, 1]
   * @param sigma  σ of the noise around the incumbent's actions (on the [0, 1] action scale)
   * @param warmup episodes before the first one that may follow the incumbent (the agents' warm-up)
   */
  public IncumbentExploration(double share, double sigma, int warmup, long seed) {
    if (!(share >= 0 && share <= 1)) throw new IllegalArgumentException("hwc.search.incumbent.share must be in [0, 1], was " + share);
    if (!(sigma >= 0)) throw new IllegalArgumentException("hwc.search.incumbent.sigma must be >= 0, was " + sigma);
    this.share = share;
    this.sigma = sigma;
    this.warmup = warmup;
    this.seed = seed;
  }

  public ContinuousPolicy continuous(ContinuousPolicy inner) {
    return new Continuous(inner, new Tracker(new Rng(seed ^ COIN)), new Rng(seed ^ NOISE));
  }

  public DiscretePolicy discrete(DiscretePolicy inner) {
    return new Discrete(inner, new Tracker(new Rng(seed ^ COIN)));
  }

  /** What both halves track alike: the episode count, the coin of the current episode, its step, the incumbent. */
  private final class Tracker {
    final Rng coin;
    int generated;
    int step;
    boolean following;
    /** The layer mutated for sure in a following episode. */
    int mutated;
    /** Whether the current step's layer is mutated. */
    boolean mutate;
    float best = Float.NEGATIVE_INFINITY;
    List<EpisodeTransitions.Step> incumbent = List.of();

    Tracker(Rng coin) {
      this.coin = coin;
    }

    /** Advances to the step of state {@code firstFeature}; true if this step follows the incumbent. */
    boolean advance(float firstFeature) {
      if (firstFeature == 0f || generated == 0) {
        generated++;
        step = 0;
        // the coin is drawn for every episode past the warm-up, so the stream does not depend on the incumbent
        following = generated > warmup && coin.nextDouble() < share && !incumbent.isEmpty();
        if (following) mutated = coin.nextInt(incumbent.size());
      } else {
        step++;
      }
      if (!following || step >= incumbent.size()) return false;
      mutate = step == mutated | coin.nextDouble() < 1.0 / incumbent.size();
      return true;
    }

    void remember(List<EpisodeTransitions.Step> transitions) {
      int start = 0;
      for (int i = 0; i < transitions.size(); i++) {
        if (!transitions.get(i).done()) continue;
        if (transitions.get(i).reward() > best) {
          best = transitions.get(i).reward();
          incumbent = List.copyOf(transitions.subList(start, i + 1));
        }
        start = i + 1;
      }
    }

    byte[] bytes(Rng... rngs) {
      List<long[]> states = new ArrayList<>();
      int longs = 0;
      for (Rng r : rngs) {
        states.add(r.state());
        longs += r.state().length;
      }
      ByteBuffer b = ByteBuffer.allocate(8 + 8 * longs).putInt(generated).putInt(longs);
      for (long[] s : states) for (long v : s) b.putLong(v);
      return b.array();
    }
  }

  /** Header (count, RNG states) then the inner policy's bytes. */
  private static byte[] concat(byte[] header, byte[] inner) {
    return ByteBuffer.allocate(header.length + inner.length).put(header).put(inner).array();
  }

  private static int headerLength(byte[] bytes) {
    if (bytes.length < 8) throw new IllegalArgumentException("incumbent-exploration checkpoint is truncated (" + bytes.length + " bytes)");
    return 8 + 8 * ByteBuffer.wrap(bytes).getInt(4);
  }

  private static Rng[] rngs(byte[] bytes, int count) {
    ByteBuffer b = ByteBuffer.wrap(bytes, 8, bytes.length - 8);
    int longs = ByteBuffer.wrap(bytes).getInt(4);
    long[] all = new long[longs];
    for (int i = 0; i < longs; i++) all[i] = b.getLong();
    Rng[] out = new Rng[count];
    int per = longs / count;
    for (int k = 0; k < count; k++) out[k] = new Rng(Arrays.copyOfRange(all, k * per, (k + 1) * per));
    return out;
  }

  private final class Continuous implements ContinuousPolicy {
    private final ContinuousPolicy inner;
    private final Tracker tracker;
    private final Rng noise;

    Continuous(ContinuousPolicy inner, Tracker tracker, Rng noise) {
      this.inner = inner;
      this.tracker = tracker;
      this.noise = noise;
    }

    @Override public Action act(float[] state, boolean explore) {
      boolean follow = tracker.advance(state[0]);
      if (!explore || !follow) return inner.act(state, explore);
      float[] a = tracker.incumbent.get(tracker.step).action().clone();
      if (tracker.mutate && sigma > 0)
        for (int k = 0; k < a.length; k++) a[k] = (float) Math.min(1, Math.max(0, noise.truncatedNormal(a[k], sigma, 0, 1)));
      return new Action(a, inner.act(state, false).hidden());
    }

    @Override public void remember(List<EpisodeTransitions.Step> transitions) {
      tracker.remember(transitions);
      inner.remember(transitions);
    }

    @Override public void learn() {
      inner.learn();
    }

    @Override public byte[] toBytes() {
      return concat(tracker.bytes(tracker.coin, noise), inner.toBytes());
    }

    @Override public ContinuousPolicy fromBytes(byte[] bytes) {
      int h = headerLength(bytes);
      Rng[] r = rngs(bytes, 2);
      Tracker t = new Tracker(r[0]);
      t.generated = ByteBuffer.wrap(bytes).getInt(0);
      return new Continuous(inner.fromBytes(Arrays.copyOfRange(bytes, h, bytes.length)), t, r[1]);
    }
  }

  private final class Discrete implements DiscretePolicy {
    private final DiscretePolicy inner;
    private final Tracker tracker;

    Discrete(DiscretePolicy inner, Tracker tracker) {
      this.inner = inner;
      this.tracker = tracker;
    }

    @Override public int act(float[] input, boolean explore) {
      // the coordinator hands [h_t, s_t]: the state is the input's tail
      boolean follow = tracker.advance(input[input.length - LayerEmbedding.SIZE]);
      if (!explore || !follow || tracker.mutate) return inner.act(input, explore);
      return tracker.incumbent.get(tracker.step).algorithm();
    }

    @Override public void remember(List<EpisodeTransitions.Step> transitions) {
      tracker.remember(transitions);
      inner.remember(transitions);
    }

    @Override public void learn() {
      inner.learn();
    }

    @Override public byte[] toBytes() {
      return concat(tracker.bytes(tracker.coin), inner.toBytes());
    }

    @Override public DiscretePolicy fromBytes(byte[] bytes) {
      int h = headerLength(bytes);
      Tracker t = new Tracker(rngs(bytes, 1)[0]);
      t.generated = ByteBuffer.wrap(bytes).getInt(0);
      return new Discrete(inner.fromBytes(Arrays.copyOfRange(bytes, h, bytes.length)), t);
    }
  }
}
