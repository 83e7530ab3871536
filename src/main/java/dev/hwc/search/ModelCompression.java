package dev.hwc.search;

import dev.hwc.compress.CompressedModel;
import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.CompressionSettings;
import dev.hwc.compress.Compressor;
import dev.hwc.compress.LayerDecision;
import dev.hwc.compress.LayerStats;
import dev.hwc.compress.PlanInstaller;
import dev.hwc.data.DataSplits;
import dev.hwc.model.EvaluationSettings;
import dev.hwc.model.Evaluator;
import dev.hwc.model.LayerShape;
import dev.hwc.model.ModelGraph;
import dev.hwc.model.Network;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The search's compression backend on the real pieces: {@link Compressor} sessions layer by layer, and one long-lived
 * executable form of the base network whose weights each evaluation overwrites in place (STACK.md: no re-allocation
 * per episode). Every prunable layer is a layer step; within a dependency group the compressor lets only the
 * deciding layer act on channels.
 */
public final class ModelCompression implements CompressionBackend {
  private final String modelFingerprint;
  private final DataSplits splits;
  private final ModelGraph graph;
  private final PlanInstaller installer;
  private final CompressionSettings settings;
  private final EvaluationSettings evaluation;
  private final double maxLossPoints;
  private final Evaluator.Batches searchBatches;
  private final List<LayerShape> layers;
  private volatile Double baseline;
  /** Episodes whose layers are being (or were all) compressed, by id; an evaluation takes its episode's session. */
  private final Map<Integer, OpenSession> sessions = new ConcurrentHashMap<>();
  private int evaluations;

  /**
   * @param maxLossPoints the search's accuracy-loss bound: with early rejection on, an evaluation stops once the
   *                      plan is known (at the configured confidence) to lose more than this
   */
  public ModelCompression(Network base, String modelFingerprint, DataSplits splits, CompressionSettings settings,
                          EvaluationSettings evaluation, double maxLossPoints) {
    this.modelFingerprint = modelFingerprint;
    this.splits = splits;
    this.settings = settings;
    this.evaluation = evaluation;
    this.maxLossPoints = maxLossPoints;
    this.installer = PlanInstaller.of(base, splits.calibration(), settings, evaluation.batchSize());
    this.graph = installer.compressor().graph();
    // Cut the search subset into batches once per worker, not once per episode.
    this.searchBatches = Evaluator.Batches.of(splits.search(), evaluation.batchSize());
    this.layers = graph.layers().stream().map(ModelGraph.Layer::shape).toList();
  }

  @Override public String modelFingerprint() { return modelFingerprint; }

  @Override public String datasetFingerprint() { return splits.fingerprint(); }

  @Override public Map<String, String> dataProvenance() { return splits.provenance(); }

  @Override public List<String> algorithms() { return settings.algorithms(); }

  @Override public List<LayerShape> decisionLayers() { return layers; }

  @Override public Map<String, String> coarseRestrictions() { return graph.coarseRestrictions(); }

  @Override public List<LayerShape> prunableLayers() { return layers; }

  @Override public synchronized void useBaselineAccuracy(double accuracy) {
    baseline = accuracy;
  }

  @Override public synchronized double baselineAccuracy() {
    if (baseline == null) {
      installer.exec().restoreDense();
      baseline = Evaluator.evaluate(installer.exec(), searchBatches).accuracy();
    }
    return baseline;
  }

  /** An episode's compressor session and the layer steps it has taken. */
  private record OpenSession(Compressor.Session session, int steps) {}

  @Override public List<LayerOutcome> compressLayer(int episode, int step, LayerDecision d) {
    if (step == 0) sessions.put(episode, new OpenSession(installer.session(), 0));
    OpenSession open = sessions.get(episode);
    if (open == null || open.steps() != step)
      throw new IllegalStateException("episode " + episode + ": layer step " + step + " out of order");
    LayerStats st = open.session().step(graph.layers().get(step).name(), d);
    sessions.put(episode, new OpenSession(open.session(), step + 1));
    // The plan records the bits as applied (first/last layers pinned by the compressor).
    LayerDecision applied = new LayerDecision(d.pruneRatio(), d.algorithm(), st.weightBits(), st.activationBits());
    return List.of(new LayerOutcome(st.layer(), applied, st.shape(), st.sparsity(), st.keptOutChannels(),
        st.nonZeroWeights(), st.macs(), st.nonZeroMacs(), st.inputDensity()));
  }

  @Override public List<Double> denseInputDensities(int bits) {
    Compressor.Session dense = installer.session();
    return layers.stream().map(l -> dense.inputDensity(l.name(), bits)).toList();
  }

  @Override public Accuracy evaluate(int episode, CompressionPlan plan) {
    // The episode's session already holds every step; a plan from elsewhere (a cluster worker) is applied afresh.
    OpenSession open = sessions.remove(episode);
    CompressedModel m = open != null && open.steps() == graph.layers().size() ? open.session().finish() : installer.compress(plan);
    // The baseline (measured once, on the base weights) must be known before the plan overwrites them.
    Evaluator.EarlyRejection early = evaluation.earlyRejection(baselineAccuracy(), maxLossPoints);
    installer.install(m);
    // An early-rejected plan reports its accuracy so far: past the bound with ≥ the configured confidence, so the
    // reward table gives it the penalty as a full evaluation would (up to the estimate's noise).
    Evaluator.Outcome o = Evaluator.evaluate(installer.exec(), searchBatches, early);
    // Off-heap buffers are freed only when their Java wrappers are collected (STACK.md pitfall 4).
    if (++evaluations % 10 == 0) System.gc();
    return new Accuracy(o.accuracy(), o.firstBatchAccuracy());
  }
}
