package dev.hwc.rl;

import java.util.List;

/**
 * DDPG (Lillicrap et al. 2016) as AMC and HAQ use it: a deterministic actor s → 300 → 300 → k with sigmoid
 * outputs in [0,1], a critic (s, a) → 300 → 300 → 1, soft-updated target copies of both, Adam, truncated-normal
 * exploration noise around the actor's action whose σ decays once per episode after a warm-up of uniformly random
 * episodes, and (AMC) rewards centred by a moving average of batch means before the critic target is formed.
 *
 * <p>Everything that influences future behaviour (networks, targets, Adam moments and step counts, the replay,
 * the episode counter, the reward baseline and the random stream) is in {@link #toBytes()}, so a restored agent
 * continues bit for bit as if it had never stopped. Not thread-safe: one owner (an actor) calls it.
 */
public final class Ddpg {

  /**
   * @param hidden actor and critic hidden widths (AMC/HAQ: 300, 300)
   * @param actorLr Adam learning rate of the actor (1e-4)
   * @param criticLr Adam learning rate of the critic (1e-3)
   * @param adamEps Adam ε
   * @param tau soft target update rate: θ' ← τθ + (1 − τ)θ' after every learning step (0.01)
   * @param discount γ in the critic target r + γ·Q'(s', μ'(s')) (1.0: the reward comes at the episode's end)
   * @param batchSize transitions per learning step (64)
   * @param replayCapacity transitions kept (AMC: 100 × layers, HAQ: 128 × layers)
   * @param noiseSigma σ0 of the truncated-normal exploration noise (0.5)
   * @param noiseDecay σ multiplier per episode after warm-up (AMC 0.95, HAQ 0.99)
   * @param warmupEpisodes episodes of uniformly random actions before learning starts (AMC 100, HAQ 20)
   * @param rewardBaselineAlpha rate of AMC's moving average of batch-mean rewards subtracted from rewards
   *     (0.5 in AMC; 0 turns it off)
   * @param outputInit the output layers start uniform in ±outputInit (3e-3), keeping early actions near 0.5
   * @param initialAction the actor's first actions, one per action dimension in (0, 1): its output biases start at
   *     logit(value) (plus the ±outputInit draw); empty = 0.5 everywhere (AMC, HAQ)
   */
  public record Config(List<Integer> hidden, double actorLr, double criticLr, double adamEps, double tau, double discount,
                       int batchSize, int replayCapacity, double noiseSigma, double noiseDecay, int warmupEpisodes,
                       double rewardBaselineAlpha, double outputInit, List<Double> initialAction) {
    public Config {
      hidden = List.copyOf(hidden);
      initialAction = initialAction == null ? List.of() : List.copyOf(initialAction); // null: a checkpoint from before the field
      for (double v : initialAction)
        if (!(v > 0 && v < 1)) throw new IllegalArgumentException("ddpg.initial-action values must be in (0, 1), was " + initialAction);
      if (hidden.isEmpty() || hidden.stream().anyMatch(h -> h <= 0)) throw new IllegalArgumentException("ddpg.hidden must be positive widths, was " + hidden);
      if (!(actorLr > 0)) throw new IllegalArgumentException("ddpg.actor-lr must be positive, was " + actorLr);
      if (!(criticLr > 0)) throw new IllegalArgumentException("ddpg.critic-lr must be positive, was " + criticLr);
      if (!(tau > 0 && tau <= 1)) throw new IllegalArgumentException("ddpg.tau must be in (0, 1], was " + tau);
      if (!(discount >= 0 && discount <= 1)) throw new IllegalArgumentException("ddpg.discount must be in [0, 1], was " + discount);
      if (batchSize <= 0) throw new IllegalArgumentException("ddpg.batch-size must be positive, was " + batchSize);
      if (replayCapacity < batchSize) throw new IllegalArgumentException("ddpg.replay-capacity must be ≥ batch-size, was " + replayCapacity);
      if (!(noiseSigma >= 0)) throw new IllegalArgumentException("ddpg.noise-sigma must be ≥ 0, was " + noiseSigma);
      if (!(noiseDecay > 0 && noiseDecay <= 1)) throw new IllegalArgumentException("ddpg.noise-decay must be in (0, 1], was " + noiseDecay);
      if (warmupEpisodes < 0) throw new IllegalArgumentException("ddpg.warmup-episodes must be ≥ 0, was " + warmupEpisodes);
      if (!(rewardBaselineAlpha >= 0 && rewardBaselineAlpha <= 1))
        throw new IllegalArgumentException("ddpg.reward-baseline-alpha must be in [0, 1], was " + rewardBaselineAlpha);
    }

    /**
     * The shipped settings (conf/rl.conf): AMC's, but for the replay size, the exploration noise and its decay, the
     * warm-up and the initial action.
     */
    public static Config defaults() {
      return new Config(List.of(300, 300), 1e-4, 1e-3, 1e-8, 0.01, 1.0, 64, 500, 0.2, 0.99, 20, 0.5, 3e-3, List.of(0.1, 0.5, 0.5));
    }

    /** Reads the {@code hwc.rl.ddpg} block (keys as in conf/rl.conf). */
    public static Config from(com.typesafe.config.Config c) {
      return new Config(c.getIntList("hidden"), c.getDouble("actor-lr"), c.getDouble("critic-lr"), c.getDouble("adam-eps"),
          c.getDouble("tau"), c.getDouble("discount"), c.getInt("batch-size"), c.getInt("replay-capacity"),
          c.getDouble("noise-sigma"), c.getDouble("noise-decay"), c.getInt("warmup-episodes"),
          c.getDouble("reward-baseline-alpha"), c.getDouble("output-init"), c.getDoubleList("initial-action"));
    }

    public Config withWarmupEpisodes(int w) {
      return new Config(hidden, actorLr, criticLr, adamEps, tau, discount, batchSize, replayCapacity, noiseSigma, noiseDecay, w, rewardBaselineAlpha, outputInit, initialAction);
    }

    public Config withInitialAction(List<Double> a) {
      return new Config(hidden, actorLr, criticLr, adamEps, tau, discount, batchSize, replayCapacity, noiseSigma, noiseDecay, warmupEpisodes, rewardBaselineAlpha, outputInit, a);
    }
  }

  /** The action (each in [0,1]) and the actor's last hidden layer h_t it came from. */
  public record Act(float[] action, float[] hidden) {}

  /** What one call to {@link #learn} did: steps taken, mean critic loss and mean Q(s, μ(s)) over them. */
  public record Stats(int steps, double criticLoss, double meanQ) {
    static final Stats NONE = new Stats(0, Double.NaN, Double.NaN);
  }

  private final Config cfg;
  private final int stateDim, actionDim;
  private final Mlp actor, critic, actorTarget, criticTarget;
  private final Adam actorOpt, criticOpt;
  private ReplayBuffer<Transition> replay;
  private final Rng rng;
  private int episodes;
  private long learnSteps;
  private double rewardBaseline = Double.NaN;

  public Ddpg(Config cfg, int stateDim, int actionDim, long seed) {
    this(cfg, stateDim, actionDim, new Rng(seed));
  }

  private Ddpg(Config cfg, int stateDim, int actionDim, Rng rng) {
    if (stateDim <= 0 || actionDim <= 0) throw new IllegalArgumentException("ddpg needs positive state and action sizes, was " + stateDim + ", " + actionDim);
    this.cfg = cfg;
    this.stateDim = stateDim;
    this.actionDim = actionDim;
    this.rng = rng;
    if (!cfg.initialAction().isEmpty() && cfg.initialAction().size() != actionDim)
      throw new IllegalArgumentException("ddpg.initial-action has " + cfg.initialAction().size() + " values for " + actionDim + " action dimensions");
    actor = new Mlp(widths(stateDim, actionDim), acts(Mlp.Activation.SIGMOID), false, 0, cfg.outputInit(), rng);
    for (int i = 0; i < cfg.initialAction().size(); i++) {
      double v = cfg.initialAction().get(i);
      actor.shiftOutputBias(i, (float) Math.log(v / (1 - v)));
    }
    critic = new Mlp(widths(stateDim + actionDim, 1), acts(Mlp.Activation.IDENTITY), false, 0, cfg.outputInit(), rng);
    actorTarget = actor.copy();
    criticTarget = critic.copy();
    actorOpt = new Adam(actor.params.length, cfg.actorLr(), cfg.adamEps());
    criticOpt = new Adam(critic.params.length, cfg.criticLr(), cfg.adamEps());
    replay = new ReplayBuffer<>(cfg.replayCapacity());
  }

  /** A restored agent. */
  private Ddpg(Config cfg, int stateDim, int actionDim, Rng rng, Mlp[] nets, Adam actorOpt, Adam criticOpt) {
    this.cfg = cfg;
    this.stateDim = stateDim;
    this.actionDim = actionDim;
    this.rng = rng;
    actor = nets[0]; critic = nets[1]; actorTarget = nets[2]; criticTarget = nets[3];
    this.actorOpt = actorOpt;
    this.criticOpt = criticOpt;
  }

  private int[] widths(int in, int out) {
    int[] w = new int[cfg.hidden().size() + 2];
    w[0] = in;
    for (int k = 0; k < cfg.hidden().size(); k++) w[k + 1] = cfg.hidden().get(k);
    w[w.length - 1] = out;
    return w;
  }

  private Mlp.Activation[] acts(Mlp.Activation last) {
    Mlp.Activation[] a = new Mlp.Activation[cfg.hidden().size() + 1];
    java.util.Arrays.fill(a, Mlp.Activation.RELU);
    a[a.length - 1] = last;
    return a;
  }

  public Config config() { return cfg; }
  public int stateDim() { return stateDim; }
  public int actionDim() { return actionDim; }
  public int hiddenDim() { return cfg.hidden().get(cfg.hidden().size() - 1); }
  public int episodes() { return episodes; }
  public long learnSteps() { return learnSteps; }
  public int replaySize() { return replay.size(); }
  public boolean warmingUp() { return episodes < cfg.warmupEpisodes(); }

  /** σ of the exploration noise in the current episode: σ0 · decay^(episodes after warm-up). */
  public double noiseSigma() {
    return cfg.noiseSigma() * StrictMath.pow(cfg.noiseDecay(), Math.max(0, episodes - cfg.warmupEpisodes()));
  }

  // ---------------------------------------------------------------- acting

  /**
   * The actor's action for {@code state}; exploring, it is uniform during warm-up and afterwards drawn from a
   * normal around the actor's action truncated to [0,1]. {@code hidden} is always the actor's own h_t.
   */
  public Act act(float[] state, boolean explore) {
    if (state.length != stateDim) throw new IllegalArgumentException("state has " + state.length + " values, ddpg expects " + stateDim);
    Mlp.Pass p = actor.forward(state, 1, false);
    float[] a = p.output().clone();
    float[] h = p.a[p.a.length - 2].clone();
    if (explore) {
      if (warmingUp()) {
        for (int k = 0; k < a.length; k++) a[k] = (float) rng.nextDouble();
      } else {
        double sigma = noiseSigma();
        for (int k = 0; k < a.length; k++) a[k] = (float) rng.truncatedNormal(a[k], sigma, 0, 1);
      }
    }
    for (int k = 0; k < a.length; k++) a[k] = Math.min(1f, Math.max(0f, a[k]));
    return new Act(a, h);
  }

  /** The actor's last hidden layer for a batch of states (rows), without gradients: Rainbow's features. */
  public float[] hidden(float[] states, int batch) {
    Mlp.Pass p = actor.forward(states, batch, false);
    return p.a[p.a.length - 2];
  }

  // ---------------------------------------------------------------- learning

  public void observe(Transition t) {
    if (t.state().length != stateDim || t.action().length != actionDim)
      throw new IllegalArgumentException("transition has state " + t.state().length + " and action " + t.action().length + ", ddpg expects " + stateDim + " and " + actionDim);
    replay.add(t);
  }

  /** Ends an episode: counts it, which advances warm-up and decays the exploration noise. */
  public void endEpisode() {
    episodes++;
  }

  /** Up to {@code steps} learning steps; none while warming up or while the replay holds less than a batch. */
  public Stats learn(int steps) {
    if (steps <= 0 || warmingUp() || replay.size() < cfg.batchSize()) return Stats.NONE;
    double loss = 0, q = 0;
    for (int k = 0; k < steps; k++) {
      double[] r = update();
      loss += r[0];
      q += r[1];
    }
    return new Stats(steps, loss / steps, q / steps);
  }

  /** One learning step; returns {critic loss, mean Q(s, μ(s))}. */
  private double[] update() {
    int b = cfg.batchSize(), sd = stateDim, ad = actionDim;
    List<Transition> batch = replay.sample(b, rng);
    float[] s = new float[b * sd], s2 = new float[b * sd], a = new float[b * ad], r = new float[b], notDone = new float[b];
    for (int n = 0; n < b; n++) {
      Transition t = batch.get(n);
      System.arraycopy(t.state(), 0, s, n * sd, sd);
      System.arraycopy(t.nextState(), 0, s2, n * sd, sd);
      System.arraycopy(t.action(), 0, a, n * ad, ad);
      r[n] = t.reward();
      notDone[n] = t.done() ? 0f : 1f;
    }
    if (cfg.rewardBaselineAlpha() > 0) {
      double mean = 0;
      for (float v : r) mean += v;
      mean /= b;
      rewardBaseline = Double.isNaN(rewardBaseline) ? mean : rewardBaseline + cfg.rewardBaselineAlpha() * (mean - rewardBaseline);
      for (int n = 0; n < b; n++) r[n] -= (float) rewardBaseline;
    }

    // critic: minimise mean (Q(s,a) − y)², y = r + γ·(1 − done)·Q'(s', μ'(s'))
    float[] a2 = actorTarget.forward(s2, b, false).output();
    float[] q2 = criticTarget.forward(concat(s2, sd, a2, ad, b), b, false).output();
    Mlp.Pass qp = critic.forward(concat(s, sd, a, ad, b), b, false);
    float[] qv = qp.output();
    float[] dq = new float[b];
    double loss = 0;
    float gamma = (float) cfg.discount();
    for (int n = 0; n < b; n++) {
      float y = r[n] + gamma * notDone[n] * q2[n];
      float err = qv[n] - y;
      loss += (double) err * err;
      dq[n] = 2f * err / b;
    }
    critic.zeroGrads();
    critic.backward(qp, dq, false);
    criticOpt.step(critic.params, critic.grads);

    // actor: maximise mean Q(s, μ(s)), differentiating through the (just updated) critic
    Mlp.Pass ap = actor.forward(s, b, false);
    float[] mu = ap.output();
    Mlp.Pass cp = critic.forward(concat(s, sd, mu, ad, b), b, false);
    double meanQ = 0;
    float[] dOut = new float[b];
    for (int n = 0; n < b; n++) {
      meanQ += cp.output()[n];
      dOut[n] = -1f / b;
    }
    float[] dIn = critic.backward(cp, dOut, true, false);
    float[] dMu = new float[b * ad];
    for (int n = 0; n < b; n++) System.arraycopy(dIn, n * (sd + ad) + sd, dMu, n * ad, ad);
    actor.zeroGrads();
    actor.backward(ap, dMu, false);
    actorOpt.step(actor.params, actor.grads);

    actorTarget.softUpdateFrom(actor, cfg.tau());
    criticTarget.softUpdateFrom(critic, cfg.tau());
    learnSteps++;
    return new double[] {loss / b, meanQ / b};
  }

  private static float[] concat(float[] x, int xd, float[] y, int yd, int batch) {
    float[] out = new float[batch * (xd + yd)];
    for (int n = 0; n < batch; n++) {
      System.arraycopy(x, n * xd, out, n * (xd + yd), xd);
      System.arraycopy(y, n * yd, out, n * (xd + yd) + xd, yd);
    }
    return out;
  }

  // ---------------------------------------------------------------- checkpoints

  private static final String MAGIC = "hwc.rl.Ddpg";
  private static final int VERSION = 1;

  /** Everything, replay included. */
  public byte[] toBytes() {
    return toBytes(true);
  }

  /**
   * The checkpoint. Without the replay, a restored agent continues identically once {@link #observe} has been
   * given the same transitions in the same order (e.g. rebuilt from a journal).
   */
  public byte[] toBytes(boolean withReplay) {
    Bytes.Writer out = new Bytes.Writer(MAGIC, VERSION);
    writeTo(out, withReplay);
    return out.toByteArray();
  }

  void writeTo(Bytes.Writer out, boolean withReplay) {
    out.json(cfg);
    out.i32(stateDim).i32(actionDim);
    actor.write(out); critic.write(out); actorTarget.write(out); criticTarget.write(out);
    actorOpt.write(out); criticOpt.write(out);
    out.longs(rng.state()).i32(episodes).i64(learnSteps).f64(rewardBaseline);
    out.bool(withReplay);
    if (withReplay) replay.write(out, Transition.CODEC);
    else out.i32(replay.capacity());
  }

  public static Ddpg fromBytes(byte[] data) {
    Bytes.Reader in = new Bytes.Reader(data, MAGIC, VERSION);
    Ddpg d = readFrom(in);
    in.end();
    return d;
  }

  static Ddpg readFrom(Bytes.Reader in) {
    Config cfg = in.json(Config.class, "ddpg");
    int sd = in.i32(), ad = in.i32();
    Mlp[] nets = {Mlp.read(in), Mlp.read(in), Mlp.read(in), Mlp.read(in)};
    Adam ao = Adam.read(in), co = Adam.read(in);
    Rng rng = new Rng(in.longs());
    Ddpg d = new Ddpg(cfg, sd, ad, rng, nets, ao, co);
    d.episodes = in.i32();
    d.learnSteps = in.i64();
    d.rewardBaseline = in.f64();
    d.replay = in.bool() ? ReplayBuffer.read(in, Transition.CODEC) : new ReplayBuffer<>(in.i32());
    return d;
  }
}
