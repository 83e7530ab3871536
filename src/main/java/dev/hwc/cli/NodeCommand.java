package dev.hwc.cli;

import dev.hwc.search.JournaledConfig;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.hwc.search.ClusterSearch;
import dev.hwc.search.ClusterSettings;
import dev.hwc.search.CompressionBackend;
import dev.hwc.search.EvaluationWorker;
import dev.hwc.search.JournalReader;
import dev.hwc.search.RealParts;
import dev.hwc.search.SearchCoordinator;
import dev.hwc.search.SearchCoordinator.EpisodeDone;
import dev.hwc.search.SearchCoordinator.Failed;
import dev.hwc.search.SearchCoordinator.Finished;
import dev.hwc.search.SearchCoordinator.Progress;
import dev.hwc.search.SearchEvent.SearchStarted;
import dev.hwc.search.SearchRuntime;
import dev.hwc.search.SearchSettings;
import dev.hwc.search.SearchStrategy;
import dev.hwc.search.SearchSystem;
import dev.hwc.search.WorkDispatcher;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * {@code hwc node}: one node of a search cluster (deploy/README.md). A coordinator node runs the search as a cluster
 * singleton over the shared journal (start or resume: the journal decides) and exits when the search is complete; a
 * worker node evaluates episodes' plans for whatever search runs, until it is stopped.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run one node of a search cluster: a coordinator (the search, as a cluster singleton) or a worker (evaluates episodes). A shared journal is configured by --config (e.g. deploy/postgres/journal.conf).")
public final class NodeCommand implements Callable<Integer> {
  /** How a worker node builds a search's backend; tests replace it with doubles. */
  static BiFunction<Config, WorkDispatcher.SearchJob, CompressionBackend> workerBackends = RealParts::evaluationBackend;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--role", required = true, description = "coordinator or worker.")
  String role;

  @Option(names = "--seed-nodes", split = ",", description = "HOST:PORT of the nodes to join, comma-separated (default hwc.cluster.seed-nodes).")
  List<String> seedNodes;

  @Option(names = "--host", description = "Address to bind and advertise (default hwc.cluster.host).")
  String host;

  @Option(names = "--port", description = "Port to bind (default hwc.cluster.port; 0 = any free one).")
  Integer port;

  @Option(names = "--max-in-flight", description = "Most episodes in flight at once (default hwc.cluster.max-in-flight; 0 = one per reachable worker).")
  Integer maxInFlight;

  @Option(names = "--id", description = "Coordinator: the search's id (the same on every coordinator node).")
  String id;

  @Option(names = "--model", description = "Coordinator: model file, for a search the journal does not hold yet.")
  Path model;

  @Option(names = "--episodes", description = "Coordinator, new search: episodes to run (default hwc.search.episodes).")
  Integer episodes;

  @Option(names = "--seed", description = "Coordinator, new search: seed of the agents (default hwc.search.seed).")
  Long seed;

  @Option(names = "--hardware", description = "Coordinator, new search: accelerator file (default: the configured one).")
  Path hardware;

  @Option(names = "--strategy", description = "Coordinator, new search: composite (default), ddpg-fixed, prune-only, quant-only or random.")
  String strategy;

  @Mixin ConfigOption config;

  @Override
  public Integer call() throws Exception {
    Config root = config.load();
    if (maxInFlight != null)
      root = ConfigFactory.parseMap(java.util.Map.of("hwc.cluster.max-in-flight", maxInFlight)).withFallback(root).resolve();
    ClusterSettings cluster = ClusterSettings.from(root).with(host, port, seedNodes);
    if (cluster.seedNodes().isEmpty()) throw new IllegalArgumentException("--seed-nodes is required (or hwc.cluster.seed-nodes)");
    return switch (role) {
      case ClusterSettings.WORKER -> worker(root, cluster);
      case ClusterSettings.COORDINATOR -> coordinator(root, cluster);
      default -> throw new IllegalArgumentException("--role must be coordinator or worker, was '" + role + "'");
    };
  }

  private int worker(Config root, ClusterSettings cluster) throws Exception {
    Duration evaluateTimeout = SearchSettings.from(root).askTimeout();
    // Bind slf4j before Pekko's threads log concurrently.
    org.slf4j.LoggerFactory.getILoggerFactory();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.setup(ctx -> {
      // A bug in one message must not leave the node up and idle: the worker restarts and asks for work again.
      ctx.spawn(Behaviors.supervise(EvaluationWorker.create(job -> workerBackends.apply(root, job), evaluateTimeout))
          .onFailure(SupervisorStrategy.restart()), "evaluation-worker");
      return Behaviors.empty();
    }), ClusterSettings.SYSTEM, cluster.nodeConfig(root, ClusterSettings.WORKER));
    stopOnSignal(system);
    PrintWriter out = spec.commandLine().getOut();
    out.println("worker node " + system.address() + " up; seed nodes " + cluster.seedNodes());
    out.flush();
    system.getWhenTerminated().toCompletableFuture().get();
    return 0;
  }

  private int coordinator(Config root, ClusterSettings cluster) throws Exception {
    if (id == null) throw new IllegalArgumentException("--id is required for a coordinator (the same on every coordinator node)");
    SearchCommand.checkId(id);
    if (strategy != null)
      root = ConfigFactory.parseMap(java.util.Map.of("hwc.search.strategy", SearchStrategy.parse(strategy).configName()))
          .withFallback(root).resolve();
    SearchSettings where = SearchSettings.from(root);
    PrintWriter out = spec.commandLine().getOut();
    ActorSystem<Void> system = SearchSystem.start(Behaviors.empty(), cluster.nodeConfig(root, ClusterSettings.COORDINATOR), where);
    try {
      stopOnSignal(system);
      var reader = new JournalReader(system, Duration.ofSeconds(60));
      SearchCoordinator.State state = reader.state(id);
      SearchStarted started;
      Config runRoot;
      SearchRuntime.Parts parts;
      if (state.started() != null) {
        started = state.started();
        if (state.completed() != null) {
          out.println("search " + id + " is complete (" + state.completed().reason() + ", " + state.episodesDone() + " episodes)");
          SearchesCommand.printSummary(state, out);
          out.flush();
          return 0;
        }
        // The journaled configuration wins, as in hwc resume.
        runRoot = JournaledConfig.of(started.configJson(), root);
        parts = SearchCommand.parts.create(runRoot, Path.of(started.modelPath()), started.seed(),
            started.hardware().isEmpty() ? null : Path.of(started.hardware()));
        if (!parts.compression().modelFingerprint().equals(started.modelFingerprint()))
          throw new IllegalArgumentException("model " + started.modelPath() + " has changed since search '" + id + "' started");
        out.printf("coordinator node %s: search %s in the journal, %d of %d episodes done%n", system.address(), id,
            state.episodesDone(), started.episodes());
      } else {
        if (model == null) throw new IllegalArgumentException("--model is required: the journal holds no search '" + id + "'");
        if (!Files.isRegularFile(model)) throw new IllegalArgumentException("model file not found: " + model);
        if (hardware != null && !Files.isRegularFile(hardware)) throw new IllegalArgumentException("hardware file not found: " + hardware);
        runRoot = root;
        long s = seed != null ? seed : where.seed();
        int n = episodes != null ? episodes : where.episodes();
        if (n < 1) throw new IllegalArgumentException("--episodes must be at least 1, was " + n);
        parts = SearchCommand.parts.create(root, model.toAbsolutePath().normalize(), s, hardware);
        started = SearchCommand.started(id, root, model, hardware, parts, where, s, n);
        out.printf("coordinator node %s: search %s, %d episodes, baseline top-1 %.2f%%%n", system.address(), id,
            n, started.baselineAccuracy() * 100);
      }
      out.flush();
      SearchSettings settings = SearchSettings.from(runRoot).withWorkDir(where.workDir());
      var job = new WorkDispatcher.SearchJob(id, started.modelPath(), started.modelFingerprint(), started.configJson());
      CompletableFuture<Progress> end = new CompletableFuture<>();
      ActorRef<Progress> listener = system.systemActorOf(listener(end, out), "progress", Props.empty());
      system.getWhenTerminated().thenRun(() -> end.complete(new Failed("this node left the cluster before the search ended")));
      ClusterSearch.initSingleton(system, id, ClusterSearch.create(id, parts, settings.loadRewardTable(), settings.actions(),
          settings.searchDir(id), settings.askTimeout(), cluster, started, job, listener));
      Progress last = end.get();
      if (last instanceof Finished f) {
        out.println("search " + id + ": " + f.summary());
        SearchesCommand.printSummary(reader.state(id), out);
        out.flush();
        return 0;
      }
      spec.commandLine().getErr().println("hwc node: search " + id + " failed: " + ((Failed) last).message());
      spec.commandLine().getErr().flush();
      return 1;
    } finally {
      SearchSystem.stop(system, Duration.ofSeconds(30));
    }
  }

  /** One line per evaluated episode (no progress bar: node logs are read from files). */
  private static org.apache.pekko.actor.typed.Behavior<Progress> listener(CompletableFuture<Progress> end, PrintWriter out) {
    return Behaviors.receive(Progress.class)
        .onMessage(EpisodeDone.class, d -> {
          out.println(String.format(Locale.ROOT, "episode %d evaluated: reward %.3f, loss %.2f points, energy -%.1f%% | best %s",
              d.episode(), d.reward(), d.accuracyLoss(), d.energyReduction() * 100,
              Double.isNaN(d.bestEnergyReduction()) ? "none in bound"
                  : String.format(Locale.ROOT, "-%.1f%% E @%d", d.bestEnergyReduction() * 100, d.bestEpisode())));
          out.flush();
          return Behaviors.same();
        })
        .onMessage(Progress.class, p -> {
          end.complete(p);
          return Behaviors.same();
        })
        .build();
  }

  /** SIGTERM / Ctrl-C: leave the cluster gracefully (a coordinator's singleton is handed over). */
  private static void stopOnSignal(ActorSystem<?> system) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> SearchSystem.stop(system, Duration.ofSeconds(30)), "hwc-node-stop"));
  }
}
