package dev.hwc.search;

import com.typesafe.config.Config;
import dev.hwc.cli.HwcConfig;
import dev.hwc.search.SearchCoordinator.Progress;
import dev.hwc.search.SearchCoordinator.State;
import dev.hwc.search.SearchEvent.EpisodeEvaluated;
import dev.hwc.search.SearchEvent.SearchStarted;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The coordinator on the real H2 journal: restarts, crashes mid-episode and before a checkpoint, exact resume. */
class SearchCoordinatorRecoveryTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;
  private Config root;
  private SearchSettings settings;
  private RewardTable rewards;
  private ActorTestKit kit;

  /** The configuration the coordinator runs with: the H2 journal here, PostgreSQL in {@link PostgresJournalTest}. */
  Config config() throws Exception {
    return HwcConfig.load(null);
  }

  @BeforeEach void setUp() throws Exception {
    root = config();
    settings = SearchSettings.from(root).withWorkDir(tmp);
    rewards = settings.loadRewardTable();
    kit = newKit();
  }

  @AfterEach void tearDown() {
    if (kit != null) kit.shutdownTestKit();
  }

  /** A fresh "process": a new actor system on the same journal file. */
  private ActorTestKit newKit() {
    ActorTestKit k = ActorTestKit.create("hwc", SearchSystem.pekkoConfig(root, settings));
    SearchSystem.createSchema(k.system(), WAIT);
    return k;
  }

  private void restartKit() {
    kit.shutdownTestKit();
    kit = newKit();
  }

  private static SearchRuntime.Parts parts(int failEvaluationAt, int failRainbowCheckpointCall) {
    var rainbow = new Doubles.Rainbow(11);
    rainbow.failCheckpointCall = failRainbowCheckpointCall;
    return new SearchRuntime.Parts(new Doubles.Backend(failEvaluationAt), new Doubles.Energy(), new Doubles.Ddpg(7), rainbow);
  }

  private ActorRef<SearchCoordinator.Command> spawn(String id, SearchRuntime.Parts parts) {
    return kit.spawn(SearchRuntime.create(id, parts, settings, rewards), "search-" + id + "-" + System.nanoTime());
  }

  private void start(ActorRef<SearchCoordinator.Command> search, String id, SearchRuntime.Parts p) {
    var energy = p.energy().baselineEnergy(p.compression().prunableLayers());
    var started = new SearchStarted(id, "{}", "models/x.zip", "model-fp", "data-fp", "eyeriss", 0.9, energy, 1.0, 7, 5,
        p.compression().algorithms(), p.compression().decisionLayers(), p.compression().prunableLayers(), 0);
    TestProbe<StatusReply<Done>> probe = kit.createTestProbe();
    search.tell(new SearchCoordinator.Start(started, probe.ref()));
    assertTrue(probe.receiveMessage(WAIT).isSuccess());
  }

  /** Runs to {@code episodes}; returns the progress messages up to Finished or Failed. */
  private List<Progress> run(ActorRef<SearchCoordinator.Command> search, int episodes) {
    TestProbe<Progress> probe = kit.createTestProbe();
    search.tell(new SearchCoordinator.Run(episodes, 0, probe.ref()));
    List<Progress> out = new ArrayList<>();
    while (true) {
      Progress p = probe.receiveMessage(WAIT);
      out.add(p);
      if (p instanceof SearchCoordinator.Finished || p instanceof SearchCoordinator.Failed) return out;
    }
  }

  private State state(ActorRef<SearchCoordinator.Command> search) {
    TestProbe<State> probe = kit.createTestProbe();
    search.tell(new SearchCoordinator.GetState(probe.ref()));
    return probe.receiveMessage(WAIT);
  }

  private void awaitStopped(ActorRef<SearchCoordinator.Command> search) {
    kit.createTestProbe().expectTerminated(search, WAIT);
  }

  private static List<EpisodeEvaluated> evaluated(State s) {
    return s.evaluated();
  }

  private List<State.Episode> uninterrupted(int episodes) {
    var p = parts(0, 0);
    var a = spawn("reference", p);
    start(a, "reference", p);
    assertInstanceOf(SearchCoordinator.Finished.class, run(a, episodes).get(episodes));
    return state(a).episodes();
  }

  @Test void restartRecoversTheSameStateAndResumesExactly() {
    List<State.Episode> reference = uninterrupted(5);

    var p = parts(0, 0);
    var b = spawn("b", p);
    start(b, "b", p);
    List<Progress> progress = run(b, 3);
    assertEquals(4, progress.size());
    assertEquals(new SearchCoordinator.Finished("paused", 3), progress.get(3));
    State before = state(b);
    assertEquals(3, before.episodesDone());
    assertEquals(3, before.checkpointEpisode());

    restartKit();
    var b2 = spawn("b", parts(0, 0));
    assertEquals(before, state(b2));
    assertEquals(new SearchCoordinator.Finished("episodes", 5), run(b2, 5).get(2));
    assertEquals(sameEpisodes(reference), sameEpisodes(state(b2).episodes()));
    // a completed search reports itself finished instead of running again
    assertEquals(List.of(new SearchCoordinator.Finished("episodes", 5)), run(b2, 7));
  }

  @Test void anEpisodeInFlightAtACrashRunsAgainAndCountsOnce() {
    List<State.Episode> reference = uninterrupted(4);

    var p = parts(3, 0);
    var c = spawn("c", p);
    start(c, "c", p);
    List<Progress> progress = run(c, 4);
    assertInstanceOf(SearchCoordinator.Failed.class, progress.get(progress.size() - 1));
    awaitStopped(c);
    State crashed = state(spawn("c", parts(0, 0)));
    // Episode 3 failed in evaluation with all its steps journaled; the agents, learning from episode 2 meanwhile (two
    // in flight), finished and journaled it before the search stopped.
    assertEquals(2, crashed.episodesDone());
    assertEquals(2, crashed.checkpointEpisode());
    assertFalse(crashed.isEvaluated(3));
    assertEquals(4, crashed.open().get(3).size());
    assertEquals(List.of(3), crashed.checkpoint().ahead());

    restartKit();
    var c2 = spawn("c", parts(0, 0));
    List<Progress> resumed = run(c2, 4);
    assertEquals(new SearchCoordinator.Finished("paused", 4), resumed.get(resumed.size() - 1));
    State after = state(c2);
    assertEquals(List.of(1, 2, 3, 4), after.evaluated().stream().map(EpisodeEvaluated::episode).toList());
    assertEquals(sameEpisodes(reference), sameEpisodes(after.episodes()));
  }

  @Test void aCrashBetweenEvaluationAndCheckpointRunsTheEpisodeAgain() {
    List<State.Episode> reference = uninterrupted(4);

    var p = parts(0, 2);   // Rainbow's second checkpoint (after episode 2) fails
    var d = spawn("d", p);
    start(d, "d", p);
    List<Progress> progress = run(d, 4);
    assertInstanceOf(SearchCoordinator.Failed.class, progress.get(progress.size() - 1));
    awaitStopped(d);

    restartKit();
    var d2 = spawn("d", parts(0, 0));
    State crashed = state(d2);
    assertEquals(1, crashed.episodesDone());
    assertEquals(1, crashed.checkpointEpisode());
    // episode 2 was evaluated but not journaled as such; the agents had generated it before learning from episode 1
    assertEquals(4, crashed.open().get(2).size());
    assertEquals(List.of(2), crashed.checkpoint().ahead());
    run(d2, 4);
    assertEquals(sameEpisodes(reference), sameEpisodes(state(d2).episodes()));
  }

  /** DDPG's acts ("a", one per layer step) and learnings ("L") in the order the agent saw them. */
  private static final class Recording implements ContinuousPolicy {
    final ContinuousPolicy inner;
    final StringBuffer log;

    Recording(ContinuousPolicy inner, StringBuffer log) {
      this.inner = inner;
      this.log = log;
    }

    @Override public Action act(float[] state, boolean explore) {
      log.append('a');
      return inner.act(state, explore);
    }

    @Override public void remember(List<EpisodeTransitions.Step> transitions) { inner.remember(transitions); }

    @Override public void learn() {
      log.append('L');
      inner.learn();
    }

    @Override public byte[] toBytes() { return inner.toBytes(); }

    @Override public ContinuousPolicy fromBytes(byte[] bytes) { return new Recording(inner.fromBytes(bytes), log); }
  }

  private String agentOrder(String id, int inFlight) {
    StringBuffer log = new StringBuffer();
    var p = parts(0, 0);
    var parts = new SearchRuntime.Parts(p.compression(), p.energy(), new Recording(p.ddpg(), log), p.rainbow());
    var search = kit.spawn(SearchRuntime.create(id, parts, rewards, settings.actions(), settings.searchDir(id), settings.askTimeout(),
        inFlight), "search-" + id);
    start(search, id, parts);
    assertEquals(new SearchCoordinator.Finished("episodes", 5), run(search, 5).get(5));
    return log.toString();
  }

  @Test void theAgentsActAndLearnInTheOrderOfTheirMode() {
    // 5 episodes of 4 layer steps. Strict order: act(k), learn(k), act(k+1).
    assertEquals("aaaaL".repeat(5), agentOrder("strict", 1));
    // Two in flight: act(1), act(2), learn(1), act(3), learn(2), ..., act(5), learn(4), learn(5).
    assertEquals("aaaa" + "aaaaL".repeat(4) + "L", agentOrder("pipelined", 2));
  }

  /** Episodes compared by what was decided and measured (the search id differs between searches). */
  private static List<String> sameEpisodes(List<State.Episode> episodes) {
    return episodes.stream().map(e -> e.steps().toString() + " -> " + e.evaluated().toString()).toList();
  }
}
