package dev.hwc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.hwc.report.SearchReports;
import dev.hwc.search.Doubles;
import dev.hwc.search.JournalReader;
import dev.hwc.search.RealParts;
import dev.hwc.search.SearchCoordinator;
import dev.hwc.search.SearchEvent.EpisodeEvaluated;
import dev.hwc.search.SearchSettings;
import dev.hwc.search.SearchSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hwc bench compare} end to end in one JVM: composite (seeds 1, 2) and uniform (once) for 3 episodes over the
 * search doubles, with each strategy's real policies; the test set is a double where every plan scores 0.1 point
 * better than on the search subset.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BenchCompareTest {
  @TempDir static Path tmp;
  static Path model;

  @BeforeAll static void setUp() throws Exception {
    System.setProperty("hwc.work-dir", tmp.resolve("work").toString());
    ConfigFactory.invalidateCaches();
    model = Files.writeString(tmp.resolve("tiny.zip"), "not read by the doubles");
    SearchCommand.parts = (root, m, seed, hw) -> {
      var backend = new Doubles.Backend(0);
      return RealParts.policies(root, backend.algorithms(), seed, backend, new Doubles.Energy(), new Doubles.Ddpg(seed),
          new Doubles.Rainbow(seed + 1));
    };
    // test accuracy = search-subset accuracy + 0.001, dense model 0.9 on both: test loss = search loss - 0.1 point
    BenchCompareCommand.testSets = () -> (state, current, m, plans) -> {
      Map<String, Double> acc = new HashMap<>();
      for (var p : plans)
        acc.put(p.hash(), state.evaluated().stream().filter(e -> e.plan().hash().equals(p.hash())).findFirst().orElseThrow().accuracy() + 0.001);
      return new SearchReports.TestSet(0.9, acc);
    };
  }

  @AfterAll static void tearDown() {
    System.clearProperty("hwc.work-dir");
    ConfigFactory.invalidateCaches();
    SearchCommand.parts = new RealParts();
    BenchCompareCommand.testSets = BenchCompareCommand.Measuring::new;
  }

  static final String[] ARGS = {"bench", "compare", "--model", "", "--episodes", "3", "--seeds", "2", "--strategies", "composite,uniform"};

  static SearchCliTest.Result compare(String... extra) {
    String[] a = ARGS.clone();
    a[3] = model.toString();
    return SearchCliTest.hwc(concat(a, extra));
  }

  @Test @Order(1) void runsEveryStrategyAndWritesTheTable() throws Exception {
    var r = compare();
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(r.out().contains("[1/3] compare-tiny-composite-s1: new composite search, seed 1, 3 episodes"), r.out());
    assertTrue(r.out().contains("[2/3] compare-tiny-uniform-s1: new uniform search, seed 1, 3 episodes"), r.out());
    assertTrue(r.out().contains("[3/3] compare-tiny-composite-s2: new composite search, seed 2, 3 episodes"), r.out());
    assertTrue(r.out().contains("measuring compare-tiny-uniform-s1: 3 plans on the test set"), r.out());

    Path dir = tmp.resolve("work/compare/tiny");
    for (String f : List.of("compare.md", "compare.json", "compare.png")) assertTrue(Files.size(dir.resolve(f)) > 0, f);
    String md = Files.readString(dir.resolve("compare.md"));
    assertTrue(md.contains("| strategy | runs | E reduction @ ≤ 0.5 pt | E reduction @ ≤ 1 pt | E reduction @ ≤ 2 pt | episodes to 95% best reward |"), md);
    // uniform's first three grid points (3-algorithm menu; first and last layer pinned to 8 bits), on the doubles:
    //  1: 4 bits, ratio 0.8: density 0.2 -> energy factor 0.2 + 0.8*0.2 = 0.36; conv1 288000*0.36 + conv2 1.6M*0.5*0.36
    //     + fc1 400000*0.5*0.36 + fc2 5000*0.36 = 465480 of 2293000 -> -79.7%; accuracy 0.9 - 4*0.004*0.8 - 2*0.004
    //     = 0.8792, loss 2.08 (search), 1.98 (test)
    //  2: 8 bits, ratio 0.8: factor 0.36 everywhere -> -64.0%; loss 1.28 (search), 1.18 (test)
    //  3: 4 bits, ratio 0.1: factor 0.92; 264960 + 736000 + 184000 + 4600 = 1189560 -> -48.1%; loss 0.96, 0.86 (test)
    // so <= 0.5: none (0); <= 1: 48.1%; <= 2: 79.7% (on the search subset episode 1 would be out of the bound);
    // rewards: 1 and 2 past the 1-point bound (penalties), 3 inside: the best, reached at episode 3.
    assertTrue(md.contains("| uniform | 1 | 0.0% | 48.1% | 79.7% | 3 |"), md);
    assertTrue(md.contains("| compare-tiny-uniform-s1 | uniform | 1 | 3 | complete |"), md);
    assertTrue(md.contains("- code version: `"), md);
    assertTrue(md.contains("- data split fingerprint: `data-fp`"), md);

    JsonNode json = new ObjectMapper().readTree(dir.resolve("compare.json").toFile());
    assertEquals("tiny", json.get("model").asText());
    assertEquals(List.of("composite", "uniform"), List.of(json.get("rows").get(0).get("strategy").asText(), json.get("rows").get(1).get("strategy").asText()));
    assertEquals(2, json.get("rows").get(0).get("runs").asInt());
    assertEquals(100 * (1 - 1189560.0 / 2293000), json.get("rows").get(1).get("reductionPercent").get(1).get("mean").asDouble(), 1e-4);
    assertEquals("model-fp", json.get("reproducibility").get("modelSha256").asText());
    assertTrue(json.get("reproducibility").get("settings").has("search"), "the journaled settings are embedded as JSON");

    // composite: every figure read back from the journals (all 3 plans of each search lie within the 3-point cap)
    var where = SearchSettings.from(HwcConfig.load(null));
    var system = SearchSystem.start(HwcConfig.load(null), where);
    try {
      var reader = new JournalReader(system, Duration.ofSeconds(30));
      for (int seed = 1; seed <= 2; seed++) {
        SearchCoordinator.State s = reader.state("compare-tiny-composite-s" + seed);
        JsonNode run = json.get("runs").get(seed == 1 ? 0 : 2);
        assertEquals("compare-tiny-composite-s" + seed, run.get("searchId").asText());
        double[] bounds = {0.5, 1, 2};
        for (int b = 0; b < 3; b++) {
          double expected = 0;
          for (EpisodeEvaluated e : s.evaluated())
            if (e.accuracyLoss() <= 3 && e.accuracyLoss() - 0.1 <= bounds[b] + 1e-9) expected = Math.max(expected, 100 * e.energyReduction());
          assertEquals(expected, run.get("reductionPercent").get(b).asDouble(), 1e-9, "seed " + seed + " bound " + bounds[b]);
        }
      }
    } finally {
      SearchSystem.stop(system, Duration.ofSeconds(30));
    }
  }

  @Test @Order(2) void aSecondRunReusesTheSearchesAndAForeignOneIsRefused() throws Exception {
    var again = compare();
    assertEquals(0, again.code(), again.err());
    assertEquals(3, again.out().lines().filter(l -> l.endsWith("complete (3 episodes), reused")).count(), again.out());
    assertTrue(again.out().contains("| uniform | 1 | 0.0% | 48.1% | 79.7% | 3 |"), again.out());

    var other = SearchCliTest.hwc("bench", "compare", "--model", model.toString(), "--episodes", "4", "--strategies", "uniform");
    assertEquals(2, other.code());
    assertEquals("hwc compare: error: search 'compare-tiny-uniform-s1' exists with 3 episodes, not 4 (choose another --prefix)",
        other.err().strip());

    Path hw = Path.of("conf/hardware/eyeriss-28nm-16x16.conf").toAbsolutePath().normalize();
    var otherHardware = SearchCliTest.hwc("bench", "compare", "--model", model.toString(), "--episodes", "3", "--strategies", "uniform",
        "--hardware", hw.toString());
    assertEquals(2, otherHardware.code());
    assertEquals("hwc compare: error: search 'compare-tiny-uniform-s1' exists with hardware (configured default), not " + hw
        + " (choose another --prefix)", otherHardware.err().strip());

    var bad = SearchCliTest.hwc("bench", "compare", "--model", model.toString(), "--strategies", "composite,greedy");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("hwc.search.strategy 'greedy' is not one of"), bad.err());
  }

  @Test @Order(3) void anInterruptedComparisonContinuesWhereItStopped() {
    var working = SearchCommand.parts;
    SearchCommand.parts = (root, m, seed, hw) -> {
      var backend = new Doubles.Backend(2);   // the evaluation of episode 2 crashes
      return RealParts.policies(root, backend.algorithms(), seed, backend, new Doubles.Energy(), new Doubles.Ddpg(seed),
          new Doubles.Rainbow(seed + 1));
    };
    String[] args = {"bench", "compare", "--model", model.toString(), "--episodes", "3", "--strategies", "uniform,random", "--prefix", "r",
        "--out", tmp.resolve("r").toString()};
    var crashed = SearchCliTest.hwc(args);
    assertEquals(1, crashed.code(), crashed.out());
    assertTrue(crashed.err().contains("hwc bench compare: search r-tiny-uniform-s1 ended with exit code 1; the same command continues from here"),
        crashed.err());

    SearchCommand.parts = working;
    var again = SearchCliTest.hwc(args);
    assertEquals(0, again.code(), again.err());
    assertTrue(again.out().contains("[1/2] r-tiny-uniform-s1: interrupted at 1 of 3 episodes, resuming"), again.out());
    assertTrue(again.out().contains("[2/2] r-tiny-random-s1: new random search, seed 1, 3 episodes"), again.out());
    // the resumed uniform search took the same grid points as the uninterrupted one
    assertTrue(again.out().contains("| uniform | 1 | 0.0% | 48.1% | 79.7% | 3 |"), again.out());
  }

  @Test @Order(4) void anotherPrefixWritesItsOwnTableAndLeavesTheDefaultOnesAlone() throws Exception {
    Path defaults = tmp.resolve("work/compare/tiny/compare.md");
    String before = Files.readString(defaults);
    var r = SearchCliTest.hwc("bench", "compare", "--model", model.toString(), "--episodes", "3", "--strategies", "uniform", "--prefix", "p2");
    assertEquals(0, r.code(), r.err());
    String own = Files.readString(tmp.resolve("work/compare/p2-tiny/compare.md"));
    assertTrue(own.contains("--prefix p2") && own.contains("| uniform | 1 |"), own);
    assertEquals(before, Files.readString(defaults));
  }

  @Test @Order(5) void aMovedModelIsTheSameSearchsModelAndAnotherFileIsRefused() throws Exception {
    var working = SearchCommand.parts;
    var measuring = BenchCompareCommand.testSets;
    // the doubles journal the model file's real SHA-256, as the real parts do
    String sha = RealParts.fingerprint(model);
    SearchCommand.parts = (root, m, seed, hw) -> {
      var backend = new Doubles.Backend(0).withModelFingerprint(sha);
      return RealParts.policies(root, backend.algorithms(), seed, backend, new Doubles.Energy(), new Doubles.Ddpg(seed),
          new Doubles.Rainbow(seed + 1));
    };
    try {
      String[] args = {"bench", "compare", "--episodes", "3", "--strategies", "uniform", "--prefix", "mv", "--model"};
      assertEquals(0, SearchCliTest.hwc(concat(args, model.toString())).code());

      Path moved = Files.copy(model, Files.createDirectories(tmp.resolve("elsewhere")).resolve("tiny.zip"));
      Path[] measuredFrom = new Path[1];
      var inner = BenchCompareCommand.testSets.get();
      BenchCompareCommand.testSets = () -> (state, current, m, plans) -> {
        measuredFrom[0] = m;
        return inner.measure(state, current, m, plans);
      };
      var again = SearchCliTest.hwc(concat(args, moved.toString()));
      assertEquals(0, again.code(), again.err());
      assertTrue(again.out().contains("[1/1] mv-tiny-uniform-s1: complete (3 episodes), reused"), again.out());
      assertEquals(moved.toAbsolutePath().normalize(), measuredFrom[0]);

      Path other = Files.writeString(Files.createDirectories(tmp.resolve("other")).resolve("tiny.zip"), "another model");
      var refused = SearchCliTest.hwc(concat(args, other.toString()));
      assertEquals(2, refused.code());
      assertEquals("hwc compare: error: search 'mv-tiny-uniform-s1' exists with model " + model.toAbsolutePath().normalize()
          + ", not " + other.toAbsolutePath().normalize() + " (choose another --prefix)", refused.err().strip());
    } finally {
      SearchCommand.parts = working;
      BenchCompareCommand.testSets = measuring;
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
