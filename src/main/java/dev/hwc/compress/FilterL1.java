package dev.hwc.compress;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Filter pruning by length-normalised L1 norm, mean |w| per filter (Distiller's L1RankedStructureParameterPruner). */
public final class FilterL1 implements FilterPruner {
  @Override public String name() { return "FilterL1"; }

  @Override public int[] keptFilters(INDArray w, double ratio) {
    float[] d = Tensors.floats(w);
    int o = (int) w.size(0), n = Tensors.rowSize(w.shape());
    double[] score = new double[o];
    for (int f = 0; f < o; f++) {
      double s = 0;
      for (int i = 0; i < n; i++) s += Math.abs(d[f * n + i]);
      score[f] = s / n;
    }
    return FilterPruner.keepAllBut(score, Pruner.removedCount(o, ratio));
  }
}
