package dev.hwc.compress;

import java.util.List;

/**
 * Weight rounding with error feedback through the layer's input statistics: GPTQ (Frantar et al. 2023), the
 * quantization counterpart of {@link ObsReconstruction}, without any training. Round-to-nearest treats each weight
 * alone; here each row is rounded column by column, and each column's rounding error e_j = (w_j − q_j)/U_jj is moved
 * onto the columns not yet rounded (w_m −= e_j·U_jm, m &gt; j; H⁻¹ = UᵀU, U upper Cholesky, H = XᵀX + λI as in
 * {@link ObsReconstruction}), the OBS update that keeps the row's output on the calibration inputs closest to the
 * unrounded row's. Zeros (pruned weights) are part of the same walk: they are re-zeroed when reached and their share
 * of the moved error passed on, so the pruning mask survives exactly. Every value is a point of the same grid
 * round-to-nearest would use ({@link Quantizer#weightScales}: one scale per layer or per output channel, from the
 * weights before rounding).
 */
final class GptqRounding {
  private GptqRounding() {}

  /**
   * The statistics of a group of consecutive rows of a layer's filter-major weights: XᵀX [d, d] over the inputs
   * they read. A conv or dense layer is one group of all its rows; a depthwise conv one group per filter.
   */
  record RowGroup(double[] xtx, int d, int rows) {
    RowGroup {
      if (xtx.length != d * d) throw new IllegalArgumentException("GPTQ: XᵀX has " + xtx.length + " values, expected " + d + "×" + d);
      if (rows < 0) throw new IllegalArgumentException("GPTQ: negative row count " + rows);
    }
  }

  /**
   * Quantize-dequantize of filter-major weights, rows in group order (Σ rows·d values), on the grid of
   * {@link Quantizer#quantizeWeights} with the same arguments ({@link Quantizer#weightScales}).
   */
  static float[] quantize(float[] w, List<RowGroup> groups, int bits, boolean perChannel, int clipBelowBits) {
    int rows = 0, n = 0;
    for (RowGroup g : groups) {
      rows += g.rows();
      n += g.rows() * g.d();
    }
    if (n != w.length) throw new IllegalArgumentException("GPTQ: the row groups cover " + n + " weights, the layer has " + w.length);
    int qmax = Quantizer.symmetricMax(bits);
    float[] scales = rows == 0 ? new float[0] : Quantizer.weightScales(w, rows, bits, perChannel, clipBelowBits), out = new float[n];
    int at = 0, row = 0;
    for (RowGroup g : groups) {
      int d = g.d();
      if (g.rows() == 0) continue;
      double[] u = LeastSquares.inverse(LeastSquares.addRidge(g.xtx().clone(), d, ObsReconstruction.DAMPENING), d);
      LeastSquares.choleskyInPlace(u, d);       // lower factor L of H⁻¹; U = Lᵀ, so U_jm = u[m·d + j]
      for (int r = 0; r < g.rows(); r++, row++, at += d) roundRow(w, out, at, d, u, scales[row], qmax);
    }
    return out;
  }

  /** One row: each column rounded in turn (zeros stay zero), its error moved onto the later columns. */
  private static void roundRow(float[] w, float[] out, int at, int d, double[] u, float scale, int qmax) {
    double[] row = new double[d];
    boolean[] zero = new boolean[d];
    for (int j = 0; j < d; j++) {
      row[j] = w[at + j];
      zero[j] = row[j] == 0;
    }
    for (int j = 0; j < d; j++) {
      float q = zero[j] ? 0f : Quantizer.quantize((float) row[j], scale, -qmax, qmax);
      double err = (row[j] - q) / u[j * d + j];
      if (err != 0) for (int m = j + 1; m < d; m++) row[m] -= err * u[m * d + j];
      out[at + j] = q;
    }
  }
}
