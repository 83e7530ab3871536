package dev.hwc.data;

/** The shape of one image, channels × height × width. */
public record ImageShape(int channels, int height, int width) {

  public ImageShape {
    if (channels < 1 || height < 1 || width < 1)
      throw new IllegalArgumentException("image shape " + channels + "×" + height + "×" + width + " must be positive");
  }

  public int pixels() {
    return channels * height * width;
  }

  @Override public String toString() {
    return channels + "×" + height + "×" + width;
  }
}
