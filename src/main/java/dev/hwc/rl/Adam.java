package dev.hwc.rl;

/**
 * Adam (Kingma & Ba 2015) over one network's flat parameter vector, with PyTorch's update form
 * θ ← θ − lr · m̂ / (sqrt(v̂) + ε). Its moments and step count are part of an agent's checkpoint.
 */
public final class Adam {
  private final double lr, beta1, beta2, eps;
  private final float[] m, v;
  private long step;

  public Adam(int size, double lr, double beta1, double beta2, double eps) {
    if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be positive, was " + lr);
    this.lr = lr; this.beta1 = beta1; this.beta2 = beta2; this.eps = eps;
    this.m = new float[size];
    this.v = new float[size];
  }

  public Adam(int size, double lr, double eps) {
    this(size, lr, 0.9, 0.999, eps);
  }

  public long steps() { return step; }

  public void step(float[] params, float[] grads) {
    if (params.length != m.length) throw new IllegalArgumentException("Adam sized for " + m.length + " parameters, given " + params.length);
    step++;
    double bc1 = 1.0 - StrictMath.pow(beta1, step);
    double bc2 = 1.0 - StrictMath.pow(beta2, step);
    float stepSize = (float) (lr / bc1);
    float sqrtBc2 = (float) Math.sqrt(bc2);
    float b1 = (float) beta1, b2 = (float) beta2, e = (float) eps;
    float c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
    for (int k = 0; k < params.length; k++) {
      float g = grads[k];
      float mk = b1 * m[k] + c1 * g;
      float vk = b2 * v[k] + c2 * g * g;
      m[k] = mk;
      v[k] = vk;
      params[k] -= stepSize * mk / ((float) Math.sqrt(vk) / sqrtBc2 + e);
    }
  }

  void write(Bytes.Writer out) {
    out.f64(lr).f64(beta1).f64(beta2).f64(eps).i64(step).floats(m).floats(v);
  }

  static Adam read(Bytes.Reader in) {
    double lr = in.f64(), b1 = in.f64(), b2 = in.f64(), eps = in.f64();
    long step = in.i64();
    float[] m = in.floats(), v = in.floats();
    Adam a = new Adam(m.length, lr, b1, b2, eps);
    System.arraycopy(m, 0, a.m, 0, m.length);
    System.arraycopy(v, 0, a.v, 0, v.length);
    a.step = step;
    return a;
  }
}
