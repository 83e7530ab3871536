package dev.hwc.compress;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Magnitude pruning with equal sparsity in every filter: each filter loses its floor(ratio·n) smallest |w|. */
public final class BalancedMagnitude implements FinePruner {
  @Override public String name() { return "BalancedMagnitude"; }

  @Override public INDArray mask(INDArray w, double ratio, double[] inputNorms) {
    float[] d = Tensors.floats(w);
    int o = (int) w.size(0), n = Tensors.rowSize(w.shape());
    float[] score = new float[d.length];
    for (int i = 0; i < d.length; i++) score[i] = Math.abs(d[i]);
    float[] mask = new float[d.length];
    int k = Pruner.removedCount(n, ratio);
    for (int f = 0; f < o; f++) Magnitude.maskSmallest(score, f * n, (f + 1) * n, k, mask);
    return Tensors.array(mask, w.shape());
  }
}
