package dev.hwc.compress;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Filter pruning by length-normalised L2 norm, sqrt(mean w²) per filter (Distiller's L2RankedStructureParameterPruner). */
public final class FilterL2 implements FilterPruner {
  @Override public String name() { return "FilterL2"; }

  @Override public int[] keptFilters(INDArray w, double ratio) {
    float[] d = Tensors.floats(w);
    int o = (int) w.size(0), n = Tensors.rowSize(w.shape());
    double[] score = new double[o];
    for (int f = 0; f < o; f++) {
      double s = 0;
      for (int i = 0; i < n; i++) s += (double) d[f * n + i] * d[f * n + i];
      score[f] = Math.sqrt(s / n);
    }
    return FilterPruner.keepAllBut(score, Pruner.removedCount(o, ratio));
  }
}
