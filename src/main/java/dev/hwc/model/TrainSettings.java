package dev.hwc.model;

import com.typesafe.config.Config;

/** How {@link Trainer} trains (from {@code hwc.model.train}): Adam with a per-epoch step decay of the learning rate. */
public record TrainSettings(int epochs, long seed, int batchSize, double learningRate, double learningRateDecay,
                            int bnCalibrationImages, int gcEveryBatches) {

  public TrainSettings {
    if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, was " + epochs);
    if (batchSize < 1) throw new IllegalArgumentException("batch-size must be >= 1, was " + batchSize);
    if (!(learningRate > 0)) throw new IllegalArgumentException("learning-rate must be > 0, was " + learningRate);
    if (!(learningRateDecay > 0) || learningRateDecay > 1)
      throw new IllegalArgumentException("learning-rate-decay must be in (0, 1], was " + learningRateDecay);
    if (bnCalibrationImages < 1) throw new IllegalArgumentException("bn-calibration-images must be >= 1, was " + bnCalibrationImages);
    if (gcEveryBatches < 1) throw new IllegalArgumentException("gc-every-batches must be >= 1, was " + gcEveryBatches);
  }

  /** Reads {@code hwc.model.train}; epochs and seed come from the command line. */
  public static TrainSettings from(Config c, int epochs, long seed) {
    Config t = c.getConfig("hwc.model.train");
    return new TrainSettings(epochs, seed, t.getInt("batch-size"), t.getDouble("learning-rate"),
        t.getDouble("learning-rate-decay"), t.getInt("bn-calibration-images"), t.getInt("gc-every-batches"));
  }

  public static TrainSettings defaults(int epochs, long seed) {
    return new TrainSettings(epochs, seed, 64, 0.002, 0.7, 10_000, 100);
  }
}
