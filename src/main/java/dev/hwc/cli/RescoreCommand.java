package dev.hwc.cli;

import dev.hwc.search.JournaledConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import dev.hwc.energy.Accelerator;
import dev.hwc.energy.EnergySettings;
import dev.hwc.energy.ModelEnergy;
import dev.hwc.energy.RowStationaryModel;
import dev.hwc.search.AcceleratorEnergy;
import dev.hwc.search.EnergyRescore;
import dev.hwc.search.ParetoArchive;
import dev.hwc.search.SearchCoordinator;
import dev.hwc.search.SearchEvent.EpisodeEvaluated;
import dev.hwc.search.SearchEvent.SearchStarted;
import dev.hwc.search.SearchSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code hwc rescore <id> --hardware FILE}: every journaled plan's energy on another accelerator, without inference. */
@Command(name = "rescore", mixinStandardHelpOptions = true,
    description = "Energy of every journaled plan of a search under another hardware file (no inference: accuracy is hardware-independent). The search keeps its journaled settings: --config only says where the journal is.")
public final class RescoreCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "The search's id (see hwc searches).")
  String id;

  @Option(names = "--hardware", required = true, paramLabel = "FILE", description = "Accelerator file, e.g. conf/hardware/eyeriss-v1.conf.")
  Path hardware;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Mixin ConfigOption config;

  /** One episode under the journaled and the new hardware. */
  public record Row(int episode, String planHash, double accuracyLossPoints, double journaledEnergyPj,
                    double journaledReductionPercent, double energyPj, double reductionPercent) {}

  /** What --json prints. */
  public record Result(String searchId, String hardware, double baselineEnergyPj, double maxAccuracyLossPoints,
                       List<Row> episodes, Row chosen) {}

  @Override
  public Integer call() throws Exception {
    SearchCommand.checkId(id);
    if (!Files.isRegularFile(hardware)) throw new IllegalArgumentException("hardware file not found: " + hardware);
    Config current = config.load();
    SearchCoordinator.State state = ReportCommand.readState(current, SearchSettings.from(current), id);
    SearchStarted st = state.started();
    // The energy model's settings (density step, baseline bits) as the search ran; only the accelerator changes.
    Config root = JournaledConfig.of(st.configJson(), current);
    EnergySettings es = EnergySettings.fromConfig(root.getConfig("hwc.energy"));
    var energy = new AcceleratorEnergy(new ModelEnergy(new RowStationaryModel(Accelerator.load(hardware), es.densityStep()), es.baselineBits()));
    var r = EnergyRescore.of(state.evaluated(), st.prunableLayers(), st.baselineInputDensities(), energy);

    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < r.episodes().size(); i++) {
      EpisodeEvaluated old = state.evaluated().get(i), now = r.episodes().get(i);
      rows.add(new Row(now.episode(), now.plan().hash(), now.accuracyLoss(), old.energy(), old.energyReduction() * 100,
          now.energy(), now.energyReduction() * 100));
    }
    Optional<ParetoArchive.Point> best = ParetoArchive.of(r.episodes()).chosen(st.maxAccuracyLoss());
    Row chosen = best.map(p -> rows.get(indexOf(r.episodes(), p.episode()))).orElse(null);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(
          new Result(id, hardware.toString(), r.baselineEnergy(), st.maxAccuracyLoss(), rows, chosen)));
    } else {
      out.printf(Locale.ROOT, "search %s under %s: dense 8-bit baseline %.4g pJ (journaled hardware: %.4g pJ)%n", id, hardware,
          r.baselineEnergy(), st.baselineEnergy());
      List<String[]> t = new ArrayList<>();
      for (Row x : rows)
        t.add(new String[] {Integer.toString(x.episode()), String.format(Locale.ROOT, "%.2f", x.accuracyLossPoints()),
            String.format(Locale.ROOT, "%.4g", x.journaledEnergyPj()), String.format(Locale.ROOT, "%.2f%%", x.journaledReductionPercent()),
            String.format(Locale.ROOT, "%.4g", x.energyPj()), String.format(Locale.ROOT, "%.2f%%", x.reductionPercent()), x.planHash()});
      SearchesCommand.table(out, List.of("episode", "loss(pt)", "energy pJ (journal)", "reduction (journal)", "energy pJ (new)",
          "reduction (new)", "plan"), t);
      if (chosen == null)
        out.printf(Locale.ROOT, "no plan within the accuracy-loss bound of %.2f points%n", st.maxAccuracyLoss());
      else
        out.printf(Locale.ROOT, "chosen plan under %s: episode %d, energy %.4g pJ, -%.2f%% vs dense 8-bit, loss %.2f points (plan %s)%n",
            hardware, chosen.episode(), chosen.energyPj(), chosen.reductionPercent(), chosen.accuracyLossPoints(), chosen.planHash());
    }
    out.flush();
    return 0;
  }

  private static int indexOf(List<EpisodeEvaluated> episodes, int episode) {
    for (int i = 0; i < episodes.size(); i++) if (episodes.get(i).episode() == episode) return i;
    throw new IllegalStateException("episode " + episode + " not found");
  }
}
