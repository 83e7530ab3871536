package dev.hwc.data;

/** The on-disk dataset conventions hwc reads, told apart by what {@code --data PATH} points at. */
public enum DatasetFormat {
  IDX("MNIST-format IDX"),
  CIFAR10("CIFAR-10 binary"),
  CIFAR100("CIFAR-100 binary"),
  NPZ("NumPy .npz"),
  IMAGE_FOLDER("image folder");

  private final String title;

  DatasetFormat(String title) {
    this.title = title;
  }

  public String title() {
    return title;
  }
}
