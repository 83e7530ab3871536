package dev.hwc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import dev.hwc.search.JournalReader;
import dev.hwc.search.ParetoArchive;
import dev.hwc.search.SearchCoordinator;
import dev.hwc.search.SearchEvent.EpisodeEvaluated;
import dev.hwc.search.SearchLock;
import dev.hwc.search.SearchSettings;
import dev.hwc.search.SearchSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code hwc searches}: the journal's searches with their status, progress and best plan so far. */
@Command(name = "searches", mixinStandardHelpOptions = true, description = "List the journaled searches.")
public final class SearchesCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--json", description = "One JSON object per search.")
  boolean json;

  @Mixin ConfigOption config;

  @Override
  public Integer call() throws Exception {
    Config root = config.load();
    SearchSettings settings = SearchSettings.from(root);
    ActorSystem<Void> system = SearchSystem.start(root, settings);
    try {
      var reader = new JournalReader(system, Duration.ofSeconds(60));
      PrintWriter out = spec.commandLine().getOut();
      List<String[]> rows = new ArrayList<>();
      ObjectMapper mapper = new ObjectMapper();
      for (String id : reader.searchIds()) {
        SearchCoordinator.State s = reader.state(id);
        if (s.started() == null) continue;
        String status = status(s, SearchLock.isHeld(settings.searchDir(id)));
        Optional<ParetoArchive.Point> best = best(s);
        String model = Path.of(s.started().modelPath()).getFileName().toString();
        if (json) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", id);
          m.put("model", s.started().modelPath());
          m.put("status", status);
          m.put("episodesDone", s.episodesDone());
          m.put("episodes", s.started().episodes());
          m.put("bestEpisode", best.map(ParetoArchive.Point::episode).orElse(null));
          m.put("bestEnergyReductionPercent", best.map(p -> p.energyReduction() * 100).orElse(null));
          m.put("bestAccuracyLossPoints", best.map(ParetoArchive.Point::accuracyLoss).orElse(null));
          out.println(mapper.writeValueAsString(m));
        } else {
          rows.add(new String[]{id, model, status, s.episodesDone() + "/" + s.started().episodes(),
              best.map(p -> String.format(Locale.ROOT, "-%.1f%% energy, %.2f pts loss (ep %d)",
                  p.energyReduction() * 100, p.accuracyLoss(), p.episode())).orElse("none within bound")});
        }
      }
      if (!json) {
        if (rows.isEmpty()) out.println("no searches in " + settings.workDir());
        else table(out, List.of("ID", "MODEL", "STATUS", "EPISODES", "BEST"), rows);
      }
      out.flush();
      return 0;
    } finally {
      SearchSystem.stop(system, Duration.ofSeconds(30));
    }
  }

  static String status(SearchCoordinator.State s, boolean running) {
    if (s.completed() != null) return "complete (" + s.completed().reason() + ")";
    if (running) return "running";
    return "interrupted";
  }

  static Optional<ParetoArchive.Point> best(SearchCoordinator.State s) {
    List<EpisodeEvaluated> ev = s.evaluated();
    return ParetoArchive.of(ev).chosen(s.started().maxAccuracyLoss());
  }

  /** The chosen plan so far, in one line. */
  static void printSummary(SearchCoordinator.State s, PrintWriter out) {
    if (s.started() == null) return;
    Optional<ParetoArchive.Point> best = best(s);
    if (best.isEmpty()) {
      out.printf(Locale.ROOT, "no plan within the accuracy-loss bound of %.2f points after %d episodes%n",
          s.started().maxAccuracyLoss(), s.episodesDone());
    } else {
      var p = best.get();
      out.printf(Locale.ROOT, "chosen plan: episode %d, energy -%.2f%% vs the dense 8-bit baseline, top-1 loss %.2f points (plan %s)%n",
          p.episode(), p.energyReduction() * 100, p.accuracyLoss(), p.planHash());
    }
    out.flush();
  }

  static void table(PrintWriter out, List<String> header, List<String[]> rows) {
    int[] w = new int[header.size()];
    for (int i = 0; i < w.length; i++) w[i] = header.get(i).length();
    for (String[] r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r[i].length());
    StringBuilder fmt = new StringBuilder();
    for (int i = 0; i < w.length; i++) fmt.append(i == w.length - 1 ? "%s" : "%-" + w[i] + "s  ");
    fmt.append("%n");
    out.printf(fmt.toString(), header.toArray());
    for (String[] r : rows) out.printf(fmt.toString(), (Object[]) r);
  }
}
