package dev.hwc.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Objects;

/**
 * A labelled image set: {@code images} float [N, C, H, W] scaled to [0, 1], {@code labels} in [0, numClasses).
 */
public record Dataset(String name, INDArray images, int[] labels, int numClasses) {

  public Dataset {
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(labels, "labels");
    if (images.rank() != 4) throw new IllegalArgumentException(name + ": images must be [N, C, H, W], was " + Arrays.toString(images.shape()));
    if (images.size(0) != labels.length)
      throw new IllegalArgumentException(name + ": " + images.size(0) + " images but " + labels.length + " labels");
    for (int i = 0; i < labels.length; i++)
      if (labels[i] < 0 || labels[i] >= numClasses)
        throw new IllegalArgumentException(name + ": label " + labels[i] + " of example " + i + " outside [0, " + numClasses + ")");
  }

  /** A dataset of {@code labels.length} images of {@code shape} from {@code pixels}, image after image in C, H, W order. */
  public static Dataset of(String name, float[] pixels, ImageShape shape, int[] labels, int numClasses) {
    if (pixels.length != (long) labels.length * shape.pixels())
      throw new IllegalArgumentException(name + ": " + pixels.length + " pixel values for " + labels.length + " images of " + shape);
    return new Dataset(name, Nd4j.create(pixels, new long[] {labels.length, shape.channels(), shape.height(), shape.width()},
        org.nd4j.linalg.api.buffer.DataType.FLOAT), labels, numClasses);
  }

  public int size() {
    return labels.length;
  }

  /** Images [from, to) as a view (no copy). */
  public INDArray batch(int from, int to) {
    return images.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
  }

  public int[] labels(int from, int to) {
    return Arrays.copyOfRange(labels, from, to);
  }

  /** The first {@code n} examples (all if n ≥ size). */
  public Dataset limit(int n) {
    if (n >= size()) return this;
    return new Dataset(name, batch(0, n), labels(0, n), numClasses);
  }

  /** A copy holding the given examples, in the given order. */
  public Dataset select(String newName, int[] indices) {
    INDArray sel = Nd4j.create(images.dataType(), indices.length, images.size(1), images.size(2), images.size(3));
    int[] lab = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      sel.putSlice(i, images.slice(indices[i]));
      lab[i] = labels[indices[i]];
    }
    return new Dataset(newName, sel, lab, numClasses);
  }

  /** [C, H, W] of one image. */
  public long[] imageShape() {
    return new long[] {images.size(1), images.size(2), images.size(3)};
  }
}
