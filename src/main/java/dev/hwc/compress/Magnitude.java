package dev.hwc.compress;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Per-layer magnitude pruning (Distiller's "Level" pruner): zero the floor(ratio·n) smallest |w| of the layer. */
public final class Magnitude implements FinePruner {
  @Override public String name() { return "Magnitude"; }

  @Override public INDArray mask(INDArray w, double ratio, double[] inputNorms) {
    float[] d = Tensors.floats(w);
    float[] score = new float[d.length];
    for (int i = 0; i < d.length; i++) score[i] = Math.abs(d[i]);
    return Tensors.array(maskSmallest(score, 0, score.length, Pruner.removedCount(d.length, ratio), null), w.shape());
  }

  /**
   * Mask with the {@code k} smallest non-negative scores of {@code score[from, to)} zeroed; equal scores zero the
   * lower index first. A float's bit pattern orders like the float when non-negative, so score and index pack
   * into one long and a primitive sort ranks them.
   */
  static float[] maskSmallest(float[] score, int from, int to, int k, float[] into) {
    float[] mask = into != null ? into : new float[score.length];
    long[] key = new long[to - from];
    for (int i = from; i < to; i++) key[i - from] = ((long) Float.floatToIntBits(score[i] + 0f) << 32) | (i - from);
    java.util.Arrays.sort(key);
    for (int i = from; i < to; i++) mask[i] = 1f;
    for (int j = 0; j < k; j++) mask[from + (int) (key[j] & 0xffffffffL)] = 0f;
    return mask;
  }
}
