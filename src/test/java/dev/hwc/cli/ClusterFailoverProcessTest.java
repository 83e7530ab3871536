package dev.hwc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hwc.search.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coordinator failover in real processes on the PostgreSQL journal: two coordinator JVMs and two worker JVMs (the
 * doubles); the coordinator hosting the search is killed with SIGKILL mid-search; the other one takes the singleton
 * over, recovers from the journal and completes the search with every episode evaluated exactly once.
 */
@Tag("acceptance")
class ClusterFailoverProcessTest {
  private static final int EPISODES = 16;
  private static final Pattern EVALUATED = Pattern.compile("^episode \\d+ evaluated");
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final TestPostgres.PerClass postgres = new TestPostgres.PerClass();

  @TempDir Path work;
  private final List<Child> children = new ArrayList<>();

  @AfterEach void killAll() throws InterruptedException {
    for (Child c : children) if (c.process.isAlive()) c.kill();
  }

  @Test
  void killingTheCoordinatorsNodeMovesTheSearchWhichCompletesFromTheJournal() throws Exception {
    List<String> db = TestPostgres.jvmOptions(postgres.newDatabase());
    int portA = ClusterProcessTest.freePort(), portB = ClusterProcessTest.freePort();
    String seeds = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    List<String> search = List.of("--id", "fo", "--model", ClusterProcessTest.home().resolve("models/lenet5.zip").toString(),
        "--episodes", Integer.toString(EPISODES));
    Child a = start(db, cat(List.of("node", "--role", "coordinator", "--seed-nodes", seeds, "--port", Integer.toString(portA)), search));
    assertTrue(a.awaitOut(l -> l.startsWith("coordinator node ")), a.output());
    Child b = start(db, cat(List.of("node", "--role", "coordinator", "--seed-nodes", seeds, "--port", Integer.toString(portB)), search));
    start(db, List.of("node", "--role", "worker", "--seed-nodes", seeds, "--port", "0"));
    start(db, List.of("node", "--role", "worker", "--seed-nodes", seeds, "--port", "0"));

    // The first coordinator (the oldest node) hosts the search; kill it after 4 episodes.
    int[] seen = {0};
    assertTrue(a.awaitOut(l -> EVALUATED.matcher(l).find() && ++seen[0] == 4), a.output());
    long killedAt = System.nanoTime();
    a.kill();
    assertTrue(b.awaitOut(l -> EVALUATED.matcher(l).find()), b.output());
    System.out.println("failover: the second coordinator journaled its first episode "
        + (System.nanoTime() - killedAt) / 1_000_000 + " ms after the SIGKILL of the first");
    assertEquals(0, b.waitFor(), b.output());
    assertTrue(b.output().contains("search fo: done, " + EPISODES + " episodes"), b.output());

    Child journal = start(db, List.of("journal", "fo", "--json"));
    assertEquals(0, journal.waitFor(), journal.output());
    List<Integer> evaluated = new ArrayList<>();
    for (String l : journal.lines) {
      if (!l.startsWith("{")) continue;
      JsonNode n = JSON.readTree(l);
      if (n.get("type").asText().equals("EpisodeEvaluated")) evaluated.add(n.get("event").get("episode").asInt());
    }
    assertEquals(IntStream.rangeClosed(1, EPISODES).boxed().toList(), evaluated.stream().sorted().toList());
  }

  private Child start(List<String> jvmOptions, List<String> args) throws Exception {
    Child c = Child.start(work, jvmOptions, args);
    children.add(c);
    return c;
  }

  private static List<String> cat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
