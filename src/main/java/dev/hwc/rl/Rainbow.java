package dev.hwc.rl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rainbow DQN (Hessel et al. 2018) for a discrete action, with each of its six parts switchable for ablation:
 * double Q-learning, a dueling head, prioritized replay, n-step returns, distributional C51 and NoisyNet
 * exploration (ε-greedy when NoisyNets are off).
 *
 * <p>Network: a plain ReLU trunk (Rainbow's torso) followed by one head, or by value and advantage streams when
 * dueling; the heads are NoisyNet layers when noisy. Outputs are per action either one Q value or, with C51, the
 * logits of a distribution over {@code atoms} fixed returns in [vMin, vMax].
 *
 * <p>The replay stores raw observations. An optional {@link FeatureMap} turns a batch of observations into the
 * network's input at learning time; the composite agent uses it to feed the DDPG actor's current hidden features,
 * so its replay can be rebuilt from a journal of states alone. {@link #act} takes the already mapped input.
 */
public final class Rainbow {

  /**
   * @param hidden widths of the plain ReLU trunk (may be empty)
   * @param streamHidden width of the hidden layer of each head/stream (0: heads are single linear layers)
   * @param doubleQ choose the bootstrap action with the online network and evaluate it with the target network
   * @param dueling value and advantage streams, Q = V + A − mean(A)
   * @param prioritized proportional prioritized replay instead of uniform
   * @param priorityAlpha PER exponent α (0.5)
   * @param priorityBeta initial importance-sampling exponent β, annealed linearly to 1 (0.4)
   * @param priorityBetaSteps learning steps over which β reaches 1
   * @param priorityEps added to every new priority so none is zero
   * @param nStep length of the multi-step return (3; 1 is plain one-step TD)
   * @param distributional C51: learn the return distribution on {@code atoms} fixed supports
   * @param atoms number of supports (51)
   * @param vMin lowest support (−10)
   * @param vMax highest support (10)
   * @param noisy NoisyNet heads with factorised Gaussian noise, explore by the noise (no ε)
   * @param noisySigma NoisyNet σ0 (0.5)
   * @param epsilonStart ε-greedy ε after warm-up when not noisy
   * @param epsilonEnd ε at the end of its linear decay
   * @param epsilonDecayEpisodes episodes over which ε falls from start to end
   * @param lr Adam learning rate
   * @param adamEps Adam ε (Rainbow: 1.5e-4)
   * @param gradClip largest global gradient L2 norm (0: no clipping)
   * @param discount γ
   * @param batchSize transitions per learning step
   * @param replayCapacity transitions kept
   * @param targetSyncSteps learning steps between copies of the online network into the target network
   * @param warmupEpisodes episodes of uniformly random actions before learning starts
   */
  public record Config(List<Integer> hidden, int streamHidden, boolean doubleQ, boolean dueling, boolean prioritized,
                       double priorityAlpha, double priorityBeta, long priorityBetaSteps, double priorityEps, int nStep,
                       boolean distributional, int atoms, double vMin, double vMax, boolean noisy, double noisySigma,
                       double epsilonStart, double epsilonEnd, int epsilonDecayEpisodes, double lr, double adamEps,
                       double gradClip, double discount, int batchSize, int replayCapacity, int targetSyncSteps,
                       int warmupEpisodes) {
    public Config {
      hidden = List.copyOf(hidden);
      if (hidden.stream().anyMatch(h -> h <= 0)) throw new IllegalArgumentException("rainbow.hidden must be positive widths, was " + hidden);
      if (streamHidden < 0) throw new IllegalArgumentException("rainbow.stream-hidden must be ≥ 0, was " + streamHidden);
      if (!(priorityAlpha >= 0)) throw new IllegalArgumentException("rainbow.priority-alpha must be ≥ 0, was " + priorityAlpha);
      if (!(priorityBeta >= 0 && priorityBeta <= 1)) throw new IllegalArgumentException("rainbow.priority-beta must be in [0, 1], was " + priorityBeta);
      if (priorityBetaSteps <= 0) throw new IllegalArgumentException("rainbow.priority-beta-steps must be positive, was " + priorityBetaSteps);
      if (!(priorityEps > 0)) throw new IllegalArgumentException("rainbow.priority-eps must be positive, was " + priorityEps);
      if (nStep < 1) throw new IllegalArgumentException("rainbow.n-step must be ≥ 1, was " + nStep);
      if (distributional && atoms < 2) throw new IllegalArgumentException("rainbow.atoms must be ≥ 2, was " + atoms);
      if (distributional && !(vMax > vMin)) throw new IllegalArgumentException("rainbow.v-max must exceed v-min, were " + vMin + ", " + vMax);
      if (!(epsilonStart >= 0 && epsilonStart <= 1 && epsilonEnd >= 0 && epsilonEnd <= 1))
        throw new IllegalArgumentException("rainbow epsilon-start/-end must be in [0, 1], were " + epsilonStart + ", " + epsilonEnd);
      if (epsilonDecayEpisodes < 1) throw new IllegalArgumentException("rainbow.epsilon-decay-episodes must be ≥ 1, was " + epsilonDecayEpisodes);
      if (!(lr > 0)) throw new IllegalArgumentException("rainbow.lr must be positive, was " + lr);
      if (!(discount >= 0 && discount <= 1)) throw new IllegalArgumentException("rainbow.discount must be in [0, 1], was " + discount);
      if (batchSize <= 0) throw new IllegalArgumentException("rainbow.batch-size must be positive, was " + batchSize);
      if (replayCapacity < batchSize) throw new IllegalArgumentException("rainbow.replay-capacity must be ≥ batch-size, was " + replayCapacity);
      if (targetSyncSteps < 1) throw new IllegalArgumentException("rainbow.target-sync-steps must be ≥ 1, was " + targetSyncSteps);
      if (warmupEpisodes < 0) throw new IllegalArgumentException("rainbow.warmup-episodes must be ≥ 0, was " + warmupEpisodes);
    }

    /** All six parts on, with Rainbow's published values where they carry over (α 0.5, β 0.4, n 3, 51 atoms on ±10, σ0 0.5). */
    public static Config defaults() {
      return new Config(List.of(256), 128, true, true, true, 0.5, 0.4, 10_000, 1e-6, 3, true, 51, -10, 10, true, 0.5,
          1.0, 0.05, 200, 1e-4, 1.5e-4, 10, 1.0, 64, 2000, 200, 20);
    }

    /** Reads the {@code hwc.rl.rainbow} block (keys as in conf/rl.conf). */
    public static Config from(com.typesafe.config.Config c) {
      return new Config(c.getIntList("hidden"), c.getInt("stream-hidden"), c.getBoolean("double"), c.getBoolean("dueling"),
          c.getBoolean("prioritized"), c.getDouble("priority-alpha"), c.getDouble("priority-beta"), c.getLong("priority-beta-steps"),
          c.getDouble("priority-eps"), c.getInt("n-step"), c.getBoolean("distributional"), c.getInt("atoms"),
          c.getDouble("v-min"), c.getDouble("v-max"), c.getBoolean("noisy"), c.getDouble("noisy-sigma"),
          c.getDouble("epsilon-start"), c.getDouble("epsilon-end"), c.getInt("epsilon-decay-episodes"), c.getDouble("lr"),
          c.getDouble("adam-eps"), c.getDouble("grad-clip"), c.getDouble("discount"), c.getInt("batch-size"),
          c.getInt("replay-capacity"), c.getInt("target-sync-steps"), c.getInt("warmup-episodes"));
    }

    public Config withWarmupEpisodes(int w) {
      return new Config(hidden, streamHidden, doubleQ, dueling, prioritized, priorityAlpha, priorityBeta, priorityBetaSteps,
          priorityEps, nStep, distributional, atoms, vMin, vMax, noisy, noisySigma, epsilonStart, epsilonEnd,
          epsilonDecayEpisodes, lr, adamEps, gradClip, discount, batchSize, replayCapacity, targetSyncSteps, w);
    }
  }

  /** Maps a batch of stored observations (rows) to network inputs (rows of {@link #inputDim()}). */
  public interface FeatureMap {
    float[] map(float[] observations, int batch);
  }

  /** What one call to {@link #learn} did: steps taken and their mean loss (cross-entropy with C51, Huber otherwise). */
  public record Stats(int steps, double loss) {
    static final Stats NONE = new Stats(0, Double.NaN);
  }

  /** An n-step transition as stored: return over {@code steps} steps, then bootstrap from nextObs unless done. */
  record NStep(float[] obs, int action, float ret, float[] nextObs, boolean done, int steps) {
    static final Transition.Codec<NStep> CODEC = new Transition.Codec<>() {
      @Override public void write(Bytes.Writer out, NStep t) {
        out.floats(t.obs).i32(t.action).f32(t.ret).floats(t.nextObs).bool(t.done).i32(t.steps);
      }

      @Override public NStep read(Bytes.Reader in) {
        float[] o = in.floats();
        int a = in.i32();
        float r = in.f32();
        float[] o2 = in.floats();
        boolean d = in.bool();
        return new NStep(o, a, r, o2, d, in.i32());
      }
    };
  }

  private final Config cfg;
  private final int inputDim, obsDim, actions;
  private final Net online, target;
  private final Adam[] opt;
  private final Rng rng;
  private ReplayBuffer<NStep> uniform;
  private PrioritizedReplay<NStep> prioritized;
  private final ArrayDeque<Transition> pending = new ArrayDeque<>();
  private FeatureMap features;
  private int episodes;
  private long learnSteps;

  /** A Rainbow whose inputs are its observations. */
  public Rainbow(Config cfg, int inputDim, int actions, long seed) {
    this(cfg, inputDim, inputDim, actions, new Rng(seed));
  }

  /**
   * A Rainbow that stores observations of {@code obsDim} values and learns on inputs of {@code inputDim} values
   * made from them by the {@link FeatureMap} given to {@link #useFeatures}.
   */
  public Rainbow(Config cfg, int inputDim, int obsDim, int actions, long seed) {
    this(cfg, inputDim, obsDim, actions, new Rng(seed));
  }

  private Rainbow(Config cfg, int inputDim, int obsDim, int actions, Rng rng) {
    if (inputDim <= 0 || obsDim <= 0 || actions < 2)
      throw new IllegalArgumentException("rainbow needs positive input/observation sizes and ≥ 2 actions, was " + inputDim + ", " + obsDim + ", " + actions);
    this.cfg = cfg;
    this.inputDim = inputDim;
    this.obsDim = obsDim;
    this.actions = actions;
    this.rng = rng;
    online = new Net(cfg, inputDim, actions, rng);
    target = online.copy();
    opt = online.optimisers(cfg);
    if (cfg.prioritized()) prioritized = new PrioritizedReplay<>(cfg.replayCapacity(), cfg.priorityAlpha());
    else uniform = new ReplayBuffer<>(cfg.replayCapacity());
    online.resampleNoise(rng);
    target.resampleNoise(rng);
  }

  private Rainbow(Config cfg, int inputDim, int obsDim, int actions, Rng rng, Net online, Net target, Adam[] opt) {
    this.cfg = cfg; this.inputDim = inputDim; this.obsDim = obsDim; this.actions = actions; this.rng = rng;
    this.online = online; this.target = target; this.opt = opt;
  }

  /** Sets how stored observations become network inputs at learning time (not part of the checkpoint). */
  public void useFeatures(FeatureMap map) {
    this.features = map;
  }

  public Config config() { return cfg; }
  public int inputDim() { return inputDim; }
  public int actions() { return actions; }
  public int episodes() { return episodes; }
  public long learnSteps() { return learnSteps; }
  public int replaySize() { return cfg.prioritized() ? prioritized.size() : uniform.size(); }
  public boolean warmingUp() { return episodes < cfg.warmupEpisodes(); }

  /** Mean |σ| of the advantage head's NoisyNet weights (0 when not noisy). */
  public double noiseLevel() {
    return online.advantage.meanSigma();
  }

  /** ε of ε-greedy in the current episode (0 with NoisyNets). */
  public double epsilon() {
    if (cfg.noisy()) return 0;
    double frac = Math.min(1.0, Math.max(0, episodes - cfg.warmupEpisodes()) / (double) cfg.epsilonDecayEpisodes());
    return cfg.epsilonStart() + frac * (cfg.epsilonEnd() - cfg.epsilonStart());
  }

  /** β of the importance weights at the current learning step. */
  public double beta() {
    return cfg.priorityBeta() + (1 - cfg.priorityBeta()) * Math.min(1.0, learnSteps / (double) cfg.priorityBetaSteps());
  }

  // ---------------------------------------------------------------- acting

  /**
   * The greedy action for {@code input}; exploring, uniformly random during warm-up, then greedy under the
   * current NoisyNet noise (or ε-greedy). Not exploring, noisy layers use their mean weights.
   */
  public int act(float[] input, boolean explore) {
    if (input.length != inputDim) throw new IllegalArgumentException("input has " + input.length + " values, rainbow expects " + inputDim);
    if (explore && warmingUp()) return rng.nextInt(actions);
    if (explore && !cfg.noisy() && rng.nextDouble() < epsilon()) return rng.nextInt(actions);
    return argmax(q(online.forward(input, 1, explore && cfg.noisy()), 0));
  }

  /** Q values of every action for one input (noise-free). */
  public float[] qValues(float[] input) {
    return q(online.forward(input, 1, false), 0);
  }

  private float[] q(Net.Out o, int n) {
    float[] q = new float[actions];
    for (int a = 0; a < actions; a++) q[a] = o.q(n, a);
    return q;
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int k = 1; k < v.length; k++) if (v[k] > v[best]) best = k;
    return best;
  }

  // ---------------------------------------------------------------- replay

  /** Adds one step; n-step returns are formed here, and the episode's tail is flushed when {@code done}. */
  public void observe(Transition t) {
    if (t.state().length != obsDim) throw new IllegalArgumentException("observation has " + t.state().length + " values, rainbow stores " + obsDim);
    if (t.discrete() < 0 || t.discrete() >= actions) throw new IllegalArgumentException("discrete action must be in [0, " + actions + "), was " + t.discrete());
    pending.addLast(t);
    if (t.done()) flush();
    else if (pending.size() == cfg.nStep()) store(pending.pollFirst());
  }

  private void flush() {
    while (!pending.isEmpty()) store(pending.pollFirst());
  }

  /** Stores {@code head}'s n-step transition from the steps pending after it (head already removed). */
  private void store(Transition head) {
    double ret = head.reward(), g = 1;
    Transition last = head;
    int steps = 1;
    for (Transition t : pending) {
      if (steps == cfg.nStep() || last.done()) break;
      g *= cfg.discount();
      ret += g * t.reward();
      last = t;
      steps++;
    }
    NStep s = new NStep(head.state(), head.discrete(), (float) ret, last.nextState(), last.done(), steps);
    if (cfg.prioritized()) prioritized.add(s);
    else uniform.add(s);
  }

  /** The i-th stored n-step transition (oldest first until the buffer wraps). */
  NStep stored(int i) {
    return cfg.prioritized() ? prioritized.get(i) : uniform.get(i);
  }

  /** n-step return arithmetic, exposed for tests: Σ_k γ^k r_k over the given rewards. */
  static double nStepReturn(float[] rewards, double gamma) {
    double ret = 0, g = 1;
    for (float r : rewards) { ret += g * r; g *= gamma; }
    return ret;
  }

  /** Ends an episode: flushes a truncated tail, counts the episode, draws fresh exploration noise. */
  public void endEpisode() {
    flush();
    episodes++;
    online.resampleNoise(rng);
  }

  // ---------------------------------------------------------------- learning

  public Stats learn(int steps) {
    if (steps <= 0 || warmingUp() || replaySize() < cfg.batchSize()) return Stats.NONE;
    double loss = 0;
    for (int k = 0; k < steps; k++) loss += update();
    return new Stats(steps, loss / steps);
  }

  private double update() {
    int b = cfg.batchSize();
    List<NStep> batch;
    int[] idx = null;
    float[] w;
    if (cfg.prioritized()) {
      PrioritizedReplay.Sample<NStep> s = prioritized.sample(b, beta(), rng);
      batch = s.items();
      idx = s.indices();
      w = s.weights();
    } else {
      batch = uniform.sample(b, rng);
      w = new float[b];
      Arrays.fill(w, 1f);
    }
    float[] obs = new float[b * obsDim], obs2 = new float[b * obsDim];
    for (int n = 0; n < b; n++) {
      System.arraycopy(batch.get(n).obs(), 0, obs, n * obsDim, obsDim);
      System.arraycopy(batch.get(n).nextObs(), 0, obs2, n * obsDim, obsDim);
    }
    float[] x = features == null ? obs : features.map(obs, b);
    float[] x2 = features == null ? obs2 : features.map(obs2, b);

    online.resampleNoise(rng);
    target.resampleNoise(rng);
    boolean noise = cfg.noisy();
    Net.Out tOut = target.forward(x2, b, noise);
    Net.Out sel = cfg.doubleQ() ? online.forward(x2, b, noise) : tOut;
    Net.Out out = online.forward(x, b, noise);

    int z = online.atomsOut;
    float[] dLogits = new float[b * actions * z];
    double[] prio = new double[b];
    double loss = 0;
    for (int n = 0; n < b; n++) {
      NStep t = batch.get(n);
      int next = argmax(q(sel, n));
      double gn = t.done() ? 0 : StrictMath.pow(cfg.discount(), t.steps());
      int base = (n * actions + t.action()) * z;
      if (cfg.distributional()) {
        float[] m = project(tOut.probs(n, next), t.ret(), gn, cfg.vMin(), cfg.vMax());
        double ce = 0;
        for (int k = 0; k < z; k++) {
          float p = out.prob[base + k];
          ce -= m[k] * StrictMath.log(Math.max(p, 1e-8f));
          dLogits[base + k] = w[n] * (p - m[k]) / b;
        }
        loss += w[n] * ce;
        prio[n] = ce + cfg.priorityEps();
      } else {
        double y = t.ret() + gn * tOut.q(n, next);
        double delta = out.q(n, t.action()) - y;
        double ad = Math.abs(delta);
        loss += w[n] * (ad <= 1 ? 0.5 * delta * delta : ad - 0.5);
        dLogits[base] = (float) (w[n] * Math.max(-1, Math.min(1, delta)) / b);
        prio[n] = ad + cfg.priorityEps();
      }
    }
    online.zeroGrads();
    online.backward(out, dLogits);
    online.clipGrads(cfg.gradClip());
    online.step(opt);
    if (cfg.prioritized()) prioritized.updatePriorities(idx, prio);
    learnSteps++;
    if (learnSteps % cfg.targetSyncSteps() == 0) target.copyFrom(online);
    return loss / b;
  }

  /**
   * C51's projection of the distribution {@code probs} on the supports, shifted to r + γⁿ·z and clipped to
   * [vMin, vMax], back onto the supports: each shifted atom's mass is split between its two neighbouring
   * supports in proportion to closeness ({@code gammaN} = 0 for a terminal transition).
   */
  static float[] project(float[] probs, double reward, double gammaN, double vMin, double vMax) {
    int atoms = probs.length;
    double dz = (vMax - vMin) / (atoms - 1);
    float[] m = new float[atoms];
    for (int j = 0; j < atoms; j++) {
      double tz = Math.min(vMax, Math.max(vMin, reward + gammaN * (vMin + j * dz)));
      double pos = (tz - vMin) / dz;
      int l = (int) Math.floor(pos), u = (int) Math.ceil(pos);
      if (l == u) {
        m[l] += probs[j];
      } else {
        m[l] += (float) (probs[j] * (u - pos));
        m[u] += (float) (probs[j] * (pos - l));
      }
    }
    return m;
  }

  // ---------------------------------------------------------------- the network

  /** Trunk plus head(s); with dueling the value and advantage streams combine as V + A − mean_a A. */
  static final class Net {
    final Mlp trunk; // null when there are no hidden trunk layers
    final Mlp value; // null unless dueling
    final Mlp advantage;
    final int actions, atomsOut;
    final boolean distributional;
    final float[] support;

    Net(Config cfg, int inputDim, int actions, Rng rng) {
      this.actions = actions;
      this.distributional = cfg.distributional();
      this.atomsOut = distributional ? cfg.atoms() : 1;
      this.support = support(cfg);
      int f = inputDim;
      if (!cfg.hidden().isEmpty()) {
        int[] sizes = new int[cfg.hidden().size() + 1];
        sizes[0] = inputDim;
        for (int k = 0; k < cfg.hidden().size(); k++) sizes[k + 1] = cfg.hidden().get(k);
        Mlp.Activation[] acts = new Mlp.Activation[sizes.length - 1];
        Arrays.fill(acts, Mlp.Activation.RELU);
        trunk = new Mlp(sizes, acts, false, 0, 0, rng);
        f = sizes[sizes.length - 1];
      } else {
        trunk = null;
      }
      value = cfg.dueling() ? head(cfg, f, atomsOut, rng) : null;
      advantage = head(cfg, f, actions * atomsOut, rng);
    }

    private Net(Mlp trunk, Mlp value, Mlp advantage, int actions, int atomsOut, boolean distributional, float[] support) {
      this.trunk = trunk; this.value = value; this.advantage = advantage;
      this.actions = actions; this.atomsOut = atomsOut; this.distributional = distributional; this.support = support;
    }

    private static float[] support(Config cfg) {
      if (!cfg.distributional()) return new float[0];
      float[] s = new float[cfg.atoms()];
      double dz = (cfg.vMax() - cfg.vMin()) / (cfg.atoms() - 1);
      for (int k = 0; k < s.length; k++) s[k] = (float) (cfg.vMin() + k * dz);
      return s;
    }

    private static Mlp head(Config cfg, int in, int out, Rng rng) {
      if (cfg.streamHidden() == 0) return new Mlp(new int[] {in, out}, new Mlp.Activation[] {Mlp.Activation.IDENTITY}, cfg.noisy(), cfg.noisySigma(), 0, rng);
      return new Mlp(new int[] {in, cfg.streamHidden(), out}, new Mlp.Activation[] {Mlp.Activation.RELU, Mlp.Activation.IDENTITY},
          cfg.noisy(), cfg.noisySigma(), 0, rng);
    }

    private List<Mlp> parts() {
      List<Mlp> p = new ArrayList<>(3);
      if (trunk != null) p.add(trunk);
      if (value != null) p.add(value);
      p.add(advantage);
      return p;
    }

    Adam[] optimisers(Config cfg) {
      return parts().stream().map(m -> new Adam(m.params.length, cfg.lr(), cfg.adamEps())).toArray(Adam[]::new);
    }

    void resampleNoise(Rng rng) {
      if (value != null) value.resampleNoise(rng);
      advantage.resampleNoise(rng);
    }

    Net copy() {
      return new Net(trunk == null ? null : trunk.copy(), value == null ? null : value.copy(), advantage.copy(), actions, atomsOut, distributional, support);
    }

    void copyFrom(Net o) {
      List<Mlp> a = parts(), b = o.parts();
      for (int k = 0; k < a.size(); k++) a.get(k).copyFrom(b.get(k));
    }

    /** One forward pass: logits [batch][actions][atomsOut], and with C51 their softmax per action. */
    final class Out {
      final int batch;
      Mlp.Pass trunkPass, valuePass, advPass;
      float[] logits, prob;

      Out(int batch) { this.batch = batch; }

      float[] probs(int n, int a) {
        return Arrays.copyOfRange(prob, (n * actions + a) * atomsOut, (n * actions + a + 1) * atomsOut);
      }

      /** Q(n, a): the logit itself, or the mean of the supports under the distribution. */
      float q(int n, int a) {
        int base = (n * actions + a) * atomsOut;
        if (!distributional) return logits[base];
        float q = 0;
        for (int k = 0; k < atomsOut; k++) q += support[k] * prob[base + k];
        return q;
      }
    }

    Out forward(float[] x, int batch, boolean noise) {
      Out o = new Out(batch);
      float[] f = x;
      if (trunk != null) {
        o.trunkPass = trunk.forward(x, batch, false);
        f = o.trunkPass.output();
      }
      o.advPass = advantage.forward(f, batch, noise);
      float[] adv = o.advPass.output();
      int z = atomsOut;
      float[] logits = adv.clone();
      if (value != null) {
        o.valuePass = value.forward(f, batch, noise);
        float[] v = o.valuePass.output();
        for (int n = 0; n < batch; n++) {
          for (int k = 0; k < z; k++) {
            float mean = 0;
            for (int a = 0; a < actions; a++) mean += adv[(n * actions + a) * z + k];
            mean /= actions;
            for (int a = 0; a < actions; a++) logits[(n * actions + a) * z + k] += v[n * z + k] - mean;
          }
        }
      }
      o.logits = logits;
      if (distributional) {
        float[] p = new float[logits.length];
        for (int r = 0; r < batch * actions; r++) {
          int base = r * z;
          float max = Float.NEGATIVE_INFINITY;
          for (int k = 0; k < z; k++) max = Math.max(max, logits[base + k]);
          double sum = 0;
          for (int k = 0; k < z; k++) {
            double e = Mlp.exp(logits[base + k] - max);
            p[base + k] = (float) e;
            sum += e;
          }
          for (int k = 0; k < z; k++) p[base + k] = (float) (p[base + k] / sum);
        }
        o.prob = p;
      }
      return o;
    }

    /** Adds parameter gradients for dL/d(logits) into the parts' grads. */
    void backward(Out o, float[] dLogits) {
      int b = o.batch, z = atomsOut;
      float[] dAdv = dLogits.clone();
      float[] dF;
      if (value != null) {
        float[] dV = new float[b * z];
        for (int n = 0; n < b; n++) {
          for (int k = 0; k < z; k++) {
            float s = 0;
            for (int a = 0; a < actions; a++) s += dLogits[(n * actions + a) * z + k];
            dV[n * z + k] = s;
            float mean = s / actions;
            for (int a = 0; a < actions; a++) dAdv[(n * actions + a) * z + k] -= mean;
          }
        }
        float[] dFa = advantage.backward(o.advPass, dAdv, trunk != null);
        float[] dFv = value.backward(o.valuePass, dV, trunk != null);
        dF = dFa;
        if (dF != null) for (int k = 0; k < dF.length; k++) dF[k] += dFv[k];
      } else {
        dF = advantage.backward(o.advPass, dAdv, trunk != null);
      }
      if (trunk != null) trunk.backward(o.trunkPass, dF, false);
    }

    void zeroGrads() {
      for (Mlp m : parts()) m.zeroGrads();
    }

    /** Clips the global gradient norm over all parts. */
    void clipGrads(double maxNorm) {
      if (!(maxNorm > 0)) return;
      double sq = 0;
      for (Mlp m : parts()) for (float g : m.grads) sq += (double) g * g;
      double norm = Math.sqrt(sq);
      if (norm > maxNorm) {
        float s = (float) (maxNorm / (norm + 1e-6));
        for (Mlp m : parts()) for (int k = 0; k < m.grads.length; k++) m.grads[k] *= s;
      }
    }

    void step(Adam[] opt) {
      List<Mlp> p = parts();
      for (int k = 0; k < p.size(); k++) opt[k].step(p.get(k).params, p.get(k).grads);
    }

    void write(Bytes.Writer out) {
      out.bool(trunk != null);
      if (trunk != null) trunk.write(out);
      out.bool(value != null);
      if (value != null) value.write(out);
      advantage.write(out);
    }

    static Net read(Bytes.Reader in, Config cfg, int actions) {
      Mlp trunk = in.bool() ? Mlp.read(in) : null;
      Mlp value = in.bool() ? Mlp.read(in) : null;
      Mlp adv = Mlp.read(in);
      return new Net(trunk, value, adv, actions, cfg.distributional() ? cfg.atoms() : 1, cfg.distributional(), support(cfg));
    }
  }

  // ---------------------------------------------------------------- checkpoints

  private static final String MAGIC = "hwc.rl.Rainbow";
  private static final int VERSION = 1;

  public byte[] toBytes() {
    return toBytes(true);
  }

  /** The checkpoint; without the replay (and n-step tail), {@link #observe} must be replayed to continue identically. */
  public byte[] toBytes(boolean withReplay) {
    Bytes.Writer out = new Bytes.Writer(MAGIC, VERSION);
    writeTo(out, withReplay);
    return out.toByteArray();
  }

  void writeTo(Bytes.Writer out, boolean withReplay) {
    out.json(cfg);
    out.i32(inputDim).i32(obsDim).i32(actions);
    online.write(out);
    target.write(out);
    out.i32(opt.length);
    for (Adam a : opt) a.write(out);
    out.longs(rng.state()).i32(episodes).i64(learnSteps);
    out.bool(withReplay);
    if (withReplay) {
      if (cfg.prioritized()) prioritized.write(out, NStep.CODEC);
      else uniform.write(out, NStep.CODEC);
      out.i32(pending.size());
      for (Transition t : pending) Transition.CODEC.write(out, t);
    }
  }

  public static Rainbow fromBytes(byte[] data) {
    Bytes.Reader in = new Bytes.Reader(data, MAGIC, VERSION);
    Rainbow r = readFrom(in);
    in.end();
    return r;
  }

  static Rainbow readFrom(Bytes.Reader in) {
    Config cfg = in.json(Config.class, "rainbow");
    int inputDim = in.i32(), obsDim = in.i32(), actions = in.i32();
    Net online = Net.read(in, cfg, actions), target = Net.read(in, cfg, actions);
    Adam[] opt = new Adam[in.i32()];
    for (int k = 0; k < opt.length; k++) opt[k] = Adam.read(in);
    Rainbow r = new Rainbow(cfg, inputDim, obsDim, actions, new Rng(in.longs()), online, target, opt);
    r.episodes = in.i32();
    r.learnSteps = in.i64();
    if (in.bool()) {
      if (cfg.prioritized()) r.prioritized = PrioritizedReplay.read(in, NStep.CODEC);
      else r.uniform = ReplayBuffer.read(in, NStep.CODEC);
      int n = in.i32();
      for (int k = 0; k < n; k++) r.pending.addLast(Transition.CODEC.read(in));
    } else if (cfg.prioritized()) {
      r.prioritized = new PrioritizedReplay<>(cfg.replayCapacity(), cfg.priorityAlpha());
    } else {
      r.uniform = new ReplayBuffer<>(cfg.replayCapacity());
    }
    return r;
  }
}
