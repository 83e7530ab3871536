package dev.hwc.compress;

/**
 * The dense linear algebra of the reconstructing pruners, in double precision on row-major d×d arrays: ridge terms,
 * sub-blocks of a Gram matrix, Cholesky factor and solves, the inverse. Sizes here are at most a few hundred, where
 * plain loops beat a round trip through ND4J.
 */
final class LeastSquares {
  private LeastSquares() {}

  /** m restricted to the rows and columns {@code idx} (in that order). */
  static double[] subMatrix(double[] m, int d, int[] idx) {
    int k = idx.length;
    double[] a = new double[k * k];
    for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) a[i * k + j] = m[idx[i] * d + idx[j]];
    return a;
  }

  /** Adds λI in place, λ = relative · mean diagonal (at least 1e-12, so an all-zero input stays solvable). */
  static double[] addRidge(double[] a, int d, double relative) {
    double mean = 0;
    for (int i = 0; i < d; i++) mean += a[i * d + i];
    mean /= d;
    double lambda = Math.max(relative * mean, 1e-12);
    for (int i = 0; i < d; i++) a[i * d + i] += lambda;
    return a;
  }

  /** Lower Cholesky factor of a symmetric positive definite d×d matrix, in place (upper part left stale). */
  static void choleskyInPlace(double[] a, int d) {
    for (int j = 0; j < d; j++) {
      double s = a[j * d + j];
      for (int k = 0; k < j; k++) s -= a[j * d + k] * a[j * d + k];
      if (!(s > 0)) throw new IllegalStateException("least squares: normal equations not positive definite at " + j);
      double l = Math.sqrt(s);
      a[j * d + j] = l;
      for (int i = j + 1; i < d; i++) {
        double t = a[i * d + j];
        for (int k = 0; k < j; k++) t -= a[i * d + k] * a[j * d + k];
        a[i * d + j] = t / l;
      }
    }
  }

  /** Solves L·Lᵀ·x = b in place, L from {@link #choleskyInPlace}. */
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

  /** H⁻¹ of a symmetric positive definite matrix, from its Cholesky factor: (L⁻¹)ᵀ·L⁻¹. */
  static double[] inverse(double[] h, int d) {
    double[] l = h.clone();
    choleskyInPlace(l, d);
    double[] li = new double[d * d];                       // L⁻¹, lower, row-major
    for (int i = 0; i < d; i++) {
      li[i * d + i] = 1 / l[i * d + i];
      for (int k = i + 1; k < d; k++) {
        double t = 0;
        for (int j = i; j < k; j++) t -= l[k * d + j] * li[j * d + i];
        li[k * d + i] = t / l[k * d + k];
      }
    }
    double[] inv = new double[d * d];
    for (int i = 0; i < d; i++)
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int k = i; k < d; k++) s += li[k * d + i] * li[k * d + j];
        inv[i * d + j] = s;
        inv[j * d + i] = s;
      }
    return inv;
  }
}
