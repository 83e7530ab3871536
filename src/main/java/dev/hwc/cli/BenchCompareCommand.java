package dev.hwc.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.hwc.compress.CompressionPlan;
import dev.hwc.energy.EnergySettings;
import dev.hwc.model.PairedAccuracy;
import dev.hwc.report.ComparisonWriter;
import dev.hwc.report.SearchReport;
import dev.hwc.report.SearchReports;
import dev.hwc.report.StrategyComparison;
import dev.hwc.search.CheckpointStore;
import dev.hwc.search.JournalReader;
import dev.hwc.search.RealParts;
import dev.hwc.search.SearchCoordinator;
import dev.hwc.search.SearchEvent.SearchStarted;
import dev.hwc.search.SearchSettings;
import dev.hwc.search.SearchStrategy;
import dev.hwc.search.SearchSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code hwc bench compare}: every strategy on one model with the same episode budget and seeds, as ordinary journaled
 * searches ({@code <prefix>-<model>-<strategy>-s<seed>}: a complete one is reused, an interrupted one resumed, so the
 * command is restartable), then the table of {@link StrategyComparison} from their journals and test-set
 * re-measurements (the code {@code hwc report} uses), written as compare.md, compare.json and compare.png.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Run every search strategy with the same budget and seeds on one model; write the comparison table and Pareto chart.")
public final class BenchCompareCommand implements Callable<Integer> {
  /** Re-measures a search's plans on the test set; tests replace it. */
  interface TestSets {
    /** @param model the comparison's --model: the search's model file, possibly moved since the search started */
    SearchReports.TestSet measure(SearchCoordinator.State state, Config current, Path model, List<CompressionPlan> plans);
  }

  /** A fresh measurer per command run (it holds the network and data while the command runs). */
  static Supplier<TestSets> testSets = Measuring::new;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, description = "Model file (DL4J zip written by hwc train or hwc import).")
  Path model;

  @Option(names = "--episodes", description = "Episodes of every search (default hwc.search.episodes).")
  Integer episodes;

  @Option(names = "--seeds", paramLabel = "K", description = "Seeds 1..K per strategy (default 1; uniform is deterministic and runs once).")
  int seeds = 1;

  @Option(names = "--strategies", split = ",", paramLabel = "S", description = "Strategies to run (default all: composite, ddpg-fixed, prune-only, quant-only, random, uniform).")
  List<String> strategies;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default hwc-data/compare/<model>, or hwc-data/compare/<prefix>-<model> with another --prefix).")
  Path out;

  @Option(names = "--prefix", description = "Prefix of the searches' ids (default compare); another prefix keeps another budget's searches apart.")
  String prefix = "compare";

  @Option(names = "--pareto-test", paramLabel = "N", description = "Pareto plans per search re-measured on the test set (default 24; only plans within the largest bound + 1 point on the search subset).")
  int paretoTest = 24;

  @Option(names = "--hardware", description = "Accelerator file of new searches (default: the configured one).")
  Path hardware;

  @Mixin ConfigOption config;

  @Option(names = "--json", description = "Print compare.json instead of the table.")
  boolean json;

  /** One search of the comparison. */
  record Planned(String strategy, long seed, String id) {}

  @Override
  public Integer call() {
    Config current = config.load();
    SearchSettings where = SearchSettings.from(current);
    int n = episodes != null ? episodes : where.episodes();
    if (n < 1) throw new IllegalArgumentException("--episodes must be at least 1, was " + n);
    if (seeds < 1) throw new IllegalArgumentException("--seeds must be at least 1, was " + seeds);
    if (paretoTest < 1) throw new IllegalArgumentException("--pareto-test must be at least 1, was " + paretoTest);
    if (!Files.isRegularFile(model)) throw new IllegalArgumentException("model file not found: " + model);
    if (hardware != null && !Files.isRegularFile(hardware)) throw new IllegalArgumentException("hardware file not found: " + hardware);
    List<String> chosen = new ArrayList<>(new LinkedHashSet<>(strategies == null || strategies.isEmpty()
        ? Arrays.stream(SearchStrategy.values()).map(SearchStrategy::configName).toList()
        : strategies.stream().map(s -> SearchStrategy.parse(s.strip()).configName()).toList()));
    String name = modelName(model);
    List<Planned> plan = plan(chosen, seeds, prefix, name);
    Path dir = out != null ? out : defaultOut(where.workDir(), prefix, name);
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter e = spec.commandLine().getErr();
    Path modelAbs = model.toAbsolutePath().normalize();
    // read once: every search found under the comparison's ids is checked against it
    String modelFingerprint = RealParts.fingerprint(modelAbs);

    List<SearchCoordinator.State> before = states(current, where, plan, false);
    for (int i = 0; i < plan.size(); i++) {
      Planned p = plan.get(i);
      SearchCoordinator.State s = before.get(i);
      String tag = String.format(Locale.ROOT, "[%d/%d] %s", i + 1, plan.size(), p.id());
      String[] args;
      if (s.started() == null) {
        o.printf("%s: new %s search, seed %d, %d episodes%n", tag, p.strategy(), p.seed(), n);
        List<String> a = new ArrayList<>(List.of("search", "--model", model.toString(), "--episodes", Integer.toString(n),
            "--seed", Long.toString(p.seed()), "--id", p.id(), "--strategy", p.strategy()));
        if (hardware != null) a.addAll(List.of("--hardware", hardware.toString()));
        a.addAll(config.arguments());
        args = a.toArray(String[]::new);
      } else {
        checkMatches(s.started(), p, n, modelAbs, modelFingerprint,
            hardware == null ? "" : hardware.toAbsolutePath().normalize().toString());
        if (s.completed() != null) {
          o.printf("%s: complete (%d episodes), reused%n", tag, s.episodesDone());
          o.flush();
          continue;
        }
        o.printf("%s: interrupted at %d of %d episodes, resuming%n", tag, s.episodesDone(), n);
        List<String> a = new ArrayList<>(List.of("resume", p.id(), "--model", model.toString()));
        a.addAll(config.arguments());
        args = a.toArray(String[]::new);
      }
      o.flush();
      var cl = Hwc.commandLine();
      cl.setOut(o);
      cl.setErr(e);
      int code = cl.execute(args);
      if (code == SearchSession.STOPPED) return code;
      if (code != 0) {
        e.println("hwc bench compare: search " + p.id() + " ended with exit code " + code + "; the same command continues from here");
        e.flush();
        return code;
      }
    }

    List<SearchCoordinator.State> states = states(current, where, plan, true);
    TestSets measurer = testSets.get();
    double cap = StrategyComparison.BOUNDS.stream().mapToDouble(Double::doubleValue).max().orElseThrow() + 1;
    List<StrategyComparison.Run> runs = new ArrayList<>();
    for (int i = 0; i < plan.size(); i++) {
      Planned p = plan.get(i);
      SearchCoordinator.State s = states.get(i);
      List<CompressionPlan> plans = SearchReports.plansToTest(s, paretoTest, cap);
      o.printf("measuring %s: %d plan%s on the test set%n", p.id(), plans.size(), plans.size() == 1 ? "" : "s");
      o.flush();
      SearchReport r = SearchReports.of(s, measurer.measure(s, current, modelAbs, plans), null, null);
      String status = s.completed() != null ? "complete" : "incomplete (" + s.episodesDone() + " of " + s.started().episodes() + ")";
      runs.add(StrategyComparison.run(p.strategy(), r, p.seed(), status, sha256(withoutLocations(s.started().configJson()))));
    }
    List<Long> seedList = new ArrayList<>();
    for (long k = 1; k <= seeds; k++) seedList.add(k);
    StrategyComparison c = StrategyComparison.of(name, n, seedList, chosen, runs,
        reproducibility(states, current, n, chosen, runs.get(0).baselineTestAccuracy()));
    ComparisonWriter.write(c, dir);
    if (json) {
      o.println(ComparisonWriter.json(c));
    } else {
      String md = ComparisonWriter.markdown(c);
      o.print(md.substring(0, md.indexOf("\n## Runs")) + "\n");
      o.println("wrote " + dir.resolve("compare.md") + " (and compare.json, compare.png)");
    }
    o.flush();
    return 0;
  }

  /**
   * Where the table goes without --out: one directory per model and prefix, so that two comparisons of one model
   * with different prefixes (another budget, another configuration) keep their own tables.
   */
  static Path defaultOut(Path workDir, String prefix, String model) {
    return workDir.resolve("compare").resolve(prefix.equals("compare") ? model : prefix + "-" + model);
  }

  /** Seed-major (every strategy's seed 1 first, so an early stop still compares), uniform only at seed 1. */
  static List<Planned> plan(List<String> strategies, int seeds, String prefix, String model) {
    List<Planned> out = new ArrayList<>();
    for (long seed = 1; seed <= seeds; seed++)
      for (String s : strategies) {
        if (s.equals(SearchStrategy.UNIFORM.configName()) && seed > 1) continue;
        out.add(new Planned(s, seed, SearchCommand.checkId(prefix + "-" + model + "-" + s + "-s" + seed)));
      }
    return out;
  }

  static String modelName(Path model) {
    return model.getFileName().toString().replaceFirst("\\.[^.]*$", "").replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /**
   * A search found under a comparison's id must be that comparison's search (same budget, strategy, seed, model,
   * hardware); its model may have moved since (the same file elsewhere: {@code modelFingerprint}, the SHA-256 of
   * {@code model}, is the journaled one).
   */
  static void checkMatches(SearchStarted st, Planned p, int episodes, Path model, String modelFingerprint, String hardware) {
    String strategy = ConfigFactory.parseString(st.configJson()).getString("search.strategy");
    String why = st.episodes() != episodes ? st.episodes() + " episodes, not " + episodes
        : !strategy.equals(p.strategy()) ? "strategy " + strategy + ", not " + p.strategy()
        : st.seed() != p.seed() ? "seed " + st.seed() + ", not " + p.seed()
        : !Path.of(st.modelPath()).equals(model) && !modelFingerprint.equals(st.modelFingerprint())
            ? "model " + st.modelPath() + ", not " + model
        : !st.hardware().equals(hardware) ? "hardware " + (st.hardware().isEmpty() ? "(configured default)" : st.hardware())
            + ", not " + (hardware.isEmpty() ? "(configured default)" : hardware) : null;
    if (why != null)
      throw new IllegalArgumentException("search '" + p.id() + "' exists with " + why + " (choose another --prefix)");
  }

  /** The planned searches' journals folded (one actor system for all); {@code mustExist}: after they ran. */
  private static List<SearchCoordinator.State> states(Config current, SearchSettings where, List<Planned> plan, boolean mustExist) {
    ActorSystem<Void> system = SearchSystem.start(current, where);
    try {
      var reader = new JournalReader(system, Duration.ofSeconds(60));
      List<SearchCoordinator.State> out = new ArrayList<>();
      for (Planned p : plan) {
        SearchCoordinator.State s = reader.state(p.id());
        if (mustExist && s.started() == null) throw new IllegalStateException("search '" + p.id() + "' has no journal after running");
        out.add(s);
      }
      return out;
    } finally {
      SearchSystem.stop(system, Duration.ofSeconds(30));
    }
  }

  private StrategyComparison.Reproducibility reproducibility(List<SearchCoordinator.State> states, Config current, int n,
                                                           List<String> chosen, double testBase) {
    SearchStarted first = states.get(0).started();
    LinkedHashSet<String> settingsHashes = new LinkedHashSet<>();
    for (SearchCoordinator.State s : states) settingsHashes.add(sha256(settingsJson(s.started())));
    Config root = TestSetMeasurement.searchConfig(first, current);
    String hw = first.hardware().isEmpty()
        ? EnergySettings.fromConfig(root.getConfig("hwc.energy")).hardware() + " (configured default)" : first.hardware();
    StringBuilder cmd = new StringBuilder("bin/hwc bench compare --model ").append(model).append(" --episodes ").append(n)
        .append(" --seeds ").append(seeds).append(" --strategies ").append(String.join(",", chosen));
    if (!prefix.equals("compare")) cmd.append(" --prefix ").append(prefix);
    if (out != null) cmd.append(" --out ").append(out);
    if (paretoTest != 24) cmd.append(" --pareto-test ").append(paretoTest);
    if (hardware != null) cmd.append(" --hardware ").append(hardware);
    for (String arg : config.arguments()) cmd.append(' ').append(arg);
    return new StrategyComparison.Reproducibility(cmd.toString(), codeVersion(), first.modelPath(), first.modelFingerprint(),
        first.datasetFingerprint(), hw, testBase, first.baselineAccuracy(), first.baselineEnergy(), first.maxAccuracyLoss(),
        String.join(",", settingsHashes), settingsJson(first));
  }

  /**
   * The journaled configuration without the strategy and without {@link #LOCATIONS}: equal for every search of one
   * comparison, wherever each ran.
   */
  static String settingsJson(SearchStarted st) {
    return withoutLocations(st.configJson(), "search.strategy");
  }

  /**
   * Where hwc, its work directory and the dataset files were when a search ran: not settings (the model and the
   * dataset have their fingerprints in the bundle), so they stay out of the settings hashes.
   */
  static final List<String> LOCATIONS = List.of("home", "work-dir", "data.dir");

  static String withoutLocations(String configJson, String... alsoWithout) {
    Config c = ConfigFactory.parseString(configJson);
    for (String p : LOCATIONS) c = c.withoutPath(p);
    for (String p : alsoWithout) c = c.withoutPath(p);
    return c.root().render(ConfigRenderOptions.concise());
  }

  static String sha256(String s) {
    return CheckpointStore.sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code git describe} of the checkout hwc runs from, else the release version. */
  static String codeVersion() {
    try {
      Process p = new ProcessBuilder("git", "describe", "--always", "--dirty", "--tags")
          .directory(HwcConfig.home().toFile()).redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !v.isEmpty()) return "git " + v;
    } catch (IOException e) {
      // no git here: the release version below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Hwc.class.getAnnotation(Command.class).version()[0];
  }

  /** Measures with {@link TestSetMeasurement}, loading the network and data once for searches that share them. */
  static final class Measuring implements TestSets {
    private final Map<String, TestSetMeasurement> loaded = new HashMap<>();

    @Override public SearchReports.TestSet measure(SearchCoordinator.State state, Config current, Path model, List<CompressionPlan> plans) {
      SearchStarted st = state.started();
      TestSetMeasurement m = loaded.computeIfAbsent(st.modelFingerprint() + settingsJson(st), k -> TestSetMeasurement.of(st, current, model));
      Map<String, PairedAccuracy> test = new HashMap<>();
      for (CompressionPlan p : plans) test.put(p.hash(), m.test(p));
      return SearchReports.TestSet.of(m.baselineAccuracy(), test, null, m.images());
    }
  }
}
