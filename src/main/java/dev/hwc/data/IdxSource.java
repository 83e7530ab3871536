package dev.hwc.data;

import java.nio.file.Path;

/** One split of an MNIST-format directory: an IDX image file [N, H, W] and its IDX label file [N]. */
final class IdxSource implements ImageSource {
  private final Path imageFile;
  private final IdxReader.IdxArray images;
  private final int[] labels;

  IdxSource(Path imageFile, Path labelFile) {
    this.imageFile = imageFile;
    this.images = IdxReader.read(imageFile);
    IdxReader.IdxArray lab = IdxReader.read(labelFile);
    if (images.dims().length != 3) throw new IllegalArgumentException(imageFile + ": expected 3 dimensions [N, H, W], found " + images.dims().length);
    if (lab.dims().length != 1) throw new IllegalArgumentException(labelFile + ": expected 1 dimension [N], found " + lab.dims().length);
    if (images.count() != lab.count())
      throw new IllegalArgumentException(labelFile + ": " + lab.count() + " labels but " + imageFile.getFileName() + " has " + images.count() + " images");
    labels = new int[lab.count()];
    for (int k = 0; k < labels.length; k++) labels[k] = lab.data()[k] & 0xff;
  }

  @Override public String describe() {
    return "IDX " + imageFile.getFileName();
  }

  @Override public int[] labels() {
    return labels;
  }

  @Override public StoredShape shape() {
    return new StoredShape(1, images.dims()[1], images.dims()[2]);
  }

  @Override public Dataset read(String name, int[] indices, ImageShape shape, int numClasses) {
    int px = shape.pixels();
    float[] pixels = new float[indices.length * px];
    int[] lab = new int[indices.length];
    byte[] src = images.data();
    for (int i = 0; i < indices.length; i++) {
      int k = indices[i];
      lab[i] = labels[k];
      for (int p = 0, o = k * px, d = i * px; p < px; p++) pixels[d + p] = (src[o + p] & 0xff) / 255f;
    }
    return Dataset.of(name, pixels, shape, lab, numClasses);
  }
}
