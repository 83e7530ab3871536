package dev.hwc.compress;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * FPGM (He et al., CVPR 2019): the filters nearest the geometric median of the layer's filters are the most
 * replaceable by the others, so drop those with the smallest sum of Euclidean distances to all other filters.
 */
public final class FilterGeometricMedian implements FilterPruner {
  @Override public String name() { return "FilterGeometricMedian"; }

  @Override public int[] keptFilters(INDArray w, double ratio) {
    float[] d = Tensors.floats(w);
    int o = (int) w.size(0), n = Tensors.rowSize(w.shape());
    double[][] dist = new double[o][o];
    for (int a = 0; a < o; a++)
      for (int b = a + 1; b < o; b++) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          double t = d[a * n + i] - d[b * n + i];
          s += t * t;
        }
        dist[a][b] = dist[b][a] = Math.sqrt(s);
      }
    double[] score = new double[o];
    for (int a = 0; a < o; a++) for (int b = 0; b < o; b++) score[a] += dist[a][b];
    return FilterPruner.keepAllBut(score, Pruner.removedCount(o, ratio));
  }
}
