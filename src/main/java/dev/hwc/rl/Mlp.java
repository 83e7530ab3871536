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

  /** Adds {@code delta} to the bias of output unit {@code unit} (the mean of a noisy one). */
  public void shiftOutputBias(int unit, float delta) {
    if (unit < 0 || unit >= outputSize()) throw new IllegalArgumentException("output unit " + unit + " of " + outputSize());
    params[bOff[layers() - 1] + unit] += delta;
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
        System.arraycopy(b, bo, y, n * out, out);
        rowTimesMatrix(xin, n * in, in, w, wo, out, y, n * out);
      }
      activate(acts[l], y);
      p.a[l + 1] = y;
    }
    return p;
  }

  /**
   * y[yo .. yo+out) += Σ_i x[xo+i] · M[mo + i·out .. +out), over the non-zero x (ReLU rows are about half zeros),
   * four rows of M per pass so each y element is loaded and stored a quarter as often. The order of the float
   * additions is fixed, so results are reproducible.
   */
  private static void rowTimesMatrix(float[] x, int xo, int in, float[] m, int mo, int out, float[] y, int yo) {
    int[] nz = new int[in];
    int cnt = 0;
    for (int i = 0; i < in; i++) if (x[xo + i] != 0f) nz[cnt++] = i;
    int k = 0;
    for (; k + 3 < cnt; k += 4) {
      int i0 = nz[k], i1 = nz[k + 1], i2 = nz[k + 2], i3 = nz[k + 3];
      float x0 = x[xo + i0], x1 = x[xo + i1], x2 = x[xo + i2], x3 = x[xo + i3];
      int r0 = mo + i0 * out, r1 = mo + i1 * out, r2 = mo + i2 * out, r3 = mo + i3 * out;
      for (int j = 0; j < out; j++) y[yo + j] += x0 * m[r0 + j] + x1 * m[r1 + j] + x2 * m[r2 + j] + x3 * m[r3 + j];
    }
    for (; k < cnt; k++) {
      int r = mo + nz[k] * out;
      float xi = x[xo + nz[k]];
      for (int j = 0; j < out; j++) y[yo + j] += xi * m[r + j];
    }
  }

  /** Output for one input, noise-free (or with the current noise when asked). */
  public float[] apply(float[] x, boolean withNoise) {
    return forward(x, 1, withNoise).output();
  }

  private static void activate(Activation act, float[] y) {
    switch (act) {
      case RELU -> { for (int k = 0; k < y.length; k++) if (y[k] < 0f) y[k] = 0f; }
      case SIGMOID -> { for (int k = 0; k < y.length; k++) y[k] = (float) (1.0 / (1.0 + exp(-y[k]))); }
      case IDENTITY -> { }
    }
  }

  private static final double LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;

  /**
   * e^x in plain double arithmetic (Cody-Waite reduction, degree-11 Taylor polynomial on |r| ≤ ln2/2, relative
   * error below 1e-12), so it gives the same bits on every JVM and CPU, unlike Math.exp's intrinsics, and runs
   * several times faster than StrictMath.exp.
   */
  public static double exp(double x) {
    if (x != x) return x;
    if (x > 709.0) return Double.POSITIVE_INFINITY;
    if (x < -745.0) return 0.0;
    double k = Math.rint(x * 1.4426950408889634);
    double r = (x - k * LN2_HI) - k * LN2_LO;
    double p = 1.0 + r * (1.0 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720
        + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 + r * (1.0 / 39916800)))))))))));
    return Math.scalb(p, (int) k);
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
      for (int n = 0; n < batch; n++) rowTimesMatrix(d, n * out, out, wt, 0, in, dx, n * in);
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
    for (int n = 0; n < batch; n++) for (int j = 0; j < out; j++) db[j] += d[n * out + j];
    // row i of dW = Σ_n x[n][i]·d[n], over the rows where x[n][i] ≠ 0, four at a time
    int[] nz = new int[batch];
    for (int i = 0; i < in; i++) {
      int cnt = 0;
      for (int n = 0; n < batch; n++) if (x[n * in + i] != 0f) nz[cnt++] = n;
      int r = i * out, k = 0;
      for (; k + 3 < cnt; k += 4) {
        int n0 = nz[k], n1 = nz[k + 1], n2 = nz[k + 2], n3 = nz[k + 3];
        float x0 = x[n0 * in + i], x1 = x[n1 * in + i], x2 = x[n2 * in + i], x3 = x[n3 * in + i];
        int o0 = n0 * out, o1 = n1 * out, o2 = n2 * out, o3 = n3 * out;
        for (int j = 0; j < out; j++) dw[r + j] += x0 * d[o0 + j] + x1 * d[o1 + j] + x2 * d[o2 + j] + x3 * d[o3 + j];
      }
      for (; k < cnt; k++) {
        int o = nz[k] * out;
        float xi = x[nz[k] * in + i];
        for (int j = 0; j < out; j++) dw[r + j] += xi * d[o + j];
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
