package dev.hwc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import dev.hwc.search.Doubles;
import dev.hwc.search.PartsFactory;
import dev.hwc.search.RealParts;
import dev.hwc.search.SearchLock;
import dev.hwc.search.SearchRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search commands end to end in one JVM, on doubles for the model, compression, energy and agents. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SearchCliTest {
  @TempDir static Path tmp;
  static Path model;

  record Result(int code, String out, String err) {}

  @BeforeAll static void setUp() throws Exception {
    System.setProperty("hwc.work-dir", tmp.resolve("work").toString());
    ConfigFactory.invalidateCaches();
    model = Files.writeString(tmp.resolve("tiny.zip"), "not read by the doubles");
  }

  @AfterAll static void tearDown() {
    System.clearProperty("hwc.work-dir");
    ConfigFactory.invalidateCaches();
    SearchCommand.parts = new RealParts();
  }

  static PartsFactory doubles(int failEvaluationAt, String modelFingerprint) {
    return (root, m, seed, hw) -> new SearchRuntime.Parts(new Doubles.Backend(failEvaluationAt).withModelFingerprint(modelFingerprint),
        new Doubles.Energy(), new Doubles.Ddpg(seed), new Doubles.Rainbow(seed + 1));
  }

  static Result hwc(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    var cl = Hwc.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test @Order(1) void searchRunsAndTheJournalShowsEveryEventType() throws Exception {
    SearchCommand.parts = doubles(0, "model-fp");
    Result r = hwc("search", "--model", model.toString(), "--episodes", "3", "--id", "t1", "--seed", "5");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("search t1: done, 3 episodes"), r.out());

    Result j = hwc("journal", "t1");
    assertEquals(0, j.code(), j.err());
    for (String type : List.of("SearchStarted", "EpisodeStarted", "LayerStepTaken", "EpisodeEvaluated", "AgentCheckpointed", "SearchCompleted"))
      assertTrue(j.out().contains(type), type + " missing from:\n" + j.out());
    // 1 start + 3 x (start + 4 steps + evaluated + checkpointed) + completed
    assertEquals(1 + 3 * 7 + 1, j.out().lines().count());

    Result json = hwc("journal", "t1", "--json", "--episode", "2");
    assertEquals(0, json.code(), json.err());
    ObjectMapper mapper = new ObjectMapper();
    List<String> types = json.out().lines().map(l -> {
      try {
        return mapper.readTree(l).get("type").asText();
      } catch (Exception e) {
        throw new AssertionError(l, e);
      }
    }).toList();
    assertEquals(List.of("EpisodeStarted", "LayerStepTaken", "LayerStepTaken", "LayerStepTaken", "LayerStepTaken",
        "EpisodeEvaluated", "AgentCheckpointed"), types);
  }

  @Test @Order(2) void refusalsLeaveTheJournalUntouched() throws Exception {
    SearchCommand.parts = doubles(0, "model-fp");
    String before = hwc("journal", "t1").out();

    Result again = hwc("search", "--model", model.toString(), "--episodes", "3", "--id", "t1");
    assertEquals(2, again.code());
    assertEquals("hwc search: error: search 't1' already exists; continue it with: hwc resume t1", again.err().strip());

    Result unknown = hwc("resume", "nope");
    assertEquals(2, unknown.code());
    assertEquals("hwc resume: error: no search named 'nope' (hwc searches lists them)", unknown.err().strip());

    Result done = hwc("resume", "t1");
    assertEquals(2, done.code());
    assertEquals("hwc resume: error: search 't1' is complete (episodes, 3 episodes); nothing to resume", done.err().strip());

    Result badId = hwc("journal", "../x");
    assertEquals(2, badId.code());

    Result badTime = hwc("search", "--model", model.toString(), "--max-time", "soon", "--id", "t9");
    assertEquals(2, badTime.code());
    assertEquals("hwc search: error: --max-time 'soon' is not a positive duration such as 30m or 2h", badTime.err().strip());

    Path bad = tmp.resolve("bad.conf");
    java.nio.file.Files.writeString(bad, "hwc.search.max-accuracy-loss = -1\n");
    Result badConf = hwc("search", "--model", model.toString(), "--config", bad.toString(), "--id", "t8");
    assertEquals(2, badConf.code());
    assertEquals("hwc search: error: hwc.search.max-accuracy-loss must be >= 0, was -1.0", badConf.err().strip());

    assertEquals(before, hwc("journal", "t1").out());
    assertTrue(hwc("journal", "t8").err().contains("no search named 't8'"));
  }

  @Test @Order(3) void anInterruptedSearchResumesOnlyOnTheSameModelAndNotTwice() throws Exception {
    SearchCommand.parts = doubles(2, "model-fp");   // evaluation of episode 2 crashes
    Result crashed = hwc("search", "--model", model.toString(), "--episodes", "3", "--id", "t2");
    assertEquals(1, crashed.code());
    assertTrue(crashed.err().contains("evaluation crashed"), crashed.err());

    SearchCommand.parts = doubles(0, "other-fp");
    Result changed = hwc("resume", "t2");
    assertEquals(2, changed.code());
    assertTrue(changed.err().contains("has changed since search 't2' started (fingerprint other-fp, journal model-fp)"), changed.err());

    SearchCommand.parts = doubles(0, "model-fp");
    try (SearchLock held = SearchLock.acquire(tmp.resolve("work/searches/t2"), "t2")) {
      Result locked = hwc("resume", "t2");
      assertEquals(1, locked.code());
      assertTrue(locked.err().contains("search 't2' is being run by another process"), locked.err());
    }

    // the model moved: --model gives its new place, which must hold the same file
    Path moved = java.nio.file.Files.copy(model, tmp.resolve("moved.zip"));
    SearchCommand.parts = doubles(0, "other-fp");
    Result other = hwc("resume", "t2", "--model", moved.toString());
    assertEquals(2, other.code());
    assertEquals("hwc resume: error: model " + moved.toAbsolutePath().normalize() + " is not the one search 't2' ran on ("
        + model.toAbsolutePath().normalize() + ") (fingerprint other-fp, journal model-fp)", other.err().strip());

    Path[] loadedFrom = new Path[1];
    PartsFactory same = doubles(0, "model-fp");
    SearchCommand.parts = (root, m, seed, hw) -> {
      loadedFrom[0] = m;
      return same.create(root, m, seed, hw);
    };
    Result resumed = hwc("resume", "t2", "--model", moved.toString());
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().contains("resuming search t2: 1 of 3 episodes done, episode 2 runs again"), resumed.out());
    assertEquals(moved.toAbsolutePath().normalize(), loadedFrom[0]);

    Result list = hwc("searches");
    assertEquals(0, list.code(), list.err());
    Set<String> lines = list.out().lines().collect(Collectors.toSet());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("t1") && l.contains("complete (episodes)") && l.contains("3/3")), list.out());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("t2") && l.contains("3/3")), list.out());
    // episode 2 was generated (started) once, before the agents learned from episode 1 (two in flight): the resume
    // evaluated its journaled plan again; it was journaled as evaluated once
    String journal = hwc("journal", "t2").out();
    assertEquals(1, journal.lines().filter(l -> l.contains("EpisodeStarted") && l.endsWith("episode 2")).count());
    assertEquals(3, journal.lines().filter(l -> l.contains("EpisodeEvaluated")).count());
    assertTrue(Arrays.stream(journal.split("\n")).anyMatch(l -> l.contains("SearchCompleted")));
  }

  @Test @Order(4) void theStrategyReachesThePartsAndTheJournaledConfiguration() throws Exception {
    String[] seen = new String[1];
    PartsFactory inner = doubles(0, "model-fp");
    SearchCommand.parts = (root, m, seed, hw) -> {
      seen[0] = root.getString("hwc.search.strategy");
      return inner.create(root, m, seed, hw);
    };
    Result r = hwc("search", "--model", model.toString(), "--episodes", "1", "--id", "t4", "--strategy", "prune-only");
    assertEquals(0, r.code(), r.err());
    assertEquals("prune-only", seen[0]);
    Result json = hwc("journal", "t4", "--json");
    assertEquals(0, json.code(), json.err());
    assertTrue(json.out().lines().findFirst().orElseThrow().contains("prune-only"), json.out());

    Result bad = hwc("search", "--model", model.toString(), "--episodes", "1", "--id", "t5", "--strategy", "greedy");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("hwc.search.strategy 'greedy' is not one of composite, ddpg-fixed, prune-only, quant-only, random"), bad.err());
  }
}
