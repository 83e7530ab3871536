package dev.hwc.search;

import dev.hwc.cli.HwcConfig;
import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.LayerDecision;
import dev.hwc.search.SearchCoordinator.Progress;
import dev.hwc.search.SearchEvent.EpisodeEvaluated;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;

import static dev.hwc.search.ClusterNodes.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cluster mode in one JVM: several actor systems on loopback, the doubles' backend on the worker nodes, H2 journal. */
class ClusterSearchTest {
  @TempDir Path tmp;
  private ClusterNodes nodes;

  /** The configuration the nodes run with: the H2 journal here, PostgreSQL in {@link PostgresClusterTest}. */
  com.typesafe.config.Config config() throws Exception {
    return HwcConfig.load(null);
  }

  @BeforeEach void setUp() throws Exception {
    var root = config();
    nodes = new ClusterNodes(root, SearchSettings.from(root).withWorkDir(tmp));
  }

  @AfterEach void tearDown() {
    nodes.close();
  }

  /** Evaluates like the doubles; its first evaluation waits until the other worker's first one has begun too. */
  private static final class MeetingBackend extends Doubles.Backend {
    final CyclicBarrier both;
    final AtomicIntegerArray evaluations;
    final int worker;

    MeetingBackend(CyclicBarrier both, AtomicIntegerArray evaluations, int worker) {
      super(0);
      this.both = both;
      this.evaluations = evaluations;
      this.worker = worker;
    }

    @Override public Accuracy evaluate(int episode, CompressionPlan plan) {
      try {
        if (evaluations.getAndIncrement(worker) == 0) both.await(WAIT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("the two workers never evaluated at the same time: " + e);
      }
      return super.evaluate(episode, plan);
    }
  }

  /** Evaluates like the doubles, each evaluation once the test releases a permit. */
  static final class GatedBackend extends Doubles.Backend {
    final Semaphore gate;

    GatedBackend(Semaphore gate) {
      super(0);
      this.gate = gate;
    }

    @Override public Accuracy evaluate(int episode, CompressionPlan plan) {
      try {
        if (!gate.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS)) throw new IllegalStateException("gate never opened");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
      return super.evaluate(episode, plan);
    }
  }

  static List<Progress> untilFinished(TestProbe<Progress> probe) {
    List<Progress> out = new ArrayList<>();
    while (true) {
      Progress p = probe.receiveMessage(WAIT);
      out.add(p);
      if (p instanceof SearchCoordinator.Finished || p instanceof SearchCoordinator.Failed) return out;
    }
  }

  static List<Integer> sortedEpisodeIds(SearchCoordinator.State s) {
    return s.evaluated().stream().map(EpisodeEvaluated::episode).sorted().toList();
  }

  static List<Integer> oneTo(int n) {
    return IntStream.rangeClosed(1, n).boxed().toList();
  }

  @Test void aSearchCompletesOnTwoWorkerNodesWithTwoEpisodesInFlight() {
    ActorTestKit coordinator = nodes.add(ClusterSettings.COORDINATOR);
    var both = new CyclicBarrier(2);
    var evaluations = new AtomicIntegerArray(2);
    nodes.addWorker(job -> new MeetingBackend(both, evaluations, 0));
    nodes.addWorker(job -> new MeetingBackend(both, evaluations, 1));
    nodes.awaitUp(coordinator, 3);

    TestProbe<Progress> progress = coordinator.createTestProbe();
    nodes.initSearch(coordinator, "two", ClusterNodes.started("two", 6), progress.ref());
    List<Progress> all = untilFinished(progress);
    assertEquals(new SearchCoordinator.Finished("episodes", 6), all.get(all.size() - 1), all.toString());

    var state = new JournalReader(coordinator.system(), WAIT).state("two");
    assertEquals(oneTo(6), sortedEpisodeIds(state));
    assertEquals(state.lastEvaluatedEpisode(), state.checkpointEpisode());
    // Both workers evaluated (their first evaluations overlapped), and each episode exactly once.
    assertTrue(evaluations.get(0) > 0 && evaluations.get(1) > 0, evaluations.toString());
    assertEquals(6, evaluations.get(0) + evaluations.get(1));
  }

  @Test void aLostWorkersEpisodeIsReDispatchedAndOnlyTheFirstAnswerCounts() {
    ActorTestKit node = nodes.add(ClusterSettings.COORDINATOR);
    nodes.awaitUp(node, 1);
    var job = new WorkDispatcher.SearchJob("d", "m.zip", "model-fp", "{}");
    var dispatcher = node.spawn(WorkDispatcher.create(job, Duration.ofMillis(300)));
    TestProbe<EvaluationWorker.Command> a = node.createTestProbe(), b = node.createTestProbe(), c = node.createTestProbe();
    TestProbe<StatusReply<CompressionWorker.PlanEvaluated>> coordinator = node.createTestProbe();
    var plan = new CompressionPlan(Doubles.LAYERS.stream().map(l -> new CompressionPlan.LayerPlan(l.name(), LayerDecision.dense(8))).toList());

    // Episode 1 goes to the only idle worker, a; a dies; b, idle, gets episode 1.
    dispatcher.tell(new WorkDispatcher.RequestWork(a.ref()));
    dispatcher.tell(new CompressionWorker.Evaluate(1, plan, coordinator.ref()));
    assertEquals(1, a.expectMessageClass(EvaluationWorker.Work.class, WAIT).episode());
    dispatcher.tell(new WorkDispatcher.RequestWork(b.ref()));
    b.expectNoMessage(Duration.ofMillis(100));
    a.stop();
    var work = b.expectMessageClass(EvaluationWorker.Work.class, WAIT);
    assertEquals(1, work.episode());
    assertEquals(plan, work.plan());
    assertEquals(job, work.job());
    dispatcher.tell(new WorkDispatcher.EpisodeResult(1, 0.5, 0.5, b.ref()));
    assertEquals(new CompressionWorker.PlanEvaluated(1, 0.5, 0.5), coordinator.receiveMessage(WAIT).getValue());
    // a's late answer for episode 1 is dropped.
    dispatcher.tell(new WorkDispatcher.EpisodeResult(1, 0.7, 0.7, a.ref()));

    // Episode 2 goes to b, which stays silent past the re-dispatch timeout: c gets it too; the first answer counts.
    dispatcher.tell(new WorkDispatcher.RequestWork(b.ref()));
    dispatcher.tell(new CompressionWorker.Evaluate(2, plan, coordinator.ref()));
    assertEquals(2, b.expectMessageClass(EvaluationWorker.Work.class, WAIT).episode());
    dispatcher.tell(new WorkDispatcher.RequestWork(c.ref()));
    assertEquals(2, c.expectMessageClass(EvaluationWorker.Work.class, WAIT).episode());
    dispatcher.tell(new WorkDispatcher.EpisodeResult(2, 0.6, 0.6, c.ref()));
    dispatcher.tell(new WorkDispatcher.EpisodeResult(2, 0.4, 0.4, b.ref()));
    assertEquals(new CompressionWorker.PlanEvaluated(2, 0.6, 0.6), coordinator.receiveMessage(WAIT).getValue());
    coordinator.expectNoMessage(Duration.ofMillis(300));
  }

  @Test void theSearchMovesToAnotherCoordinatorWhenItsNodeLeavesAndGoesOnFromTheJournal() {
    ActorTestKit first = nodes.add(ClusterSettings.COORDINATOR);
    ActorTestKit second = nodes.add(ClusterSettings.COORDINATOR);
    var gate = new Semaphore(0);
    nodes.addWorker(job -> new GatedBackend(gate));
    nodes.awaitUp(first, 3);

    var started = ClusterNodes.started("fo", 6);
    TestProbe<Progress> onFirst = first.createTestProbe(), onSecond = second.createTestProbe();
    nodes.initSearch(first, "fo", started, onFirst.ref());   // the oldest coordinator node hosts the singleton
    nodes.initSearch(second, "fo", started, onSecond.ref());
    gate.release(2);
    assertInstanceOf(SearchCoordinator.EpisodeDone.class, onFirst.receiveMessage(WAIT));
    assertInstanceOf(SearchCoordinator.EpisodeDone.class, onFirst.receiveMessage(WAIT));
    // Episode 3 is out for evaluation when the first coordinator's node goes.
    nodes.stop(first);
    gate.release(100);
    List<Progress> all = untilFinished(onSecond);
    assertEquals(new SearchCoordinator.Finished("episodes", 6), all.get(all.size() - 1), all.toString());
    var state = new JournalReader(second.system(), WAIT).state("fo");
    assertEquals(oneTo(6), sortedEpisodeIds(state));
  }
}
