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
import dev.hwc.model.PairedAccuracy;
import dev.hwc.search.RealParts;
import dev.hwc.search.SearchEvent.SearchStarted;

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
  /** A plan applied to the network, and its test-set top-1 paired with the dense model's. */
  record Measured(CompressedModel model, PairedAccuracy test) {}

  private final Network net;
  private final DataSplits splits;
  private final PlanInstaller installer;
  private final int batch;
  // the dense model's top-1 classes, image by image: what every plan's result is paired with (on the search subset
  // only when asked for: bench compare never is)
  private final int[] denseTest;
  private int[] denseSearch;
  private final Map<String, PairedAccuracy> byPlanHash = new HashMap<>();
  // the plan the executable form holds now (null: the dense model), so that one plan is installed once for both sets
  private CompressedModel installed;

  private TestSetMeasurement(Network net, DataSplits splits, PlanInstaller installer, int batch) {
    this.net = net;
    this.splits = splits;
    this.installer = installer;
    this.batch = batch;
    this.denseTest = Evaluator.predictions(installer.exec(), splits.test(), batch);
  }

  /** The journaled configuration of {@code st} over {@code current} (which supplies what the journal lacks). */
  static Config searchConfig(SearchStarted st, Config current) {
    return JournaledConfig.of(st.configJson(), current);
  }

  /**
   * Loads the search's model — from {@code model} where given (the file moved since the search started), else from
   * the journaled path; refused unless it is the file the search ran on (the journaled SHA-256) — and data,
   * calibrates, measures the dense model.
   */
  static TestSetMeasurement of(SearchStarted st, Config current, Path model) {
    Config root = searchConfig(st, current);
    Path modelPath = model != null ? model.toAbsolutePath().normalize() : Path.of(st.modelPath());
    if (!Files.isRegularFile(modelPath))
      throw new IllegalArgumentException("model file of search '" + st.searchId() + "' not found: " + modelPath
          + (model == null ? " (if it moved, give its new place with --model)" : ""));
    String sha = RealParts.fingerprint(modelPath);
    if (!sha.equals(st.modelFingerprint())) throw SearchCommand.notTheSearchsModel(st, modelPath, sha);
    CompressionSettings cs = CompressionSettings.from(root);
    int batch = root.getInt("hwc.model.eval-batch-size");
    Network net = ModelIO.load(modelPath);
    DataSplits splits = DataSplits.load(DataSettings.from(root), net.signature(modelPath.getFileName().toString()));
    PlanInstaller installer = PlanInstaller.of(net, splits.calibration(), cs, batch);
    // the dense model as the search saw it (equalized, before any plan): measured before the first install
    return new TestSetMeasurement(net, splits, installer, batch);
  }

  /** The dense model's test-set top-1 accuracy. */
  double baselineAccuracy() {
    int correct = 0;
    for (int i = 0; i < denseTest.length; i++) if (denseTest[i] == splits.test().labels()[i]) correct++;
    return correct / (double) denseTest.length;
  }

  /** Which images the search subset, calibration and test figures come from. */
  java.util.Map<String, String> images() {
    return splits.provenance();
  }

  Network network() {
    return net;
  }

  /** {@code plan} applied to the executable form, unless it is the one applied last. */
  private CompressedModel install(CompressionPlan plan) {
    if (installed == null || !installed.plan().hash().equals(plan.hash())) installed = installer.install(plan);
    return installed;
  }

  /** Applies {@code plan} and measures it on the test set. */
  Measured measure(CompressionPlan plan) {
    CompressedModel m = install(plan);
    PairedAccuracy test = PairedAccuracy.of(splits.test().labels(), denseTest, Evaluator.predictions(installer.exec(), splits.test(), batch));
    byPlanHash.put(plan.hash(), test);
    System.gc();
    return new Measured(m, test);
  }

  /** The test-set result of {@code plan}, measured once per plan (the evaluation is deterministic). */
  PairedAccuracy test(CompressionPlan plan) {
    PairedAccuracy known = byPlanHash.get(plan.hash());
    return known != null ? known : measure(plan).test();
  }

  /**
   * {@code plan} measured again on the search subset, paired with the dense model there: the search journals the
   * loss, this adds its standard error (and equals the journaled loss: the evaluation is deterministic).
   */
  PairedAccuracy searchSubset(CompressionPlan plan) {
    if (denseSearch == null) {
      if (installed != null) {
        // back to the dense model, as the search measured its baseline (ModelCompression.baselineAccuracy)
        installer.exec().restoreDense();
        installed = null;
      }
      denseSearch = Evaluator.predictions(installer.exec(), splits.search(), batch);
    }
    install(plan);
    PairedAccuracy r = PairedAccuracy.of(splits.search().labels(), denseSearch, Evaluator.predictions(installer.exec(), splits.search(), batch));
    System.gc();
    return r;
  }
}
