package dev.hwc.data;

/**
 * What the data must fit: the model's input shape and output width, and where an hwc-trained model's training images
 * came from ({@code trainedOn} null for a model trained elsewhere).
 */
public record ModelSignature(String name, ImageShape input, int outputs, TrainedOn trainedOn) {

  /**
   * The training split of the dataset with {@code fingerprint}, less the search holdout of {@code searchSize} images
   * at {@code splitSeed} ({@code searchSize} 0 where the model's metadata predates this record: the holdout of the
   * settings in force).
   */
  public record TrainedOn(String fingerprint, int searchSize, long splitSeed) {}
}
