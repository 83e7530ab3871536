package dev.hwc.cli;

import com.typesafe.config.Config;
import dev.hwc.search.SearchCoordinator;
import dev.hwc.search.SearchSettings;
import dev.hwc.search.SearchSystem;
import dev.hwc.search.JournalReader;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

/**
 * {@code hwc demo}: the main job end to end on the bundled LeNet-5 — a real search with a budget that finishes in
 * minutes, then its report. An interrupted demo search is continued; a completed one is never overwritten (a fresh
 * id is used instead).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Search a compression policy for the bundled LeNet-5 (a few minutes), then write the report.")
public final class DemoCommand implements Callable<Integer> {
  /**
   * 300, the budget of the comparisons in docs/results.md: with today's defaults (seed 1; 512 calibration images) the
   * search chooses its plan at episode 76 (−66.1% energy, 1.00 point on the search subset, 1.01 on the test set; plan
   * 2841c6de71fef7c4); the demo took 6 min 20 s with two searches running beside it, the report included; --max-time
   * (default 8m) caps the search on a loaded machine.
   */
  static final int DEFAULT_EPISODES = 300;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--episodes", description = "Episodes of the search (default " + DEFAULT_EPISODES + ").")
  int episodes = DEFAULT_EPISODES;

  @Option(names = "--id", description = "Name of the search (default demo, or demo-<model> with --model).")
  String id;

  @Option(names = "--model", paramLabel = "M", description = "Model zip to search (default: the bundled models/lenet5.zip); "
      + "with --data for a model of other images, e.g. models/rgb-resnet.zip --data DIR.")
  Path model;

  @picocli.CommandLine.Mixin DataOptions data;

  @Option(names = "--max-time", description = "Stop the search after this long (default 8m), e.g. 5m.")
  String maxTime = "8m";

  @Override
  public Integer call() {
    String name = model == null ? "demo" : "demo-" + model.getFileName().toString().replaceFirst("\\.zip$", "");
    String id = this.id != null ? this.id : name;
    SearchCommand.checkId(id);
    if (episodes < 1) throw new IllegalArgumentException("--episodes must be at least 1, was " + episodes);
    Config current = HwcConfig.load(null);
    SearchSettings where = SearchSettings.from(current);
    Path model = this.model != null ? this.model : HwcConfig.resolve("models/lenet5.zip");
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    String searchId = id;
    SearchCoordinator.State s = state(current, where, searchId);
    int code;
    if (s.started() != null && s.completed() == null) {
      out.println("demo: search '" + searchId + "' was interrupted; continuing it");
      out.flush();
      code = Hwc.commandLine().setOut(out).setErr(err).execute("resume", searchId, "--max-time", maxTime);
    } else {
      if (s.started() != null) {
        searchId = id + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        out.println("demo: search '" + id + "' is complete; this run is '" + searchId + "'");
      }
      out.flush();
      List<String> args = new java.util.ArrayList<>(List.of("search", "--model", model.toString(),
          "--episodes", Integer.toString(episodes), "--max-time", maxTime, "--id", searchId));
      args.addAll(data.arguments());
      code = Hwc.commandLine().setOut(out).setErr(err).execute(args.toArray(String[]::new));
    }
    if (code != 0) return code;
    return Hwc.commandLine().setOut(out).setErr(err).execute("report", searchId);
  }

  private static SearchCoordinator.State state(Config current, SearchSettings where, String id) {
    ActorSystem<Void> system = SearchSystem.start(current, where);
    try {
      return new JournalReader(system, Duration.ofSeconds(60)).state(id);
    } finally {
      SearchSystem.stop(system, Duration.ofSeconds(30));
    }
  }
}
