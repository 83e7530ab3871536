package dev.hwc.compress;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Element-wise (unstructured) pruning: returns a 0/1 mask of the weights' shape. */
public sealed interface FinePruner extends Pruner permits Magnitude, ActivationAwareMagnitude, BalancedMagnitude {
  /**
   * @param w            filter-major weights [O, I, kh, kw]
   * @param ratio        fraction of the elements to zero
   * @param inputNorms   ‖x_i‖₂ of each input channel i over the calibration data (length I), or null when unused
   */
  INDArray mask(INDArray w, double ratio, double[] inputNorms);

  /** Whether {@link #mask} needs {@code inputNorms}. */
  default boolean needsCalibration() {
    return false;
  }
}
