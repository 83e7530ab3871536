package dev.hwc.data;

/**
 * The checks that a model and a dataset fit, made before any work: the images' shape against the model's input (for
 * image folders, which are resized, the channel count alone), and the class count against the model's output width.
 * Grey data for a colour model, or the reverse, is refused, not converted.
 */
public final class DataFit {
  private DataFit() {}

  /** Throws {@link IllegalArgumentException} with one line naming both sides where {@code model} and {@code data} do not fit. */
  public static void check(ModelSignature model, DatasetFiles data) {
    ImageSource.StoredShape s = data.train().shape();
    ImageShape in = model.input();
    if (s.fixedSize() ? !(s.channels() == in.channels() && s.height() == in.height() && s.width() == in.width())
        : s.channels() != in.channels())
      throw new IllegalArgumentException("model " + model.name() + " takes " + in + " images but " + data.describe() + " holds "
          + (s.fixedSize() ? s + " images" : s.channels() + "-channel images (resized to the model's height and width, never converted between grey and colour)"));
    if (model.outputs() != data.numClasses())
      throw new IllegalArgumentException("model " + model.name() + " has " + model.outputs() + " outputs but " + data.describe()
          + " has " + data.numClasses() + " classes (" + (data.format() == DatasetFormat.IMAGE_FOLDER ? "class folders" : "labels 0.." + (data.numClasses() - 1)) + ")");
  }
}
