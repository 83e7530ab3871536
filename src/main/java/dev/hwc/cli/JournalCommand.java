package dev.hwc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hwc.search.JournalReader;
import dev.hwc.search.SearchEvent;
import dev.hwc.search.SearchEvent.AgentCheckpointed;
import dev.hwc.search.SearchEvent.EpisodeEvaluated;
import dev.hwc.search.SearchEvent.EpisodeStarted;
import dev.hwc.search.SearchEvent.LayerStepTaken;
import dev.hwc.search.SearchEvent.SearchCompleted;
import dev.hwc.search.SearchEvent.SearchStarted;
import dev.hwc.search.SearchSettings;
import dev.hwc.search.SearchSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code hwc journal <id>}: the search's events, one per line, readable or as JSON lines. */
@Command(name = "journal", mixinStandardHelpOptions = true, description = "Print a search's journal.")
public final class JournalCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "The search's id (see hwc searches).")
  String id;

  @Option(names = "--json", description = "One JSON object per event: seq, time, type, event.")
  boolean json;

  @Option(names = "--episode", description = "Only the events of this episode.")
  Integer episode;

  @Mixin ConfigOption config;

  @Override
  public Integer call() throws Exception {
    SearchCommand.checkId(id);
    var root = config.load();
    SearchSettings settings = SearchSettings.from(root);
    ActorSystem<Void> system = SearchSystem.start(root, settings);
    try {
      List<JournalReader.Entry> events = new JournalReader(system, Duration.ofSeconds(60)).events(id);
      if (events.isEmpty()) throw new IllegalArgumentException("no search named '" + id + "' (hwc searches lists them)");
      PrintWriter out = spec.commandLine().getOut();
      ObjectMapper mapper = new ObjectMapper();
      for (JournalReader.Entry e : events) {
        if (episode != null && episodeOf(e.event()) != episode) continue;
        if (json) {
          ObjectNode n = mapper.createObjectNode();
          n.put("seq", e.sequenceNr());
          n.put("time", Instant.ofEpochMilli(e.timestamp()).toString());
          n.put("type", e.event().getClass().getSimpleName());
          n.set("event", mapper.valueToTree(e.event()));
          out.println(mapper.writeValueAsString(n));
        } else {
          out.printf(Locale.ROOT, "%5d  %-17s %s%n", e.sequenceNr(), e.event().getClass().getSimpleName(), describe(e.event()));
        }
      }
      out.flush();
      return 0;
    } finally {
      SearchSystem.stop(system, Duration.ofSeconds(30));
    }
  }

  /** The episode an event belongs to; -1 for the search-wide ones. */
  static int episodeOf(SearchEvent e) {
    if (e instanceof EpisodeStarted x) return x.episode();
    if (e instanceof LayerStepTaken x) return x.episode();
    if (e instanceof EpisodeEvaluated x) return x.episode();
    if (e instanceof AgentCheckpointed x) return x.episode();
    return -1;
  }

  static String describe(SearchEvent e) {
    if (e instanceof SearchStarted s)
      return String.format(Locale.ROOT, "search %s on %s (model %s, data %s), %d decision layers, baseline top-1 %.2f%%, "
              + "baseline energy %.4g pJ, loss bound %.2f pts, seed %d, %d episodes, algorithms %s",
          s.searchId(), s.modelPath(), s.modelFingerprint(), s.datasetFingerprint(), s.decisionLayers().size(),
          s.baselineAccuracy() * 100, s.baselineEnergy(), s.maxAccuracyLoss(), s.seed(), s.episodes(), s.algorithms());
    if (e instanceof EpisodeStarted s) return "episode " + s.episode();
    if (e instanceof LayerStepTaken s)
      return String.format(Locale.ROOT, "episode %d step %d %s: prune %.3f with %s, weights %d bits, activations %d bits "
              + "(action %.3f/%.3f/%.3f, algorithm %d)",
          s.episode(), s.step(), s.layer(), s.decision().pruneRatio(), s.decision().algorithm(), s.decision().weightBits(),
          s.decision().activationBits(), s.action()[0], s.action()[1], s.action()[2], s.algorithm());
    if (e instanceof EpisodeEvaluated s)
      return String.format(Locale.ROOT, "episode %d: top-1 %.2f%% (loss %.2f pts), energy %.4g pJ (-%.2f%%), reward %.3f, plan %s",
          s.episode(), s.accuracy() * 100, s.accuracyLoss(), s.energy(), s.energyReduction() * 100, s.reward(), s.plan().hash());
    if (e instanceof AgentCheckpointed s)
      return "episode " + s.episode() + ": " + s.checkpoints().stream()
          .map(r -> r.agent() + " " + r.file() + " (" + r.size() + " B, sha256 " + r.sha256().substring(0, 12) + ")")
          .collect(Collectors.joining(", "));
    if (e instanceof SearchCompleted s) return s.reason() + " after " + s.episodes() + " episodes";
    return e.toString();
  }
}
