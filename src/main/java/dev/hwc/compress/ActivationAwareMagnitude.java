package dev.hwc.compress;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Activation-aware magnitude pruning (as in Wanda, Sun et al. 2023): score |w[o,i,·,·]| · ‖x_i‖₂, where ‖x_i‖₂ is the
 * norm of input channel i over the calibration data; zero the floor(ratio·n) lowest scores of the layer. A depthwise
 * layer ([C, 1, kh, kw]) passes one norm per filter, since filter c reads only channel c.
 */
public final class ActivationAwareMagnitude implements FinePruner {
  @Override public String name() { return "ActivationAwareMagnitude"; }

  @Override public boolean needsCalibration() { return true; }

  @Override public INDArray mask(INDArray w, double ratio, double[] inputNorms) {
    int o = (int) w.size(0), in = (int) w.size(1), n = Tensors.rowSize(w.shape()), k2 = n / in;
    boolean depthwise = in == 1 && inputNorms != null && inputNorms.length == o && o > 1;
    if (inputNorms == null || (inputNorms.length != in && !depthwise))
      throw new IllegalArgumentException("ActivationAwareMagnitude needs " + in + " input-channel norms, got "
          + (inputNorms == null ? "none" : inputNorms.length));
    float[] d = Tensors.floats(w);
    float[] score = new float[d.length];
    for (int f = 0; f < o; f++)
      for (int c = 0; c < in; c++)
        for (int j = 0; j < k2; j++) {
          int i = f * n + c * k2 + j;
          score[i] = (float) (Math.abs(d[i]) * inputNorms[depthwise ? f : c]);
        }
    return Tensors.array(Magnitude.maskSmallest(score, 0, score.length, Pruner.removedCount(d.length, ratio), null), w.shape());
  }
}
