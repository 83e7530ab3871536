package dev.hwc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cluster mode in real processes (`hwc node` with the doubles, {@link ClusterDoublesMain}): a coordinator and two
 * worker JVMs on loopback; one worker is killed with SIGKILL while it evaluates an episode; the search completes with
 * every episode evaluated exactly once, the killed worker's episode re-dispatched to the other.
 */
@Tag("acceptance")
class ClusterProcessTest {
  private static final int EPISODES = 12;
  private static final Pattern EVALUATING = Pattern.compile("evaluating episode (\\d+) of search");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;
  private final List<Child> children = new ArrayList<>();

  @AfterEach void killAll() throws InterruptedException {
    for (Child c : children) if (c.process.isAlive()) c.kill();
  }

  @Test
  void aWorkerKilledMidEpisodeLosesNoEpisodeAndDuplicatesNone() throws Exception {
    int port = freePort();
    String seed = "127.0.0.1:" + port;
    Child coordinator = start(List.of("node", "--role", "coordinator", "--seed-nodes", seed, "--port", Integer.toString(port),
        "--id", "procs", "--model", home().resolve("models/lenet5.zip").toString(), "--episodes", Integer.toString(EPISODES)));
    assertTrue(coordinator.awaitOut(l -> l.startsWith("coordinator node ")), coordinator.output());
    Child victim = start(List.of("node", "--role", "worker", "--seed-nodes", seed, "--port", "0"));
    Child survivor = start(List.of("node", "--role", "worker", "--seed-nodes", seed, "--port", "0"));

    // Kill the first worker while it evaluates its third episode (an evaluation takes 500 ms; the line opens it).
    int[] seen = {0};
    assertTrue(victim.awaitOut(l -> EVALUATING.matcher(l).find() && ++seen[0] == 3), victim.output());
    Matcher m = EVALUATING.matcher(victim.line(l -> EVALUATING.matcher(l).find() && --seen[0] == 0));
    assertTrue(m.find());
    int lost = Integer.parseInt(m.group(1));
    long killedAt = System.nanoTime();
    victim.kill();

    String redispatched = "re-dispatching episode " + lost + ":";
    assertTrue(coordinator.awaitOut(l -> l.contains(redispatched)), coordinator.output());
    long delayMillis = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.println("re-dispatch of episode " + lost + " observed " + delayMillis + " ms after the SIGKILL");
    assertEquals(0, coordinator.waitFor(), coordinator.output());
    assertTrue(coordinator.output().contains("search procs: done, " + EPISODES + " episodes"), coordinator.output());
    assertTrue(survivor.output().contains("evaluating episode " + lost + " of search"), survivor.output());

    Child journal = start(List.of("journal", "procs", "--json"));
    assertEquals(0, journal.waitFor(), journal.output());
    List<Integer> evaluated = new ArrayList<>();
    for (String l : journal.lines) {
      if (!l.startsWith("{")) continue;
      JsonNode n = JSON.readTree(l);
      if (n.get("type").asText().equals("EpisodeEvaluated")) evaluated.add(n.get("event").get("episode").asInt());
    }
    // Every episode once: none lost, none journaled twice.
    assertEquals(IntStream.rangeClosed(1, EPISODES).boxed().toList(), evaluated.stream().sorted().toList());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static Path home() {
    return Path.of("").toAbsolutePath();
  }

  private Child start(List<String> args) throws IOException {
    Child c = Child.start(work, List.of(), args);
    children.add(c);
    return c;
  }
}
