package dev.hwc.rl;

import java.util.List;

/**
 * The paper's composite agent: DDPG picks the continuous part of a layer's decision (pruning ratio, weight and
 * activation bits) from the state s_t and exposes its actor's last hidden layer h_t; Rainbow picks the discrete
 * part (the pruning algorithm) from [h_t, s_t]. h_t is an input to Rainbow, never trained through it: the actor
 * learns only from its critic (METHOD.md §4.5: detach h_t).
 *
 * <p>Rainbow's replay keeps raw states and re-derives [h, s] with the actor's current weights when it learns, so
 * both replays can be rebuilt from a journal of states and actions ({@link #remember}).
 */
public final class CompositeAgent {

  /**
   * @param ddpgFinalRewardAtEveryStep DDPG's transitions all carry the episode's final reward (AMC/HAQ), else only
   *     the last one does and the others carry 0
   * @param rainbowFinalRewardAtEveryStep the same for Rainbow (off by default: with γ = 1 its returns then stay
   *     in the reward's range, which C51's fixed support must cover)
   * @param rainbowSeesState Rainbow's input is [h_t, s_t] (else h_t alone)
   * @param ddpgUpdatesPerStep DDPG learning steps per stored transition (AMC: one per transition)
   * @param rainbowUpdatesPerStep Rainbow learning steps per stored transition
   */
  public record Config(boolean ddpgFinalRewardAtEveryStep, boolean rainbowFinalRewardAtEveryStep, boolean rainbowSeesState,
                       int ddpgUpdatesPerStep, int rainbowUpdatesPerStep) {
    public Config {
      if (ddpgUpdatesPerStep < 0) throw new IllegalArgumentException("composite.ddpg-updates-per-step must be ≥ 0, was " + ddpgUpdatesPerStep);
      if (rainbowUpdatesPerStep < 0) throw new IllegalArgumentException("composite.rainbow-updates-per-step must be ≥ 0, was " + rainbowUpdatesPerStep);
    }

    public static Config defaults() {
      return new Config(true, false, true, 1, 1);
    }

    /** Reads the {@code hwc.rl.composite} block (keys as in conf/rl.conf). */
    public static Config from(com.typesafe.config.Config c) {
      return new Config(c.getBoolean("ddpg-final-reward-at-every-step"), c.getBoolean("rainbow-final-reward-at-every-step"),
          c.getBoolean("rainbow-sees-state"), c.getInt("ddpg-updates-per-step"), c.getInt("rainbow-updates-per-step"));
    }
  }

  /** One layer step's decision: the continuous actions in [0,1], the discrete action, and the h_t behind them. */
  public record Act(float[] continuous, int discrete, float[] hidden) {}

  public record Stats(Ddpg.Stats ddpg, Rainbow.Stats rainbow) {}

  private final Config cfg;
  private final Ddpg ddpg;
  private final Rainbow rainbow;

  /**
   * @param stateDim size of s_t
   * @param continuousDim DDPG's action size (e.g. 3: ratio, weight bits, activation bits)
   * @param discreteActions Rainbow's action count (e.g. 7 pruning algorithms)
   */
  public CompositeAgent(Config cfg, Ddpg.Config ddpgCfg, Rainbow.Config rainbowCfg, int stateDim, int continuousDim,
                        int discreteActions, long seed) {
    this.cfg = cfg;
    this.ddpg = new Ddpg(ddpgCfg, stateDim, continuousDim, seed);
    int hidden = ddpgCfg.hidden().get(ddpgCfg.hidden().size() - 1);
    // a different stream for Rainbow, derived from the one seed
    this.rainbow = new Rainbow(rainbowCfg, hidden + (cfg.rainbowSeesState() ? stateDim : 0), stateDim, discreteActions, seed * 0x9E3779B97F4A7C15L + 1);
    rainbow.useFeatures(this::features);
  }

  private CompositeAgent(Config cfg, Ddpg ddpg, Rainbow rainbow) {
    this.cfg = cfg;
    this.ddpg = ddpg;
    this.rainbow = rainbow;
    rainbow.useFeatures(this::features);
  }

  public Config config() { return cfg; }
  public Ddpg ddpg() { return ddpg; }
  public Rainbow rainbow() { return rainbow; }
  public int episodes() { return ddpg.episodes(); }

  private float[] features(float[] states, int batch) {
    return features(ddpg, cfg.rainbowSeesState(), states, batch);
  }

  /**
   * Rainbow's input rows [h, s] (or [h] when it does not see the state) for a batch of states, with {@code ddpg}'s
   * current actor weights.
   */
  public static float[] features(Ddpg ddpg, boolean withState, float[] states, int batch) {
    float[] h = ddpg.hidden(states, batch);
    if (!withState) return h;
    int hd = ddpg.hiddenDim(), sd = ddpg.stateDim();
    float[] x = new float[batch * (hd + sd)];
    for (int n = 0; n < batch; n++) {
      System.arraycopy(h, n * hd, x, n * (hd + sd), hd);
      System.arraycopy(states, n * sd, x, n * (hd + sd) + hd, sd);
    }
    return x;
  }

  /** DDPG acts on s_t; Rainbow acts on [h_t, s_t]. */
  public Act act(float[] state, boolean explore) {
    Ddpg.Act a = ddpg.act(state, explore);
    float[] input = a.hidden();
    if (cfg.rainbowSeesState()) {
      input = new float[a.hidden().length + state.length];
      System.arraycopy(a.hidden(), 0, input, 0, a.hidden().length);
      System.arraycopy(state, 0, input, a.hidden().length, state.length);
    }
    return new Act(a.action(), rainbow.act(input, explore), a.hidden());
  }

  /**
   * Stores one finished episode in both replays without learning: the last transition's reward is the episode's
   * reward and labels the others as configured; the last transition must be {@code done}. Used by
   * {@link #learn} and to rebuild the replays from a journal after restoring a checkpoint saved without them.
   */
  public void remember(List<Transition> episode) {
    if (episode.isEmpty()) throw new IllegalArgumentException("an episode needs at least one transition");
    Transition last = episode.get(episode.size() - 1);
    if (!last.done()) throw new IllegalArgumentException("an episode's last transition must be done");
    float r = last.reward();
    for (int k = 0; k < episode.size(); k++) {
      Transition t = episode.get(k);
      if (k < episode.size() - 1 && t.done()) throw new IllegalArgumentException("transition " + k + " of " + episode.size() + " is done before the episode's end");
      boolean isLast = k == episode.size() - 1;
      ddpg.observe(t.withReward(isLast || cfg.ddpgFinalRewardAtEveryStep() ? r : 0f));
      rainbow.observe(t.withReward(isLast || cfg.rainbowFinalRewardAtEveryStep() ? r : 0f));
    }
  }

  /** Stores the episode ({@link #remember}), updates DDPG then Rainbow, and ends the episode for both. */
  public Stats learn(List<Transition> episode) {
    remember(episode);
    Ddpg.Stats d = ddpg.learn(episode.size() * cfg.ddpgUpdatesPerStep());
    Rainbow.Stats r = rainbow.learn(episode.size() * cfg.rainbowUpdatesPerStep());
    ddpg.endEpisode();
    rainbow.endEpisode();
    return new Stats(d, r);
  }

  // ---------------------------------------------------------------- checkpoints

  private static final String MAGIC = "hwc.rl.CompositeAgent";
  private static final int VERSION = 1;

  public byte[] toBytes() {
    return toBytes(true);
  }

  /** Without replays, call {@link #remember} with the journal's episodes, in order, after {@link #fromBytes}. */
  public byte[] toBytes(boolean withReplay) {
    Bytes.Writer out = new Bytes.Writer(MAGIC, VERSION);
    out.json(cfg);
    ddpg.writeTo(out, withReplay);
    rainbow.writeTo(out, withReplay);
    return out.toByteArray();
  }

  public static CompositeAgent fromBytes(byte[] data) {
    Bytes.Reader in = new Bytes.Reader(data, MAGIC, VERSION);
    Config cfg = in.json(Config.class, "composite");
    CompositeAgent a = new CompositeAgent(cfg, Ddpg.readFrom(in), Rainbow.readFrom(in));
    in.end();
    return a;
  }
}
