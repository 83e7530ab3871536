package dev.hwc.model;

import java.util.Objects;

/**
 * A compressed model's top-1 result on a labelled set, paired image by image with the dense model's on the same set:
 * {@code lost} images the dense model gets right and the compressed one wrong, {@code gained} the reverse. The loss
 * is their difference over the set; its standard error is the paired (McNemar) one, sqrt(((lost + gained)/n − d²)/n)
 * with d = (lost − gained)/n, which counts only the images on which the two models disagree. That is the sampling
 * noise of a loss measured on {@code images} images: {@code bin/hwc demo}'s plan, 0.94 ± 0.32 points on the 5,000
 * search images, is inside a 1-point bound by a fifth of its own noise. It does not include the bias of choosing the
 * best of many plans on the same images (docs/results.md, "The search subset's noise").
 */
public record PairedAccuracy(int images, int correct, int lost, int gained) {
  public PairedAccuracy {
    if (images < 1) throw new IllegalArgumentException("images must be >= 1, was " + images);
    if (correct < 0 || lost < 0 || gained < 0 || correct > images || lost + gained > images || gained > correct
        || correct - gained + lost > images)
      throw new IllegalArgumentException("inconsistent counts: " + correct + " correct, " + lost + " lost, " + gained
          + " gained of " + images + " images");
  }

  /** Counts {@code predicted} against {@code labels}, paired with the dense model's {@code baselinePredicted}. */
  public static PairedAccuracy of(int[] labels, int[] baselinePredicted, int[] predicted) {
    Objects.requireNonNull(labels, "labels");
    if (baselinePredicted.length != labels.length || predicted.length != labels.length)
      throw new IllegalArgumentException(labels.length + " labels but " + baselinePredicted.length + " dense and "
          + predicted.length + " compressed predictions");
    int correct = 0, lost = 0, gained = 0;
    for (int i = 0; i < labels.length; i++) {
      boolean base = baselinePredicted[i] == labels[i], now = predicted[i] == labels[i];
      if (now) correct++;
      if (base && !now) lost++;
      if (!base && now) gained++;
    }
    return new PairedAccuracy(labels.length, correct, lost, gained);
  }

  /** The compressed model's top-1 accuracy in [0, 1]. */
  public double accuracy() {
    return correct / (double) images;
  }

  /** The dense model's top-1 accuracy on the same images. */
  public double baselineAccuracy() {
    return (correct - gained + lost) / (double) images;
  }

  /** Dense minus compressed top-1, in percentage points. */
  public double lossPoints() {
    return 100.0 * (lost - gained) / images;
  }

  /** The paired standard error of {@link #lossPoints()}, in percentage points. */
  public double standardErrorPoints() {
    double n = images, d = (lost - gained) / n;
    return 100.0 * Math.sqrt(Math.max(0, ((lost + gained) / n - d * d) / n));
  }
}
