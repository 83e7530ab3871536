package dev.hwc.cli;

import com.typesafe.config.Config;
import dev.hwc.compress.CompressedModel;
import dev.hwc.compress.CompressionPlan;
import dev.hwc.model.ModelIO;
import dev.hwc.model.Network;
import dev.hwc.model.PairedAccuracy;
import dev.hwc.report.ReportWriter;
import dev.hwc.report.SearchReport;
import dev.hwc.report.SearchReports;
import dev.hwc.search.JournalReader;
import dev.hwc.search.SearchCoordinator;
import dev.hwc.search.SearchEvent.SearchStarted;
import dev.hwc.search.SearchSettings;
import dev.hwc.search.SearchSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hwc report <id>}: the search's report, with the chosen plan and the Pareto plans re-measured on the test set,
 * the chosen plan's JSON and its thinned model. Reads the journal only, so a running search can be reported on.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write a search's report (HTML, JSON, CSV, charts), the chosen plan and its thinned model; test-set figures. The search keeps its journaled settings: --config only says where the journal is.")
public final class ReportCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "The search's id (see hwc searches).")
  String id;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: hwc-data/searches/<id>/report).")
  Path out;

  @Option(names = "--pareto-test", paramLabel = "N", description = "Pareto plans re-measured on the test set (default 8).")
  int paretoTest = 8;

  @Mixin ConfigOption config;

  @Option(names = "--model", description = "The model file, if it moved since the search started (it must be the same file: "
      + "the journaled SHA-256; default the journaled path).")
  Path model;

  @Override
  public Integer call() {
    SearchCommand.checkId(id);
    if (paretoTest < 0) throw new IllegalArgumentException("--pareto-test must be >= 0, was " + paretoTest);
    Config current = config.load();
    SearchSettings where = SearchSettings.from(current);
    SearchCoordinator.State state = readState(current, where, id);
    Path dir = out != null ? out : where.searchDir(id).resolve("report");
    PrintWriter o = spec.commandLine().getOut();
    o.printf("report %s: %d episodes journaled; measuring plans on the test set ...%n", id, state.episodesDone());
    o.flush();
    write(state, current, model, dir, paretoTest, o);
    return 0;
  }

  /** The journal of {@code id} folded, or one clear error when there is no such search. */
  static SearchCoordinator.State readState(Config current, SearchSettings where, String id) {
    ActorSystem<Void> system = SearchSystem.start(current, where);
    try {
      SearchCoordinator.State s = new JournalReader(system, Duration.ofSeconds(60)).state(id);
      if (s.started() == null) throw new IllegalArgumentException("no search named '" + id + "' (hwc searches lists them)");
      return s;
    } finally {
      SearchSystem.stop(system, Duration.ofSeconds(30));
    }
  }

  /** Measures, writes every file into {@code dir}, prints where. Returns the report written. */
  static SearchReport write(SearchCoordinator.State state, Config current, Path model, Path dir, int paretoTest, PrintWriter o) {
    SearchStarted st = state.started();
    // Measured with the configuration the search ran with (data splits, compressor settings).
    TestSetMeasurement test = TestSetMeasurement.of(st, current, model);
    Network net = test.network();
    double baseTest = test.baselineAccuracy();

    Map<String, PairedAccuracy> tested = new HashMap<>();
    List<CompressionPlan> plans = SearchReports.plansToTest(state, paretoTest);
    var chosen = SearchReports.chosen(state);
    CompressedModel chosenModel = null;
    PairedAccuracy chosenOnSearch = null;
    for (CompressionPlan plan : plans) {
      boolean isChosen = chosen.isPresent() && chosen.get().planHash().equals(plan.hash());
      // the chosen plan on the search subset first: the dense pass there then needs no restore, and its install
      // serves the test-set measurement right after
      if (isChosen) {
        chosenOnSearch = test.searchSubset(plan);
        // deterministic: the same images, model and plan give the journaled loss again (else the report says so)
        if (Math.abs(chosenOnSearch.lossPoints() - chosen.get().accuracyLoss()) > 0.005)
          o.printf(Locale.ROOT, "note: the chosen plan measures %.2f points on the search subset now, %.2f in the journal%n",
              chosenOnSearch.lossPoints(), chosen.get().accuracyLoss());
      }
      TestSetMeasurement.Measured m = test.measure(plan);
      tested.put(plan.hash(), m.test());
      if (isChosen) chosenModel = m.model();
    }
    try {
      Files.createDirectories(dir);
      String planFile = null, modelFile = null;
      if (chosenModel != null) {
        planFile = dir.resolve("plan.json").toString();
        modelFile = dir.resolve("model.zip").toString();
        Files.writeString(Path.of(planFile), chosenModel.plan().toCanonicalJson() + "\n");
        ModelIO.save(chosenModel.thinned(net), Path.of(modelFile));
      }
      SearchReport r = SearchReports.of(state, SearchReports.TestSet.of(baseTest, tested, chosenOnSearch, test.images()), planFile, modelFile);
      ReportWriter.write(r, dir);
      o.printf(Locale.ROOT, "dense model: test top-1 %.2f%%, energy %.4g pJ%n", baseTest * 100, st.baselineEnergy());
      for (SearchReport.TestedPlan t : r.testedPareto())
        o.printf(Locale.ROOT, "  Pareto plan %s: test top-1 %.2f%% (loss %.2f ± %.2f points), energy -%.2f%%%n", t.planHash(),
            t.testAccuracy() * 100, t.testAccuracyLossPoints(), t.testLossStandardErrorPoints(), t.energyReductionPercent());
      if (r.chosen() != null) {
        var c = r.chosen();
        o.printf(Locale.ROOT, "chosen plan (episode %d): energy -%.2f%% vs dense 8-bit; loss %.2f ± %.2f points on the search subset, %.2f ± %.2f on the test set%n",
            c.episode(), c.energyReductionPercent(), c.searchAccuracyLossPoints(), c.searchLossStandardErrorPoints(),
            c.testAccuracyLossPoints(), c.testLossStandardErrorPoints());
        o.println("  (± one paired standard error, from the images on which the plan and the dense model disagree; the best of many"
            + " plans on the search subset is also chosen for its luck there, so expect its test loss higher: docs/results.md)");
        o.println("wrote " + planFile + " and the thinned model " + modelFile);
      } else {
        o.printf(Locale.ROOT, "no plan within the accuracy-loss bound of %.2f points: no plan.json or model.zip%n", st.maxAccuracyLoss());
      }
      o.println("wrote " + dir.resolve("report.html") + " (and report.json, pareto.csv, pareto.png"
          + (r.chosen() != null ? ", policy.png" : "") + ")");
      o.flush();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + dir + ": " + e.getMessage(), e);
    }
  }
}
