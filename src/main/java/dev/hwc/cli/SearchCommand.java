package dev.hwc.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.hwc.energy.EnergySettings;
import dev.hwc.search.JournalReader;
import dev.hwc.search.PartsFactory;
import dev.hwc.search.RealParts;
import dev.hwc.search.RewardTable;
import dev.hwc.search.SearchCoordinator;
import dev.hwc.search.SearchEvent.SearchStarted;
import dev.hwc.search.SearchLock;
import dev.hwc.search.SearchRuntime;
import dev.hwc.search.SearchSettings;
import dev.hwc.search.SearchStrategy;
import dev.hwc.search.SearchSystem;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.StatusReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** {@code hwc search}: starts a new search and runs it. */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = "Search a per-layer compression policy for a model (journaled; continue an interrupted one with `hwc resume`).")
public final class SearchCommand implements Callable<Integer> {
  /** How a search process builds its model, backends and agents; tests replace it with doubles. */
  static PartsFactory parts = new RealParts();

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, description = "Model file (DL4J zip written by hwc train).")
  Path model;

  @Option(names = "--episodes", description = "Episodes to run (default hwc.search.episodes).")
  Integer episodes;

  @Option(names = "--max-time", description = "Stop the search after this long, e.g. 30m, 2h (the search then counts as complete).")
  String maxTime;

  @Option(names = "--seed", description = "Seed of the agents (default hwc.search.seed).")
  Long seed;

  @Option(names = "--id", description = "Name of the search (default: the model's name and the start time).")
  String id;

  @Option(names = "--hardware", description = "Accelerator file (default: the configured one, conf/hardware/).")
  Path hardware;

  @Option(names = "--strategy", description = "composite (default hwc.search.strategy), ddpg-fixed, prune-only, quant-only, random or uniform.")
  String strategy;

  @Mixin ConfigOption config;

  @Mixin DataOptions data;

  @Override
  public Integer call() {
    Config root = data.over(config.load());
    if (strategy != null)  // into the configuration SearchStarted journals, so a resume uses the same strategy
      root = ConfigFactory.parseMap(java.util.Map.of("hwc.search.strategy", SearchStrategy.parse(strategy).configName()))
          .withFallback(root).resolve();
    SearchSettings settings = SearchSettings.from(root);
    RewardTable rewards = settings.loadRewardTable();
    int n = episodes != null ? episodes : settings.episodes();
    if (n < 1) throw new IllegalArgumentException("--episodes must be at least 1, was " + n);
    long s = seed != null ? seed : settings.seed();
    long deadline = deadline(maxTime);
    if (!Files.isRegularFile(model)) throw new IllegalArgumentException("model file not found: " + model);
    if (hardware != null && !Files.isRegularFile(hardware)) throw new IllegalArgumentException("hardware file not found: " + hardware);
    String searchId = checkId(id != null ? id : defaultId(model));

    SearchLock lock = SearchLock.acquire(settings.searchDir(searchId), searchId);
    warmUpNd4j();
    ActorSystem<Void> system = null;
    boolean handedOver = false;
    try {
      system = SearchSystem.start(root, settings);
      if (new JournalReader(system, Duration.ofSeconds(60)).exists(searchId))
        throw new IllegalArgumentException("search '" + searchId + "' already exists; continue it with: hwc resume " + searchId);
      SearchRuntime.Parts p = parts.create(root, model.toAbsolutePath().normalize(), s, hardware);
      var c = p.compression();
      var started = started(searchId, root, model, hardware, p, settings, s, n);
      ActorRef<SearchCoordinator.Command> search = system.systemActorOf(
          SearchRuntime.create(searchId, p, settings, rewards), "search-" + searchId, Props.empty());
      StatusReply<Done> ok = AskPattern.<SearchCoordinator.Command, StatusReply<Done>>ask(search,
              r -> new SearchCoordinator.Start(started, r), Duration.ofSeconds(60), system.scheduler())
          .toCompletableFuture().get(60, TimeUnit.SECONDS);
      if (ok.isError()) throw new IllegalStateException(ok.getError().getMessage());
      var out = spec.commandLine().getOut();
      out.printf("search %s: %s, %d decision layers, baseline top-1 %.2f%%, baseline energy %.4g pJ, %d episodes%n",
          searchId, model, c.decisionLayers().size(), c.baselineAccuracy() * 100, started.baselineEnergy(), n);
      c.dataProvenance().forEach((split, what) -> out.printf("  %s images: %s%n", split, what));
      InfoCommand.printRestrictions(c.coarseRestrictions(), c.decisionLayers().size(), 8, model, out);
      out.flush();
      handedOver = true;
      int code = SearchSession.run(system, search, lock, searchId, 0, n, deadline, out, spec.commandLine().getErr());
      if (code != SearchSession.STOPPED) SearchesCommand.printSummary(new JournalReader(system, Duration.ofSeconds(60)).state(searchId), out);
      return code;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("starting the search: " + e.getMessage(), e);
    } finally {
      if (system != null) SearchSystem.stop(system, Duration.ofSeconds(30));
      lock.close();
    }
  }

  /** The provenance a new search journals first (also what a cluster coordinator node journals). */
  static SearchStarted started(String searchId, Config root, Path model, Path hardware, SearchRuntime.Parts p,
                               SearchSettings settings, long seed, int episodes) {
    var c = p.compression();
    // The dense model's activations as its baseline-bit input quantizers see them: the baseline's zero gating and coding.
    List<Double> densities = c.denseInputDensities(EnergySettings.fromConfig(root.getConfig("hwc.energy")).baselineBits());
    return new SearchStarted(searchId, root.getConfig("hwc").root().render(ConfigRenderOptions.concise()),
        model.toAbsolutePath().normalize().toString(), c.modelFingerprint(), c.datasetFingerprint(),
        hardware == null ? "" : hardware.toAbsolutePath().normalize().toString(), c.baselineAccuracy(),
        p.energy().baselineEnergy(c.prunableLayers(), densities), settings.maxAccuracyLoss(), seed, episodes, c.algorithms(),
        c.decisionLayers(), c.prunableLayers(), System.currentTimeMillis(), densities);
  }

  /**
   * The error for a model file whose fingerprint is not the one search {@code st} ran on: the journaled file changed
   * since, or a file at another path (--model) is another.
   */
  static IllegalArgumentException notTheSearchsModel(SearchStarted st, Path model, String fingerprint) {
    boolean elsewhere = !model.equals(Path.of(st.modelPath()));
    return new IllegalArgumentException("model " + model + (elsewhere ? " is not the one search '" + st.searchId() + "' ran on ("
        + st.modelPath() + ")" : " has changed since search '" + st.searchId() + "' started") + " (fingerprint " + fingerprint
        + ", journal " + st.modelFingerprint() + ")");
  }

  /** A search id is a file name too (its directory under hwc.work-dir/searches), so it is kept plain. */
  static String checkId(String id) {
    if (!ID.matcher(id).matches())
      throw new IllegalArgumentException("search id '" + id + "' must be letters, digits, '.', '_' or '-' (at most 64)");
    return id;
  }

  /** Starts ND4J's native libraries on a daemon thread, so that their start-up overlaps other work. */
  static void warmUpNd4j() {
    daemon("nd4j-warm-up", () -> org.nd4j.linalg.factory.Nd4j.scalar(0f));
  }

  /** Runs {@code work} on a new daemon thread (start-up work that must not keep the JVM alive). */
  static void daemon(String name, Runnable work) {
    Thread t = new Thread(work, name);
    t.setDaemon(true);
    t.start();
  }

  static long deadline(String maxTime) {
    if (maxTime == null) return 0;
    try {
      Duration d = ConfigFactory.parseString("d = \"" + maxTime.replace("\"", "") + "\"").getDuration("d");
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException();
      return System.currentTimeMillis() + d.toMillis();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--max-time '" + maxTime + "' is not a positive duration such as 30m or 2h");
    }
  }

  private static String defaultId(Path model) {
    String name = model.getFileName().toString().replaceFirst("\\.[^.]*$", "").replaceAll("[^A-Za-z0-9._-]", "_");
    return name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }
}
