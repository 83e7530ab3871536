package dev.hwc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The product's main promise, end to end in real processes: a search killed by SIGKILL at three seeded-random
 * moments and resumed each time ends with the same episodes (plans, accuracies, energies, rewards, per-layer results)
 * and the same chosen plan as an uninterrupted run.
 */
@Tag("acceptance")
class ExactResumeTest {
  // Far more episodes than the last kill moment: on a quiet machine an episode of this small search takes ~0.2 s and the
  // progress bar refreshes about once a second, so a kill must not be able to land after the search has finished.
  private static final int EPISODES = 24;
  private static final Pattern PROGRESS = Pattern.compile("(\\d+)/" + EPISODES + " ep");
  private static final Pattern RESUMED = Pattern.compile("resuming search \\S+: (\\d+) of");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  @Test
  void searchKilledThreeTimesEndsAsAnUninterruptedOne() throws Exception {
    Path model = home().resolve("models/lenet5.zip");
    List<String> search = List.of("search", "--model", model.toString(), "--episodes", Integer.toString(EPISODES), "--seed", "3");

    Child ref = child(cat(search, "--id", "ref"));
    assertEquals(0, ref.waitFor(), ref.output());
    String refSummary = ref.line(l -> l.startsWith("chosen plan") || l.startsWith("no plan"));

    // Three kill moments, seeded: after k episodes are journaled (k = 0: right after SearchStarted), k increasing.
    Random rnd = new Random(20260611L);
    int[] at = {rnd.nextInt(2), 2 + rnd.nextInt(2), 4 + rnd.nextInt(3)};
    Child run = child(cat(search, "--id", "killed"));
    int kills = 0;
    for (int k : at) {
      int target = k;
      if (target >= EPISODES) break;
      // k = 0 waits for the start line (printed once SearchStarted is journaled); else for the progress bar.
      boolean reached = target == 0 ? run.awaitOut(l -> l.startsWith("search killed:")) : awaitProgress(run, target);
      if (!reached) break;
      run.kill();
      kills++;
      run = child(List.of("resume", "killed"));
      int done = awaitResumed(run);
      assertTrue(done >= target, "resumed at " + done + " after a kill at " + target + "\n" + run.output());
    }
    assertEquals(3, kills, "every kill happened before the search finished\n" + run.output());
    assertEquals(0, run.waitFor(), run.output());
    String resumedSummary = run.line(l -> l.startsWith("chosen plan") || l.startsWith("no plan"));

    List<JsonNode> expected = evaluated("ref"), actual = evaluated("killed");
    assertEquals(EPISODES, expected.size());
    assertEquals(expected, actual);
    assertEquals(refSummary.replace("ref", ""), resumedSummary.replace("killed", ""));
    // No episode counted twice: the journal of the killed search has exactly EPISODES evaluations, numbered 1..N.
    for (int i = 0; i < actual.size(); i++) assertEquals(i + 1, actual.get(i).get("episode").asInt());
  }

  /** The EpisodeEvaluated events of a search, as JSON, without timing fields (which differ between runs). */
  private List<JsonNode> evaluated(String id) throws Exception {
    Child j = child(List.of("journal", id, "--json"));
    assertEquals(0, j.waitFor(), j.output());
    List<JsonNode> out = new ArrayList<>();
    for (String l : j.lines) {
      if (!l.startsWith("{")) continue;
      JsonNode n = JSON.readTree(l);
      if (!n.get("type").asText().equals("EpisodeEvaluated")) continue;
      ObjectNode e = (ObjectNode) n.get("event");
      e.remove(List.of("evaluationMillis", "wallMillis"));
      out.add(e);
    }
    return out;
  }

  /** Extra JVM options of every hwc process of a test (the journal's database in {@link PostgresExactResumeTest}). */
  List<String> jvmOptions() throws Exception {
    return List.of();
  }

  private Child child(List<String> args) throws Exception {
    List<String> jvm = new ArrayList<>(List.of("-Xmx2g", "-Dhwc.home=" + home(), "-Dhwc.work-dir=" + work,
        "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("user.home") + "/.javacpp/cache",
        "-Dhwc.data.search-size=500",
        "-Dhwc.rl.ddpg.warmup-episodes=2", "-Dhwc.rl.rainbow.warmup-episodes=2",
        "-Dhwc.rl.ddpg.batch-size=8", "-Dhwc.rl.rainbow.batch-size=8"));
    jvm.addAll(jvmOptions());
    return Child.java(jvm, "dev.hwc.cli.Hwc", args, 600, 300);
  }

  private static Path home() {
    return Path.of("").toAbsolutePath();
  }

  @SafeVarargs
  private static <T> List<T> cat(List<T> a, T... b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }

  /** Waits until the progress bar shows at least {@code episodes} episodes; false if the process ended first. */
  private static boolean awaitProgress(Child c, int episodes) throws InterruptedException {
    return c.awaitOut(l -> {
      Matcher m = PROGRESS.matcher(l);
      return m.find() && Integer.parseInt(m.group(1)) >= episodes;
    });
  }

  /** The episodes a resumed search found journaled, from its first line. */
  private static int awaitResumed(Child c) throws InterruptedException {
    assertTrue(c.awaitOut(l -> RESUMED.matcher(l).find()), "resume did not start\n" + c.output());
    Matcher m = RESUMED.matcher(c.line(l -> RESUMED.matcher(l).find()));
    assertTrue(m.find());
    return Integer.parseInt(m.group(1));
  }
}
