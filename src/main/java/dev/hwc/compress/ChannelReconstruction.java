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
   * The sufficient statistics of the sampled patches: XᵀX [D, D] and XᵀY [D, O] in double, D = channels·k (C-order,
   * channel-major). A layer's statistics are computed once over all its original channels; any subset of channels
   * and outputs is then a sub-block, so a plan costs no pass over the samples.
   */
  public record Gram(double[] xtx, double[] xty, int channels, int k, int outputs) {
    public static Gram of(float[] x, float[] y, int n, int channels, int k, int outputs) {
      int d = channels * k;
      if (x.length != (long) n * d || y.length != (long) n * outputs)
        throw new IllegalArgumentException("ChannelReconstruction: sample sizes " + x.length + ", " + y.length
            + " do not match n=" + n + ", C=" + channels + ", k=" + k + ", O=" + outputs);
      double[] xd = new double[x.length], yd = new double[y.length];
      for (int i = 0; i < xd.length; i++) xd[i] = x[i];
      for (int i = 0; i < yd.length; i++) yd[i] = y[i];
      INDArray xa = Nd4j.create(xd, new long[]{n, d}, DataType.DOUBLE);
      INDArray ya = Nd4j.create(yd, new long[]{n, outputs}, DataType.DOUBLE);
      return new Gram(xa.transpose().mmul(xa).dup('c').data().asDouble(), xa.transpose().mmul(ya).dup('c').data().asDouble(),
          channels, k, outputs);
    }
  }

  /**
   * @param w     filter-major weights [O, C, kh, kw]
   * @param x     n sampled input patches, C-order [n, C, kh·kw]
   * @param y     the targets, C-order [n, O]
   * @param ridge relative ridge term (≥ 0)
   */
  public Result reconstruct(INDArray w, double ratio, float[] x, float[] y, int n, double ridge) {
    int o = (int) w.size(0), c = (int) w.size(1), k2 = Tensors.rowSize(w.shape()) / c;
    return reconstruct(w, ratio, Gram.of(x, y, n, c, k2, o), Tensors.range(c), Tensors.range(o), ridge);
  }

  /**
   * The same from precomputed statistics. {@code channels[i]} is the Gram's channel of w's input channel i and
   * {@code outputs[f]} the Gram's output of w's filter f (w may be a thinned layer of the one the Gram was made for).
   */
  public Result reconstruct(INDArray w, double ratio, Gram g, int[] channels, int[] outputs, double ridge) {
    int o = (int) w.size(0), c = (int) w.size(1), k2 = Tensors.rowSize(w.shape()) / c;
    if (k2 != g.k() || channels.length != c || outputs.length != o)
      throw new IllegalArgumentException("ChannelReconstruction: weights " + java.util.Arrays.toString(w.shape())
          + " do not match the statistics (k=" + g.k() + ", " + channels.length + " channels, " + outputs.length + " outputs)");
    float[] wd = Tensors.floats(w);
    int[] kept = FilterPruner.keepAllBut(contributions(wd, o, c, k2, g, channels), Pruner.removedCount(c, ratio));
    int[] keptChannels = new int[kept.length];
    for (int i = 0; i < kept.length; i++) keptChannels[i] = channels[kept[i]];
    return new Result(kept, Tensors.array(refit(g, keptChannels, outputs, ridge), o, kept.length, w.size(2), w.size(3)));
  }

  /** ‖X_c·W_cᵀ‖_F² = Σ_o w_{o,c}ᵀ (X_cᵀX_c) w_{o,c} per input channel c of w. */
  static double[] contributions(float[] w, int o, int c, int k2, Gram g, int[] channels) {
    int d = g.channels() * k2;
    double[] score = new double[c];
    for (int ch = 0; ch < c; ch++) {
      int gb = channels[ch] * k2;
      for (int f = 0; f < o; f++) {
        int wb = (f * c + ch) * k2;
        double v = 0;
        for (int i = 0; i < k2; i++) {
          double t = 0;
          for (int j = 0; j < k2; j++) t += g.xtx()[(gb + i) * d + gb + j] * w[wb + j];
          v += w[wb + i] * t;
        }
        score[ch] += v;
      }
    }
    return score;
  }

  /** Ridge least-squares weights [O, |kept|, k] (C-order) from the kept channels' block of the statistics. */
  static float[] refit(Gram g, int[] keptChannels, int[] outputs, double ridge) {
    int k2 = g.k(), d0 = g.channels() * k2, d = keptChannels.length * k2, o = outputs.length;
    int[] idx = Tensors.expand(keptChannels, k2);
    double[] a = LeastSquares.addRidge(LeastSquares.subMatrix(g.xtx(), d0, idx), d, ridge);
    LeastSquares.choleskyInPlace(a, d);
    float[] out = new float[o * d];
    double[] col = new double[d];
    for (int f = 0; f < o; f++) {
      for (int i = 0; i < d; i++) col[i] = g.xty()[idx[i] * g.outputs() + outputs[f]];
      LeastSquares.solveCholesky(a, d, col);
      for (int i = 0; i < d; i++) out[f * d + i] = (float) col[i];
    }
    return out;
  }
}
