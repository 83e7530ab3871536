package dev.hwc.search;

import dev.hwc.rl.Rng;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the learning agents act with besides their own actor (hwc.search.warmup and hwc.search.incumbent). DDPG and
 * Rainbow learn off-policy, so every episode's transitions teach them whoever chose the actions; this class chooses
 * some episodes' actions:
 * <ul>
 *   <li><b>Grid warm-up</b> ({@code warmup = grid}): the first {@code warmup} episodes are the {@link UniformGrid}'s
 *       first points in its coarse-to-fine order (the same bits, ratio and algorithm on every layer; the grid over
 *       hwc.search.warmup-algorithms), instead of AMC/HAQ's uniformly random action per layer, which almost never
 *       lands inside a 1-point loss bound; or ({@code warmup = frontier}) the uniform plans a {@link FrontierWarmup}
 *       chooses from the rewards of the uniform episodes remembered so far.
 *   <li><b>Exploration around the incumbent</b> ({@code incumbent.share > 0}): after the warm-up, that share of the
 *       episodes is a mutation of the best episode so far (highest reward): its actions and algorithms, except on the
 *       mutated layers — one drawn uniformly, and each other layer with probability 1/layers — whose actions get
 *       truncated-normal noise of {@code incumbent.sigma} and whose algorithm Rainbow chooses. It keeps a local search
 *       going around the best plan, which the actor alone loses when its critic, taught by the failures of noisy plans
 *       near the bound, pulls it back to safe 8-bit plans (docs/results.md, "Policy collapse"); a plan near the bound
 *       fails if any layer moves the wrong way, hence one or two mutated layers rather than noise on all (measured:
 *       with noise on every layer 84 of 88 such vgg-small episodes failed). The behaviour policy of self-imitation
 *       learning (Oh et al. 2018) in its simplest form.
 *   <li><b>Whole-plan moves</b> ({@code incumbent.global-share > 0}): that share of the incumbent's episodes moves
 *       every layer at once, by the same offset per action (ratio, weight bits, activation bits), each offset drawn
 *       once per episode from N(0, sigma²), every layer keeping its algorithm: a step along the direction in which a
 *       uniform plan compresses more or less, which the one- and two-layer mutations cover only layer by layer
 *       (a uniform plan beat the composite's at 2 points on vgg-small and resnet-small).
 *   <li><b>Several parents</b> ({@code incumbent.parents = k > 1}): each such episode mutates one of the k
 *       highest-rewarded episodes so far, drawn uniformly, instead of always the best: a (k + 1) evolution strategy
 *       rather than a (1 + 1) one, so that a search whose first good plan sits in a poor basin keeps climbing from
 *       others too (the figures at 1 point move by up to 10 points between seeds).
 *   <li><b>Kept algorithms</b> ({@code incumbent.keep-algorithm = p > 0}): a mutated layer keeps its parent's
 *       algorithm with probability p and moves only its actions, instead of taking Rainbow's choice, so that a local
 *       search around a plan built on one algorithm does not spend most of its mutations on others.
 * </ul>
 * The other episodes are the agents' own (the actor's action plus its noise, Rainbow's choice).
 *
 * <p>The two halves live in different actors and share nothing: each counts the episodes it generates (a new episode
 * is recognised by its first step's state, normalised layer index 0 of {@link LayerEmbedding}), draws the same coins
 * from the same seed, and tracks the incumbent from the episodes it remembers, which are the same for both; so they
 * agree on every step. While a step is not the agents' own, the continuous half still reports the actor's hidden
 * features h_t (Rainbow's input), computed without exploration. Checkpoints: the episode count and the random
 * streams ahead of the inner half's bytes; the incumbent is rebuilt by the restore, which remembers every journaled
 * episode again.
 */
public final class BehaviourPolicy {
  private static final long COIN = 0x1C0B_E47L, NOISE = 0x5EED_0F_1CL, SHIFT = 0x5A1F_7E0DL;
  /** Bytes of one random stream's state in a checkpoint ({@link SearchStrategy#rngBytes}). */
  private static final int RNG_BYTES = SearchStrategy.rngBytes(new Rng(0)).length;

  /**
   * hwc.search.incumbent: how the episodes past the warm-up explore around the best ones so far.
   *
   * @param share         fraction of post-warm-up episodes that mutate a parent, in [0, 1]
   * @param sigma         σ of a mutated layer's noise (and of a whole-plan move's offsets), on the [0, 1] action scale
   * @param globalShare   fraction of those episodes that are whole-plan moves, in [0, 1]
   * @param parents       how many of the highest-rewarded episodes so far the mutations start from, ≥ 1
   * @param keepAlgorithm probability that a mutated layer keeps its parent's algorithm (only its actions move) instead
   *                      of Rainbow's choice, in [0, 1]
   */
  public record Exploration(double share, double sigma, double globalShare, int parents, double keepAlgorithm) {
    public Exploration {
      if (!(share >= 0 && share <= 1)) throw new IllegalArgumentException("hwc.search.incumbent.share must be in [0, 1], was " + share);
      if (!(sigma >= 0)) throw new IllegalArgumentException("hwc.search.incumbent.sigma must be >= 0, was " + sigma);
      if (!(globalShare >= 0 && globalShare <= 1))
        throw new IllegalArgumentException("hwc.search.incumbent.global-share must be in [0, 1], was " + globalShare);
      if (parents < 1) throw new IllegalArgumentException("hwc.search.incumbent.parents must be >= 1, was " + parents);
      if (!(keepAlgorithm >= 0 && keepAlgorithm <= 1))
        throw new IllegalArgumentException("hwc.search.incumbent.keep-algorithm must be in [0, 1], was " + keepAlgorithm);
    }

    /** Layer mutations of the best episode only, Rainbow choosing every mutated layer's algorithm. */
    public static Exploration around(double share, double sigma) {
      return new Exploration(share, sigma, 0, 1, 0);
    }
  }

  private final WarmupOrder order;
  private final ActionMapping mapping;
  private final int warmup;
  private final Exploration exploration;
  private final long seed;

  /**
   * @param order       the warm-up's points ({@link UniformGrid}: the grid's coarse-to-fine order; {@link FrontierWarmup}:
   *                    bisections for the bound), or null for the agents' own (random) warm-up
   * @param warmup      the agents' warm-up episodes (hwc.rl.ddpg.warmup-episodes): taken from the grid, and never
   *                    around the incumbent
   * @param exploration the exploration around the incumbent after the warm-up
   */
  public BehaviourPolicy(WarmupOrder order, ActionMapping mapping, int warmup, Exploration exploration, long seed) {
    if (warmup < 0) throw new IllegalArgumentException("warm-up episodes must be >= 0, was " + warmup);
    if (order != null) SearchStrategy.GridActions.requireBitsInRange(order, mapping);
    this.order = order;
    this.mapping = mapping;
    this.warmup = warmup;
    this.exploration = exploration;
    this.seed = seed;
  }

  public ContinuousPolicy continuous(ContinuousPolicy inner) {
    return new Continuous(inner, new Tracker(0, new Rng(seed ^ COIN)), new Rng(seed ^ NOISE));
  }

  public DiscretePolicy discrete(DiscretePolicy inner) {
    return new Discrete(inner, new Tracker(0, new Rng(seed ^ COIN)));
  }

  /** Who chooses an episode's actions. */
  enum Source { AGENTS, GRID, INCUMBENT }

  /** A remembered episode's reward and steps. */
  private record Parent(float reward, List<EpisodeTransitions.Step> steps) {}

  /** What both halves track alike: the episode count, the current episode's source and step, the incumbents. */
  final class Tracker {
    private final Rng coin;
    private int generated;
    private int step;
    private Source source = Source.AGENTS;
    private int mutatedForSure;
    /** Whether the current step's layer is a mutated one (INCUMBENT episodes). */
    private boolean mutated;
    /** Whether the current mutated layer keeps its parent's algorithm (else Rainbow chooses it). */
    private boolean keep;
    /** Whether the current INCUMBENT episode is a whole-plan move (no layer mutated, every layer shifted). */
    private boolean global;
    /** The {@code parents} highest-rewarded episodes so far, best first (earlier first among equal rewards). */
    private final List<Parent> top = new ArrayList<>();
    /** The reward of every uniform episode remembered so far (the frontier warm-up's results), the first of each. */
    private final Map<WarmupOrder.Probe, Float> uniform = new HashMap<>();
    /** The current GRID episode's point. */
    private UniformGrid.Point point;
    /** The episode the current INCUMBENT episode mutates: one of {@code top}. */
    private List<EpisodeTransitions.Step> incumbent = List.of();

    Tracker(int generated, Rng coin) {
      this.generated = generated;
      this.coin = coin;
    }

    /** Advances to the step whose state starts with {@code firstFeature}; the source of its actions. */
    Source advance(float firstFeature) {
      if (firstFeature == 0f || generated == 0) {
        generated++;
        step = 0;
        if (generated <= warmup) {
          source = order != null ? Source.GRID : Source.AGENTS;
          if (order != null) point = order.pointOf(generated, uniform);
        } else {
          // drawn for every episode past the warm-up, so the stream does not depend on the incumbent
          boolean follow = exploration.share() > 0 && coin.nextDouble() < exploration.share() && !top.isEmpty();
          source = follow ? Source.INCUMBENT : Source.AGENTS;
          if (follow) {
            // the parent is drawn only with several, so that the stream of a search with one is unchanged
            incumbent = top.get(exploration.parents() > 1 ? coin.nextInt(top.size()) : 0).steps();
            mutatedForSure = coin.nextInt(incumbent.size());
          }
          // drawn only when whole-plan moves are on, so that the stream of a search without them is unchanged
          global = follow && exploration.globalShare() > 0 && coin.nextDouble() < exploration.globalShare();
        }
      } else {
        step++;
      }
      if (source == Source.INCUMBENT) {
        if (step >= incumbent.size()) throw new IllegalStateException("episode " + generated + " has more steps than its incumbent (" + incumbent.size() + ")");
        mutated = step == mutatedForSure | coin.nextDouble() < 1.0 / incumbent.size();
        if (global) mutated = false;
        // drawn only when the setting is on, so that the stream of a search without it is unchanged
        keep = mutated && exploration.keepAlgorithm() > 0 && coin.nextDouble() < exploration.keepAlgorithm();
      }
      return source;
    }

    /**
     * The current whole-plan move's offsets, one per action: a function of the seed and the episode alone, so every
     * step of the episode (and a restored policy) draws the same ones without a stream to checkpoint.
     */
    double[] shift(int actions) {
      Rng r = new Rng(seed ^ SHIFT ^ (long) generated * 0x9E37_79B9_7F4A_7C15L);
      double[] d = new double[actions];
      for (int k = 0; k < actions; k++) d[k] = exploration.sigma() * r.nextGaussian();
      return d;
    }

    UniformGrid.Point point() {
      return point;
    }

    EpisodeTransitions.Step incumbentStep() {
      return incumbent.get(step);
    }

    void remember(List<EpisodeTransitions.Step> transitions) {
      int start = 0;
      for (int i = 0; i < transitions.size(); i++) {
        if (!transitions.get(i).done()) continue;
        float reward = transitions.get(i).reward();
        WarmupOrder.Probe probe = WarmupOrder.Probe.of(mapping, transitions.subList(start, i + 1));
        if (probe != null) uniform.putIfAbsent(probe, reward);
        if (top.size() < exploration.parents() || reward > top.get(top.size() - 1).reward()) {
          int at = 0;
          while (at < top.size() && top.get(at).reward() >= reward) at++;
          top.add(at, new Parent(reward, List.copyOf(transitions.subList(start, i + 1))));
          if (top.size() > exploration.parents()) top.remove(top.size() - 1);
        }
        start = i + 1;
      }
    }

    /** The checkpoint header: the episode count and the states of {@code rngs}, ahead of the inner half's bytes. */
    byte[] checkpoint(byte[] inner, Rng... rngs) {
      ByteBuffer b = ByteBuffer.allocate(8 + RNG_BYTES * rngs.length + inner.length).putInt(generated).putInt(rngs.length);
      for (Rng r : rngs) b.put(SearchStrategy.rngBytes(r));
      return b.put(inner).array();
    }
  }

  /** A checkpoint split into its header's count and random streams and the inner half's bytes. */
  private record Restored(int generated, Rng[] rngs, byte[] inner) {
    static Restored of(byte[] bytes, int rngs) {
      try {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int generated = b.getInt(), n = b.getInt();
        if (n != rngs) throw new IllegalArgumentException("it holds " + n + " random streams, expected " + rngs);
        Rng[] out = new Rng[n];
        for (int k = 0; k < n; k++) {
          byte[] state = new byte[RNG_BYTES];
          b.get(state);
          out[k] = SearchStrategy.rngOf(state);
        }
        return new Restored(generated, out, Arrays.copyOfRange(bytes, b.position(), bytes.length));
      } catch (java.nio.BufferUnderflowException e) {
        throw new IllegalArgumentException("behaviour-policy checkpoint is truncated (" + bytes.length + " bytes)", e);
      }
    }
  }

  /** What the two halves share: the inner half, the tracker, and remembering and learning through both. */
  private abstract static class Half<P extends LearningPolicy<P>> {
    final P inner;
    final Tracker tracker;

    Half(P inner, Tracker tracker) {
      this.inner = inner;
      this.tracker = tracker;
    }

    public void remember(List<EpisodeTransitions.Step> transitions) {
      tracker.remember(transitions);
      inner.remember(transitions);
    }

    public void learn() {
      inner.learn();
    }
  }

  private final class Continuous extends Half<ContinuousPolicy> implements ContinuousPolicy {
    private final Rng noise;

    Continuous(ContinuousPolicy inner, Tracker tracker, Rng noise) {
      super(inner, tracker);
      this.noise = noise;
    }

    @Override public Action act(float[] state, boolean explore) {
      Source source = tracker.advance(state[0]);
      if (!explore || source == Source.AGENTS) return inner.act(state, explore);
      float[] a;
      if (source == Source.GRID) {
        // a ratio-0 point's algorithm (NONE) prunes nothing whatever it is; the discrete half runs the menu's first
        a = SearchStrategy.GridActions.actionOf(mapping, tracker.point());
      } else {
        a = tracker.incumbentStep().action().clone();
        if (tracker.global) {
          double[] d = tracker.shift(a.length);
          for (int k = 0; k < a.length; k++) a[k] = (float) Math.min(1, Math.max(0, a[k] + d[k]));
        } else if (tracker.mutated && exploration.sigma() > 0)
          for (int k = 0; k < a.length; k++) a[k] = (float) Math.min(1, Math.max(0, noise.truncatedNormal(a[k], exploration.sigma(), 0, 1)));
      }
      return new Action(a, inner.act(state, false).hidden());
    }

    @Override public byte[] toBytes() {
      return tracker.checkpoint(inner.toBytes(), tracker.coin, noise);
    }

    @Override public ContinuousPolicy fromBytes(byte[] bytes) {
      Restored r = Restored.of(bytes, 2);
      return new Continuous(inner.fromBytes(r.inner()), new Tracker(r.generated(), r.rngs()[0]), r.rngs()[1]);
    }
  }

  private final class Discrete extends Half<DiscretePolicy> implements DiscretePolicy {
    Discrete(DiscretePolicy inner, Tracker tracker) {
      super(inner, tracker);
    }

    @Override public int act(float[] input, boolean explore) {
      // the coordinator hands [h_t, s_t]: the state is the input's tail
      Source source = tracker.advance(input[input.length - LayerEmbedding.SIZE]);
      if (!explore || source == Source.AGENTS || source == Source.INCUMBENT && tracker.mutated && !tracker.keep) return inner.act(input, explore);
      return source == Source.GRID ? Math.max(0, tracker.point().algorithm()) : tracker.incumbentStep().algorithm();
    }

    @Override public byte[] toBytes() {
      return tracker.checkpoint(inner.toBytes(), tracker.coin);
    }

    @Override public DiscretePolicy fromBytes(byte[] bytes) {
      Restored r = Restored.of(bytes, 1);
      return new Discrete(inner.fromBytes(r.inner()), new Tracker(r.generated(), r.rngs()[0]));
    }
  }
}
