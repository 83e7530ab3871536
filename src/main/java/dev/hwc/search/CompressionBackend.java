package dev.hwc.search;

import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.LayerDecision;
import dev.hwc.model.LayerShape;

import java.util.List;

/**
 * What the search needs from the model and compression packages, behind one seam so the actors can be tested with
 * doubles. Two threads may use it at once: one compressing the layers of an episode while another evaluates an
 * earlier episode (hwc.search.episodes-in-flight = 2); each method is called from one thread at a time.
 */
public interface CompressionBackend {
  /** Fingerprint of the base model (file and weights); a resumed search must see the same. */
  String modelFingerprint();

  /** Fingerprint of the data splits (search subset, calibration set). */
  String datasetFingerprint();

  /** Which images the search subset, calibration and test figures come from, in words (none for doubles in tests). */
  default java.util.Map<String, String> dataProvenance() {
    return java.util.Map.of();
  }

  /** The pruning-algorithm menu; Rainbow's action {@code i} is entry {@code i}. */
  List<String> algorithms();

  /** The decision layers in topological order: one layer step each (a dependency group's first layer). */
  List<LayerShape> decisionLayers();

  /** Decision layers whose channels coarse pruning cannot follow through the graph, with why: they prune element-wise. */
  default java.util.Map<String, String> coarseRestrictions() {
    return java.util.Map.of();
  }

  /** Every prunable layer, followers of dependency groups included, dense: what the baseline energy prices. */
  List<LayerShape> prunableLayers();

  /** Top-1 accuracy (fraction) of the uncompressed model on the search subset. */
  double baselineAccuracy();

  /**
   * A resume hands the journaled baseline accuracy (same model and data fingerprints), so the backend need not
   * evaluate the dense model again before the first episode.
   */
  default void useBaselineAccuracy(double accuracy) {}

  /**
   * Applies decision {@code d} to decision layer {@code step} (and to the followers of its group) in episode
   * {@code episode}'s incremental session (step 0 starts it from the base model); the outcomes, the decided layer
   * first, carry the thinned shapes.
   */
  List<LayerOutcome> compressLayer(int episode, int step, LayerDecision d);

  /**
   * Applies episode {@code episode}'s whole plan to the base model (reusing its session when all its layer steps
   * were taken here) and returns its top-1 accuracy (fraction) on the search subset.
   */
  Accuracy evaluate(int episode, CompressionPlan plan);

  /**
   * Top-1 (fractions) of a plan on the search subset ({@code accuracy}: so far, when early rejection stopped it) and
   * on the subset's first evaluation batch, which every evaluation sees whether or not it stops early: the graded
   * penalty's measure, so that early rejection leaves every reward as it was.
   */
  record Accuracy(double accuracy, double firstBatch) implements JsonSerializable {}

  /**
   * What compressing one prunable layer did: {@code shape} is the layer after thinning, {@code params} its non-zero
   * weights, {@code macs} its MACs after thinning, {@code nonZeroMacs} those whose weight is non-zero.
   */
  record LayerOutcome(String layer, LayerDecision decision, LayerShape shape, double sparsity, int keptChannels,
                      long params, long macs, long nonZeroMacs, double inputDensity) implements JsonSerializable {
    /** Input activations not measured: priced as dense. */
    public LayerOutcome(String layer, LayerDecision decision, LayerShape shape, double sparsity, int keptChannels,
                        long params, long macs, long nonZeroMacs) {
      this(layer, decision, shape, sparsity, keptChannels, params, macs, nonZeroMacs, 1.0);
    }
  }

  /**
   * The dense model's input-activation density of every decision layer at {@code bits} (as its input quantizer
   * would see them), in layer order; null where the backend does not measure activations.
   */
  default List<Double> denseInputDensities(int bits) {
    return null;
  }
}
