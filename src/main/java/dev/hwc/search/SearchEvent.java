package dev.hwc.search;

import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.LayerDecision;
import dev.hwc.model.LayerShape;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The journal of one search (persistence id {@code search-<id>}): everything needed to rebuild the coordinator,
 * the agents' replay buffers and the report. Units: accuracy as a fraction, accuracy loss in top-1 percentage
 * points, energy in pJ per inference, energy reduction as a fraction of the baseline's energy.
 */
public sealed interface SearchEvent extends JsonSerializable {

  /**
   * Provenance of the search: how it was configured ({@code configJson}: the resolved {@code hwc} subtree, which a
   * resume runs with again), what it ran on, and the dense baseline it is measured against.
   */
  record SearchStarted(String searchId, String configJson, String modelPath, String modelFingerprint,
                       String datasetFingerprint, String hardware, double baselineAccuracy, double baselineEnergy,
                       double maxAccuracyLoss, long seed, int episodes, List<String> algorithms,
                       List<LayerShape> decisionLayers,
                       List<LayerShape> prunableLayers, long startedAtEpochMillis,
                       List<Double> baselineInputDensities) implements SearchEvent {
    public SearchStarted {
      algorithms = List.copyOf(algorithms);
      decisionLayers = List.copyOf(decisionLayers);
      prunableLayers = List.copyOf(prunableLayers);
      baselineInputDensities = baselineInputDensities == null ? null : List.copyOf(baselineInputDensities);
    }

    /** A search that prices activations as dense (no measured densities; so are journals written before them). */
    public SearchStarted(String searchId, String configJson, String modelPath, String modelFingerprint,
                         String datasetFingerprint, String hardware, double baselineAccuracy, double baselineEnergy,
                         double maxAccuracyLoss, long seed, int episodes, List<String> algorithms,
                         List<LayerShape> decisionLayers, List<LayerShape> prunableLayers, long startedAtEpochMillis) {
      this(searchId, configJson, modelPath, modelFingerprint, datasetFingerprint, hardware, baselineAccuracy, baselineEnergy,
          maxAccuracyLoss, seed, episodes, algorithms, decisionLayers, prunableLayers, startedAtEpochMillis, null);
    }

    /** Whether the search prices layers with their measured input-activation densities. */
    public boolean measuresActivations() {
      return baselineInputDensities != null;
    }
  }

  record EpisodeStarted(int episode) implements SearchEvent {}

  /** One layer step: the state the agents saw, DDPG's raw action and hidden features, Rainbow's choice. */
  record LayerStepTaken(int episode, int step, String layer, float[] state, float[] action, float[] hidden,
                        int algorithm, LayerDecision decision) implements SearchEvent {
    @Override public boolean equals(Object o) {
      return o instanceof LayerStepTaken x && episode == x.episode && step == x.step && algorithm == x.algorithm
          && layer.equals(x.layer) && Arrays.equals(state, x.state) && Arrays.equals(action, x.action)
          && Arrays.equals(hidden, x.hidden) && decision.equals(x.decision);
    }

    @Override public int hashCode() {
      return Objects.hash(episode, step, layer, Arrays.hashCode(state), Arrays.hashCode(action),
          Arrays.hashCode(hidden), algorithm, decision);
    }

    @Override public String toString() {
      return "LayerStepTaken[episode=" + episode + ", step=" + step + ", layer=" + layer + ", state="
          + Arrays.toString(state) + ", action=" + Arrays.toString(action) + ", hidden=" + hidden.length
          + " values, algorithm=" + algorithm + ", decision=" + decision + "]";
    }
  }

  /** What one compressed prunable layer became, and what it costs. */
  /** {@code inputDensity}: the non-zero fraction of its input activations it was priced at; null where not measured. */
  record LayerResult(String layer, LayerShape shape, double sparsity, int keptChannels, long params, long macs,
                     long nonZeroMacs, int weightBits, int activationBits, double energy, Double inputDensity) {
    public LayerResult(String layer, LayerShape shape, double sparsity, int keptChannels, long params, long macs,
                       long nonZeroMacs, int weightBits, int activationBits, double energy) {
      this(layer, shape, sparsity, keptChannels, params, macs, nonZeroMacs, weightBits, activationBits, energy, null);
    }

    /** The density it was priced at (1: dense activations). */
    public double pricedInputDensity() {
      return inputDensity == null ? 1.0 : inputDensity;
    }
  }

  record EpisodeEvaluated(int episode, CompressionPlan plan, double accuracy, double accuracyLoss, double energy,
                          double energyReduction, double reward, List<LayerResult> layers) implements SearchEvent {
    public EpisodeEvaluated {
      layers = List.copyOf(layers);
    }
  }

  /** A checkpoint file of one agent, relative to the search's directory, with its SHA-256. */
  record CheckpointRef(String agent, String file, String sha256, long size) {}

  /**
   * The agents' checkpoint after learning from {@code episode}. {@code ahead}: the episodes the agents had already
   * generated (every layer step journaled) and that were not yet evaluated: the checkpoint's random state is past
   * their actions, so a resume evaluates their journaled plans again instead of generating them anew (empty in the
   * strict order, hwc.search.episodes-in-flight = 1; absent in journals written before it existed).
   */
  record AgentCheckpointed(int episode, List<CheckpointRef> checkpoints, List<Integer> ahead) implements SearchEvent {
    public AgentCheckpointed {
      checkpoints = List.copyOf(checkpoints);
      ahead = ahead == null ? List.of() : List.copyOf(ahead);
    }

    public CheckpointRef of(String agent) {
      for (CheckpointRef r : checkpoints) if (r.agent().equals(agent)) return r;
      throw new IllegalStateException("checkpoint of episode " + episode + " has no agent '" + agent + "'");
    }
  }

  /** The search ended: {@code episodes} reached or {@code max-time} spent. */
  record SearchCompleted(String reason, int episodes) implements SearchEvent {}
}
