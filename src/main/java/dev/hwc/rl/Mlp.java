package dev.hwc.rl;

import java.util.Arrays;

/**
 * A small fully connected network on plain float arrays with exact backprop, written out by hand because the
 * agents' networks are tiny (a few hundred units, batch 64) and a tensor library's per-op overhead would
 * dominate. Everything is sequential Java float arithmetic, so results are bit-identical across runs and
 * across a checkpoint.
 *
 * <p>All parameters live in one array ({@link #params}), gradients in a parallel one ({@link #grads}), so Adam,
 * soft target updates and checkpoints treat a network as one vector. Per layer, in order: W [in][out] (applied as
 * x·W + b), b [out], and for a noisy layer also σ_W [in][out] and σ_b [out].
 *
 * <p>Noisy layers are NoisyNet linear layers with factorised Gaussian noise (Fortunato et al. 2018):
 * W = μ_W + σ_W ⊙ f(ε_in) f(ε_out)ᵀ, b = μ_b + σ_b ⊙ f(ε_out), f(x) = sgn(x)·sqrt|x|.
 */
public final class Mlp {
  public enum Activation { RELU, SIGMOID, IDENTITY }

  private final int[] sizes;
  private final Activation[] acts;
  private final boolean noisy;
  private final float sigma0;
  public final float[] params;
  public final float[] grads;
  private final int[] wOff, bOff, swOff, sbOff;
  /** f(ε) per noisy layer; all zero until {@link #resampleNoise} is called. */
  private final float[][] epsIn, epsOut;

  /**
   * @param sizes widths, input first; one layer per consecutive pair
   * @param acts one activation per layer
   * @param noisy every layer is a NoisyNet layer
   * @param sigma0 NoisyNet σ0 (σ initialised to σ0/sqrt(fan-in)); ignored when not noisy
   * @param finalInit if positive, the last layer's weights and biases start uniform in ±finalInit (DDPG's 3e-3),
   *     otherwise uniform in ±1/sqrt(fan-in) like every other layer
   */
  public Mlp(int[] sizes, Activation[] acts, boolean noisy, double sigma0, double finalInit, Rng rng) {
    this(sizes, acts, noisy, sigma0);
    for (int l = 0; l < layers(); l++) {
      int in = sizes[l], out = sizes[l + 1];
      double bound = (l == layers() - 1 && finalInit > 0) ? finalInit : 1.0 / Math.sqrt(in);
      for (int k = 0; k < in * out; k++) params[wOff[l] + k] = (float) ((2 * rng.nextDouble() - 1) * bound);
      for (int k = 0; k < out; k++) params[bOff[l] + k] = (float) ((2 * rng.nextDouble() - 1) * bound);
      if (noisy) {
        Arrays.fill(params, swOff[l], swOff[l] + in * out, (float) (sigma0 / Math.sqrt(in)));
        Arrays.fill(params, sbOff[l], sbOff[l] + out, (float) (sigma0 / Math.sqrt(in)));
      }
    }
  }

  private Mlp(int[] sizes, Activation[] acts, boolean noisy, double sigma0) {
    if (sizes.length < 2) throw new IllegalArgumentException("an Mlp needs at least input and output sizes, had " + Arrays.toString(sizes));
    if (acts.length != sizes.length - 1)
      throw new IllegalArgumentException("an Mlp with " + (sizes.length - 1) + " layers needs as many activations, had " + acts.length);
    for (int s : sizes) if (s <= 0) throw new IllegalArgumentException("layer sizes must be positive: " + Arrays.toString(sizes));
    this.sizes = sizes.clone();
    this.acts = acts.clone();
    this.noisy = noisy;
    this.sigma0 = (float) sigma0;
    int n = layers();
    wOff = new int[n]; bOff = new int[n]; swOff = new int[n]; sbOff = new int[n];
    epsIn = new float[n][]; epsOut = new float[n][];
    int off = 0;
    for (int l = 0; l < n; l++) {
      int in = sizes[l], out = sizes[l + 1];
      wOff[l] = off; off += in * out;
      bOff[l] = off; off += out;
      if (noisy) {
        swOff[l] = off; off += in * out;
        sbOff[l] = off; off += out;
        epsIn[l] = new float[in];
        epsOut[l] = new float[out];
      }
    }
    params = new float[off];
    grads = new float[off];
  }

  public int layers() { return sizes.length - 1; }
  public int inputSize() { return sizes[0]; }
  public int outputSize() { return sizes[sizes.length - 1]; }
  public int size(int i) { return sizes[i]; }
  public boolean noisy() { return noisy; }

  /** Mean |σ| over the noisy layers' weights (0 when not noisy): how much a NoisyNet still explores. */
  public double meanSigma() {
    if (!noisy) return 0;
    double s = 0;
    long n = 0;
    for (int l = 0; l < layers(); l++) {
      int count = sizes[l] * sizes[l + 1];
      for (int k = 0; k < count; k++) s += Math.abs(params[swOff[l] + k]);
      n += count;
    }
    return s / n;
  }

  /** Draws fresh factorised noise for every noisy layer. */
  public void resampleNoise(Rng rng) {
    if (!noisy) return;
    for (int l = 0; l < layers(); l++) {
      for (int i = 0; i < epsIn[l].length; i++) epsIn[l][i] = f(rng.nextGaussian());
      for (int j = 0; j < epsOut[l].length; j++) epsOut[l][j] = f(rng.nextGaussian());
    }
  }

  private static float f(double x) {
    return (float) (Math.signum(x) * Math.sqrt(Math.abs(x)));
  }

  /** The activations of one forward pass, kept for {@link #backward}. */
  public static final class Pass {
    public final int batch;
    /** a[0] is the input, a[l+1] the output of layer l after its activation; each [batch][width] row-major. */
    public final float[][] a;
    final float[][] w; // weights actually used per layer (μ or μ + σ⊙ε)
    final int[] wo;
    final boolean withNoise;

    Pass(int batch, int layers, boolean withNoise) {
      this.batch = batch;
      this.a = new float[layers + 1][];
      this.w = new float[layers][];
      this.wo = new int[layers];
      this.withNoise = withNoise;
    }

    public float[] output() { return a[a.length - 1]; }
  }

  /** Forward pass on a batch (rows of {@code x}); with noise only matters for noisy networks. */
  public Pass forward(float[] x, int batch, boolean withNoise) {
    if (x.length != batch * sizes[0])
      throw new IllegalArgumentException("input has " + x.length + " values, expected batch " + batch + " × " + sizes[0]);
    boolean useNoise = noisy && withNoise;
    Pass p = new Pass(batch, layers(), useNoise);
    p.a[0] = x;
    for (int l = 0; l < layers(); l++) {
      int in = sizes[l], out = sizes[l + 1];
      float[] w = params, b = params;
      int wo = wOff[l], bo = bOff[l];
      if (useNoise) {
        w = new float[in * out];
        b = new float[out];
        wo = 0; bo = 0;
        float[] ei = epsIn[l], eo = epsOut[l];
        for (int i = 0; i < in; i++) {
          int r = i * out;
          float e = ei[i];
          for (int j = 0; j < out; j++) w[r + j] = params[wOff[l] + r + j] + params[swOff[l] + r + j] * (e * eo[j]);
        }
        for (int j = 0; j < out; j++) b[j] = params[bOff[l] + j] + params[sbOff[l] + j] * eo[j];
      }
      p.w[l] = w;
      p.wo[l] = wo;
      float[] y = new float[batch * out];
      float[] xin = p.a[l];
      for (int n = 0; n < batch; n++) {
        int yo = n * out, xo = n * in;
        System.arraycopy(b, bo, y, yo, out);
        for (int i = 0; i < in; i++) {
          float xi = xin[xo + i];
          if (xi == 0f) continue; // ReLU outputs are half zeros
          int r = wo + i * out;
          for (int j = 0; j < out; j++) y[yo + j] += xi * w[r + j];
        }
      }
      activate(acts[l], y);
      p.a[l + 1] = y;
    }
    return p;
  }

  /** Output for one input, noise-free (or with the current noise when asked). */
  public float[] apply(float[] x, boolean withNoise) {
    return forward(x, 1, withNoise).output();
  }

  private static void activate(Activation act, float[] y) {
    switch (act) {
      case RELU -> { for (int k = 0; k < y.length; k++) if (y[k] < 0f) y[k] = 0f; }
      case SIGMOID -> { for (int k = 0; k < y.length; k++) y[k] = (float) (1.0 / (1.0 + StrictMath.exp(-y[k]))); }
      case IDENTITY -> { }
    }
  }

  public void zeroGrads() {
    Arrays.fill(grads, 0f);
  }

  /**
   * Back-propagates dL/d(output) through the pass, adding parameter gradients into {@link #grads}; returns
   * dL/d(input) when asked (null otherwise). {@code dOut} is consumed (overwritten).
   */
  public float[] backward(Pass p, float[] dOut, boolean wantInputGrad) {
    return backward(p, dOut, wantInputGrad, true);
  }

  /**
   * As {@link #backward(Pass, float[], boolean)}; with {@code paramGrads} false only dL/d(input) is computed
   * (DDPG's actor update differentiates through the critic without training it).
   */
  public float[] backward(Pass p, float[] dOut, boolean wantInputGrad, boolean paramGrads) {
    int batch = p.batch;
    float[] d = dOut;
    float[] dIn = null;
    for (int l = layers() - 1; l >= 0; l--) {
      int in = sizes[l], out = sizes[l + 1];
      float[] y = p.a[l + 1], x = p.a[l];
      if (d.length != batch * out) throw new IllegalArgumentException("gradient has " + d.length + " values, expected " + batch * out);
      switch (acts[l]) {
        case RELU -> { for (int k = 0; k < d.length; k++) if (y[k] <= 0f) d[k] = 0f; }
        case SIGMOID -> { for (int k = 0; k < d.length; k++) d[k] *= y[k] * (1f - y[k]); }
        case IDENTITY -> { }
      }
      if (paramGrads) accumulateParamGrads(l, x, d, batch, p.withNoise);
      if (l == 0 && !wantInputGrad) break;
      // dx = d · Wᵀ, through a transposed copy so the inner loop runs over contiguous memory
      float[] w = p.w[l];
      int wo = p.wo[l];
      float[] wt = new float[out * in];
      for (int i = 0; i < in; i++) for (int j = 0; j < out; j++) wt[j * in + i] = w[wo + i * out + j];
      float[] dx = new float[batch * in];
      for (int n = 0; n < batch; n++) {
        int dOff = n * out, xo = n * in;
        for (int j = 0; j < out; j++) {
          float dj = d[dOff + j];
          if (dj == 0f) continue;
          int r = j * in;
          for (int i = 0; i < in; i++) dx[xo + i] += dj * wt[r + i];
        }
      }
      d = dx;
      if (l == 0) dIn = dx;
    }
    return dIn;
  }

  // dW[i][j] = Σ_n x[n][i] d[n][j]; db[j] = Σ_n d[n][j]; σ gradients are those times the noise that was used
  private void accumulateParamGrads(int l, float[] x, float[] d, int batch, boolean withNoise) {
    int in = sizes[l], out = sizes[l + 1];
    float[] dw = new float[in * out];
    float[] db = new float[out];
    for (int n = 0; n < batch; n++) {
      int dOff = n * out, xo = n * in;
      for (int j = 0; j < out; j++) db[j] += d[dOff + j];
      for (int i = 0; i < in; i++) {
        float xi = x[xo + i];
        if (xi == 0f) continue;
        int r = i * out;
        for (int j = 0; j < out; j++) dw[r + j] += xi * d[dOff + j];
      }
    }
    int gw = wOff[l], gb = bOff[l];
    for (int k = 0; k < in * out; k++) grads[gw + k] += dw[k];
    for (int j = 0; j < out; j++) grads[gb + j] += db[j];
    if (withNoise) {
      float[] ei = epsIn[l], eo = epsOut[l];
      int gsw = swOff[l], gsb = sbOff[l];
      for (int i = 0; i < in; i++) {
        int r = i * out;
        float e = ei[i];
        for (int j = 0; j < out; j++) grads[gsw + r + j] += dw[r + j] * (e * eo[j]);
      }
      for (int j = 0; j < out; j++) grads[gsb + j] += db[j] * eo[j];
    }
  }

  /** Scales {@link #grads} so their global L2 norm is at most maxNorm; returns the norm before clipping. */
  public double clipGrads(double maxNorm) {
    double sq = 0;
    for (float g : grads) sq += (double) g * g;
    double norm = Math.sqrt(sq);
    if (maxNorm > 0 && norm > maxNorm) {
      float s = (float) (maxNorm / (norm + 1e-6));
      for (int k = 0; k < grads.length; k++) grads[k] *= s;
    }
    return norm;
  }

  /** θ_target ← τ·θ + (1 − τ)·θ_target, written into this network (the target). */
  public void softUpdateFrom(Mlp source, double tau) {
    requireSameShape(source);
    float t = (float) tau, keep = (float) (1.0 - tau);
    for (int k = 0; k < params.length; k++) params[k] = t * source.params[k] + keep * params[k];
  }

  public void copyFrom(Mlp source) {
    requireSameShape(source);
    System.arraycopy(source.params, 0, params, 0, params.length);
  }

  private void requireSameShape(Mlp o) {
    if (!Arrays.equals(sizes, o.sizes) || noisy != o.noisy) throw new IllegalArgumentException("networks differ in shape");
  }

  public Mlp copy() {
    Mlp m = new Mlp(sizes, acts, noisy, sigma0);
    System.arraycopy(params, 0, m.params, 0, params.length);
    for (int l = 0; l < layers() && noisy; l++) {
      m.epsIn[l] = epsIn[l].clone();
      m.epsOut[l] = epsOut[l].clone();
    }
    return m;
  }

  void write(Bytes.Writer out) {
    out.ints(sizes);
    int[] a = new int[acts.length];
    for (int k = 0; k < a.length; k++) a[k] = acts[k].ordinal();
    out.ints(a);
    out.bool(noisy);
    out.f32(sigma0);
    out.floats(params);
    if (noisy) for (int l = 0; l < layers(); l++) { out.floats(epsIn[l]); out.floats(epsOut[l]); }
  }

  static Mlp read(Bytes.Reader in) {
    int[] sizes = in.ints();
    int[] a = in.ints();
    Activation[] acts = new Activation[a.length];
    for (int k = 0; k < a.length; k++) acts[k] = Activation.values()[a[k]];
    boolean noisy = in.bool();
    float sigma0 = in.f32();
    Mlp m = new Mlp(sizes, acts, noisy, sigma0);
    float[] p = in.floats();
    if (p.length != m.params.length) throw new IllegalArgumentException("checkpoint network has " + p.length + " parameters, shape needs " + m.params.length);
    System.arraycopy(p, 0, m.params, 0, p.length);
    if (noisy) for (int l = 0; l < m.layers(); l++) { m.epsIn[l] = in.floats(); m.epsOut[l] = in.floats(); }
    return m;
  }
}
