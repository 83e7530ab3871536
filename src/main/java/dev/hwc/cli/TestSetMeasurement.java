package dev.hwc.cli;

import dev.hwc.search.JournaledConfig;
import com.typesafe.config.Config;
import dev.hwc.compress.CompressedModel;
import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.CompressionSettings;
import dev.hwc.compress.PlanInstaller;
import dev.hwc.data.DataSettings;
import dev.hwc.data.DataSplits;
import dev.hwc.model.Evaluator;
import dev.hwc.model.ModelIO;
import dev.hwc.model.Network;
import dev.hwc.search.CheckpointStore;
import dev.hwc.search.SearchEvent.SearchStarted;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A search's plans re-measured on the test set, with the model, data splits and compressor settings the search ran
 * with (its journaled configuration): what {@code hwc report} and {@code hwc bench compare} report as test-set
 * figures. Loading calibrates the compressor and measures the dense model once; each plan is then one evaluation.
 */
final class TestSetMeasurement {
  /** A plan applied to the network, and its test-set top-1 accuracy. */
  record Measured(CompressedModel model, double accuracy) {}

  private final Network net;
  private final DataSplits splits;
  private final PlanInstaller installer;
  private final int batch;
  private final double baselineAccuracy;
  private final Map<String, Double> accuracyByPlanHash = new HashMap<>();

  private TestSetMeasurement(Network net, DataSplits splits, PlanInstaller installer, int batch, double baselineAccuracy) {
    this.net = net;
    this.splits = splits;
    this.installer = installer;
    this.batch = batch;
    this.baselineAccuracy = baselineAccuracy;
  }

  /** The journaled configuration of {@code st} over {@code current} (which supplies what the journal lacks). */
  static Config searchConfig(SearchStarted st, Config current) {
    return JournaledConfig.of(st.configJson(), current);
  }

  /** Loads the search's model (refused if it changed since the search started) and data, calibrates, measures the dense model. */
  static TestSetMeasurement of(SearchStarted st, Config current) {
    Config root = searchConfig(st, current);
    Path modelPath = Path.of(st.modelPath());
    if (!Files.isRegularFile(modelPath)) throw new IllegalArgumentException("model file of search '" + st.searchId() + "' not found: " + modelPath);
    String sha;
    try {
      sha = CheckpointStore.sha256(Files.readAllBytes(modelPath));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model " + modelPath + ": " + e.getMessage(), e);
    }
    if (!sha.equals(st.modelFingerprint()))
      throw new IllegalArgumentException("model " + modelPath + " has changed since search '" + st.searchId() + "' started (fingerprint "
          + sha + ", journal " + st.modelFingerprint() + ")");
    CompressionSettings cs = CompressionSettings.from(root);
    int batch = root.getInt("hwc.model.eval-batch-size");
    Network net = ModelIO.load(modelPath);
    DataSplits splits = DataSplits.load(DataSettings.from(root));
    PlanInstaller installer = PlanInstaller.of(net, splits.calibration(), cs, batch);
    double base = Evaluator.evaluate(installer.exec(), splits.test(), batch).accuracy();
    return new TestSetMeasurement(net, splits, installer, batch, base);
  }

  /** The dense model's test-set top-1 accuracy. */
  double baselineAccuracy() {
    return baselineAccuracy;
  }

  Network network() {
    return net;
  }

  /** Applies {@code plan} and measures it on the test set. */
  Measured measure(CompressionPlan plan) {
    CompressedModel m = installer.install(plan);
    double acc = Evaluator.evaluate(installer.exec(), splits.test(), batch).accuracy();
    accuracyByPlanHash.put(plan.hash(), acc);
    System.gc();
    return new Measured(m, acc);
  }

  /** The test-set accuracy of {@code plan}, measured once per plan (the evaluation is deterministic). */
  double accuracy(CompressionPlan plan) {
    Double known = accuracyByPlanHash.get(plan.hash());
    return known != null ? known : measure(plan).accuracy();
  }
}
