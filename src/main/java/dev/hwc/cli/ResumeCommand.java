package dev.hwc.cli;

import dev.hwc.search.JournaledConfig;
import com.typesafe.config.Config;
import dev.hwc.search.JournalReader;
import dev.hwc.search.SearchCoordinator;
import dev.hwc.search.SearchEvent.SearchStarted;
import dev.hwc.search.SearchLock;
import dev.hwc.search.SearchRuntime;
import dev.hwc.search.SearchSettings;
import dev.hwc.search.SearchSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * {@code hwc resume <id>}: continues an interrupted search exactly — with the journaled configuration, model, seed
 * and hardware, the agents from their last checkpoint, an episode left in flight run again.
 */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Continue an interrupted search where its journal ends. The search keeps its journaled settings: --config only says where the journal is.")
public final class ResumeCommand implements Callable<Integer> {
  /** DEBUG (HWC_LOG_LEVEL=DEBUG): where a resume's start-up time goes. */
  private static final org.slf4j.Logger TIMING = org.slf4j.LoggerFactory.getLogger("dev.hwc.timing");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "The search's id (see hwc searches).")
  String id;

  @Option(names = "--max-time", description = "Stop this run after this long, e.g. 30m (the search then counts as complete).")
  String maxTime;

  @Mixin ConfigOption config;

  @Option(names = "--model", description = "The model file, if it moved since the search started (it must be the same file: "
      + "the journaled SHA-256; default the journaled path).")
  Path model;

  @Override
  public Integer call() {
    Config current = config.load();
    SearchSettings where = SearchSettings.from(current);
    long deadline = SearchCommand.deadline(maxTime);
    SearchCommand.checkId(id);
    // ND4J's native start-up (seconds) overlaps the actor system's and the journal's.
    SearchCommand.warmUpNd4j();
    long t0 = System.nanoTime();
    SearchLock lock = null;
    ActorSystem<Void> system = null;
    try {
      system = SearchSystem.start(current, where);
      var reader = new JournalReader(system, Duration.ofSeconds(60));
      // The first event never changes: read before the lock, so an unknown id takes no lock.
      SearchStarted st = reader.started(id);
      if (st == null) throw new IllegalArgumentException("no search named '" + id + "' (hwc searches lists them)");
      lock = SearchLock.acquire(where.searchDir(id), id);
      // The search runs with the configuration it started with: the journaled hwc tree wins over today's files.
      Config root = JournaledConfig.of(st.configJson(), current);
      SearchSettings settings = SearchSettings.from(root).withWorkDir(where.workDir());
      // Model, data and calibration (seconds) are prepared while the journal is folded.
      long t1 = System.nanoTime();
      Path modelPath = model != null ? model.toAbsolutePath().normalize() : Path.of(st.modelPath());
      CompletableFuture<SearchRuntime.Parts> prepared = CompletableFuture.supplyAsync(() -> SearchCommand.parts.create(root,
          modelPath, st.seed(), st.hardware().isEmpty() ? null : Path.of(st.hardware())),
          work -> SearchCommand.daemon("hwc-prepare", work));
      // Read under the lock: another process may have written since.
      SearchCoordinator.State state = reader.state(id);
      if (state.completed() != null)
        throw new IllegalArgumentException("search '" + id + "' is complete (" + state.completed().reason() + ", "
            + state.episodesDone() + " episodes); nothing to resume");
      long t2 = System.nanoTime();
      SearchRuntime.Parts p = join(prepared);
      TIMING.debug("resume {}: system started in {} ms, journal folded in {} ms ({} episodes), model and data ready {} ms after that",
          id, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, state.episodesDone(), (System.nanoTime() - t2) / 1_000_000);
      var c = p.compression();
      if (!c.modelFingerprint().equals(st.modelFingerprint()))
        throw SearchCommand.notTheSearchsModel(st, modelPath, c.modelFingerprint());
      if (!c.datasetFingerprint().equals(st.datasetFingerprint()))
        throw new IllegalArgumentException("the data splits differ from search '" + id + "''s (fingerprint "
            + c.datasetFingerprint() + ", journal " + st.datasetFingerprint() + ")");
      // Same model and data: the journaled baseline stands (one dense evaluation less before the first episode).
      c.useBaselineAccuracy(st.baselineAccuracy());
      ActorRef<SearchCoordinator.Command> search = system.systemActorOf(
          SearchRuntime.create(id, p, settings, settings.loadRewardTable()), "search-" + id, Props.empty());
      var out = spec.commandLine().getOut();
      var open = new TreeSet<>(state.open().keySet());
      String again = open.isEmpty() ? "" : open.size() == 1 ? ", episode " + open.first() + " runs again"
          : ", episodes " + open.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " run again";
      out.printf("resuming search %s: %d of %d episodes done%s%n", id, state.episodesDone(), st.episodes(), again);
      out.flush();
      int code = SearchSession.run(system, search, lock, id, state.episodesDone(), st.episodes(), deadline, out,
          spec.commandLine().getErr());
      if (code != SearchSession.STOPPED) SearchesCommand.printSummary(reader.state(id), out);
      return code;
    } finally {
      if (system != null) SearchSystem.stop(system, Duration.ofSeconds(30));
      if (lock != null) lock.close();
    }
  }

  /** The prepared parts, or the preparation's own exception (its message is the user's error). */
  private static SearchRuntime.Parts join(CompletableFuture<SearchRuntime.Parts> f) {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error err) throw err;
      throw e;
    }
  }
}
