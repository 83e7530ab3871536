package dev.hwc.report;

import java.util.List;
import java.util.Map;

/**
 * Everything a search report shows, as one value (written verbatim as report.json). Accuracy figures are
 * fractions in [0, 1]; losses and reductions are in percentage points / percent.
 */
public record SearchReport(
    String searchId,
    String model,
    Map<String, String> provenance,
    double baselineSearchAccuracy,
    double baselineTestAccuracy,
    double baselineEnergyPj,
    double maxAccuracyLossPoints,
    int episodes,
    List<EpisodePoint> allEpisodes,
    List<EpisodePoint> pareto,
    List<TestedPlan> testedPareto,
    Chosen chosen) {

  /** One evaluated episode on the search subset. */
  public record EpisodePoint(int episode, double accuracyLossPoints, double energyReductionPercent, double reward, String planHash) {}

  /**
   * A Pareto plan re-measured on the test set; {@code testLossStandardErrorPoints} is the paired standard error of its
   * loss ({@code dev.hwc.model.PairedAccuracy}), NaN where not measured.
   */
  public record TestedPlan(String planHash, double testAccuracy, double testAccuracyLossPoints, double testLossStandardErrorPoints,
                           double energyReductionPercent, double energyPj) {}

  /**
   * The chosen plan (lowest energy within the loss bound) with its per-layer policy; the losses' paired standard
   * errors on either set, NaN where not measured.
   */
  public record Chosen(int episode, String planHash, double searchAccuracyLossPoints, double searchLossStandardErrorPoints,
                       double testAccuracy, double testAccuracyLossPoints, double testLossStandardErrorPoints,
                       double energyReductionPercent, List<LayerPolicy> layers, String planFile, String modelFile) {}

  /**
   * One layer of the chosen plan, with what it achieved; {@code inputDensity} is the non-zero fraction of its input
   * activations it was priced at (null where the search did not measure them).
   */
  public record LayerPolicy(String layer, String algorithm, double pruneRatio, int weightBits, int activationBits,
                            double achievedSparsity, double energyPj, Double inputDensity) {
    public LayerPolicy(String layer, String algorithm, double pruneRatio, int weightBits, int activationBits,
                       double achievedSparsity, double energyPj) {
      this(layer, algorithm, pruneRatio, weightBits, activationBits, achievedSparsity, energyPj, null);
    }
  }
}
