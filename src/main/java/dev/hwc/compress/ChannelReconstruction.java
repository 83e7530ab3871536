package dev.hwc.compress;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Channel pruning with least-squares reconstruction (He et al., ICCV 2017; AMC; Distiller's
 * FMReconstructionChannelPruner), without any gradient training. On sampled points of the layer's output (im2col
 * rows x of the layer's input patches, targets y = the original layer's output without bias):
 * <ol>
 *   <li>rank input channels by their contribution ‖X_c·W_cᵀ‖ to the sampled outputs and drop the floor(ratio·C)
 *       smallest (equal contributions drop the lower index first);
 *   <li>refit the remaining weights in closed form: W = argmin ‖Y − X_K·Wᵀ‖² + λ‖W‖², from the normal equations
 *       in double precision (Cholesky), λ = ridge · mean diag(X_KᵀX_K).
 * </ol>
 * Removing input channels removes the producer's matching output filters; the {@link Compressor} decides where that
 * is possible.
 */
public final class ChannelReconstruction implements Pruner {
  @Override public String name() { return "ChannelReconstruction"; }

  /** Kept input channels (indices into w's dimension 1, ascending) and the refitted weights [O, kept, kh, kw]. */
  public record Result(int[] keptChannels, INDArray weights) {}

  /**
   * @param w     filter-major weights [O, C, kh, kw]
   * @param x     n sampled input patches, C-order [n, C, kh·kw]
   * @param y     the targets, C-order [n, O]
   * @param ridge relative ridge term (≥ 0)
   */
  public Result reconstruct(INDArray w, double ratio, float[] x, float[] y, int n, double ridge) {
    int o = (int) w.size(0), c = (int) w.size(1), k2 = Tensors.rowSize(w.shape()) / c;
    if (x.length != (long) n * c * k2 || y.length != (long) n * o)
      throw new IllegalArgumentException("ChannelReconstruction: sample sizes " + x.length + ", " + y.length
          + " do not match n=" + n + ", C=" + c + ", k=" + k2 + ", O=" + o);
    float[] wd = Tensors.floats(w);
    int[] kept = FilterPruner.keepAllBut(contributions(wd, o, c, k2, x, n), Pruner.removedCount(c, ratio));
    return new Result(kept, Tensors.array(refit(kept, c, k2, o, x, y, n, ridge), o, kept.length, w.size(2), w.size(3)));
  }

  /** ‖X_c·W_cᵀ‖_F² per input channel c. */
  static double[] contributions(float[] w, int o, int c, int k2, float[] x, int n) {
    double[] score = new double[c];
    for (int s = 0; s < n; s++)
      for (int ch = 0; ch < c; ch++) {
        int xb = (s * c + ch) * k2;
        for (int f = 0; f < o; f++) {
          int wb = (f * c + ch) * k2;
          double v = 0;
          for (int j = 0; j < k2; j++) v += x[xb + j] * w[wb + j];
          score[ch] += v * v;
        }
      }
    return score;
  }

  /** Least-squares weights [O, |kept|, k2] (C-order) reproducing y from the kept channels' columns of x. */
  static float[] refit(int[] kept, int c, int k2, int o, float[] x, float[] y, int n, double ridge) {
    int d = kept.length * k2;
    double[] xk = new double[n * d];
    for (int s = 0; s < n; s++)
      for (int i = 0; i < kept.length; i++)
        for (int j = 0; j < k2; j++) xk[s * d + i * k2 + j] = x[(s * c + kept[i]) * k2 + j];
    double[] yd = new double[n * o];
    for (int i = 0; i < yd.length; i++) yd[i] = y[i];
    INDArray xa = Nd4j.create(xk, new long[]{n, d}, DataType.DOUBLE);
    INDArray ya = Nd4j.create(yd, new long[]{n, o}, DataType.DOUBLE);
    double[] g = xa.transpose().mmul(xa).dup('c').data().asDouble();
    double[] r = xa.transpose().mmul(ya).dup('c').data().asDouble();   // [d, o]
    double mean = 0;
    for (int i = 0; i < d; i++) mean += g[i * d + i];
    mean /= d;
    double lambda = Math.max(ridge * mean, 1e-12);
    for (int i = 0; i < d; i++) g[i * d + i] += lambda;
    choleskyInPlace(g, d);
    float[] out = new float[o * d];
    double[] col = new double[d];
    for (int f = 0; f < o; f++) {
      for (int i = 0; i < d; i++) col[i] = r[i * o + f];
      solveCholesky(g, d, col);
      for (int i = 0; i < d; i++) out[f * d + i] = (float) col[i];
    }
    return out;
  }

  /** Lower Cholesky factor of a symmetric positive definite d×d matrix, in place (upper part left stale). */
  static void choleskyInPlace(double[] a, int d) {
    for (int j = 0; j < d; j++) {
      double s = a[j * d + j];
      for (int k = 0; k < j; k++) s -= a[j * d + k] * a[j * d + k];
      if (!(s > 0)) throw new IllegalStateException("ChannelReconstruction: normal equations not positive definite at " + j);
      double l = Math.sqrt(s);
      a[j * d + j] = l;
      for (int i = j + 1; i < d; i++) {
        double t = a[i * d + j];
        for (int k = 0; k < j; k++) t -= a[i * d + k] * a[j * d + k];
        a[i * d + j] = t / l;
      }
    }
  }

  static void solveCholesky(double[] l, int d, double[] b) {
    for (int i = 0; i < d; i++) {
      double t = b[i];
      for (int k = 0; k < i; k++) t -= l[i * d + k] * b[k];
      b[i] = t / l[i * d + i];
    }
    for (int i = d - 1; i >= 0; i--) {
      double t = b[i];
      for (int k = i + 1; k < d; k++) t -= l[k * d + i] * b[k];
      b[i] = t / l[i * d + i];
    }
  }
}
