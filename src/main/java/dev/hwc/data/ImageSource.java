package dev.hwc.data;

/**
 * One split of a labelled image set on disk (its training, validation or test images), read by example index. Labels
 * are known without decoding images; {@link #read} decodes only the examples asked for, so that a command holds the
 * images it uses and no others.
 */
public interface ImageSource {

  /** What the split is, for messages and provenance: e.g. {@code "CIFAR-10 test_batch.bin"}. */
  String describe();

  /** The label of every example, in index order. */
  int[] labels();

  default int size() {
    return labels().length;
  }

  /**
   * The images' shape on disk; for image folders, whose files may differ in size, the channel count of the split and
   * a height and width of 0 (every image is resized to the model's input).
   */
  StoredShape shape();

  /**
   * The examples {@code indices} (in that order), scaled to [0, 1] at {@code shape}, as a dataset named {@code name}
   * with {@code numClasses} classes.
   */
  Dataset read(String name, int[] indices, ImageShape shape, int numClasses);

  /** An image shape where height and width may be unknown (0): see {@link #shape()}. */
  record StoredShape(int channels, int height, int width) {
    public boolean fixedSize() {
      return height > 0 && width > 0;
    }

    @Override public String toString() {
      return fixedSize() ? channels + "×" + height + "×" + width : channels + "×H×W (resized)";
    }
  }
}
