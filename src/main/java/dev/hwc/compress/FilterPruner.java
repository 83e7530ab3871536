package dev.hwc.compress;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Coarse pruning of whole output filters. */
public sealed interface FilterPruner extends Pruner permits FilterL1, FilterL2, FilterGeometricMedian {
  /** Indices of the filters to keep, ascending; floor(ratio·O) filters are dropped. w is [O, I, kh, kw]. */
  int[] keptFilters(INDArray w, double ratio);

  /** Keeps all filters except the {@code k} with the smallest scores; equal scores drop the lower index first. */
  static int[] keepAllBut(double[] score, int k) {
    Integer[] order = new Integer[score.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    java.util.Arrays.sort(order, (a, b) -> score[a] != score[b] ? Double.compare(score[a], score[b]) : Integer.compare(a, b));
    boolean[] drop = new boolean[score.length];
    for (int i = 0; i < k; i++) drop[order[i]] = true;
    int[] kept = new int[score.length - k];
    for (int i = 0, j = 0; i < score.length; i++) if (!drop[i]) kept[j++] = i;
    return kept;
  }
}
