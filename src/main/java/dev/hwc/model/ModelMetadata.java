package dev.hwc.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * Provenance of a trained network: how it was made and what it scored, so that every figure can be traced back
 * (architecture, seed, epochs, data fingerprint, hwc version). {@code extra} holds free key/values such as the input
 * normalisation; it is kept sorted so that equal metadata serialises to equal bytes.
 */
public record ModelMetadata(String architecture, long seed, int epochs, double testAccuracy, long params, long macs,
                            double trainingSeconds, String datasetFingerprint, String hwcVersion, String created,
                            Map<String, String> extra) {

  public static final String HWC_VERSION = "0.1.0";

  public ModelMetadata {
    if (architecture == null || architecture.isBlank()) throw new IllegalArgumentException("metadata: architecture is missing");
    extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(extra));
  }

  /** Metadata of a network that was built but not trained (figures unknown: accuracy -1, fingerprint empty). */
  public static ModelMetadata untrained(String architecture, long seed) {
    return new ModelMetadata(architecture, seed, 0, -1, 0, 0, 0, "", HWC_VERSION, "", Map.of());
  }

  public ModelMetadata withFigures(long params, long macs) {
    return new ModelMetadata(architecture, seed, epochs, testAccuracy, params, macs, trainingSeconds, datasetFingerprint,
        hwcVersion, created, extra);
  }

  public ModelMetadata withTraining(int epochs, double testAccuracy, double trainingSeconds, String datasetFingerprint,
                                    String created, Map<String, String> extra) {
    return new ModelMetadata(architecture, seed, epochs, testAccuracy, params, macs, trainingSeconds, datasetFingerprint,
        hwcVersion, created, extra);
  }
}
