package dev.hwc.search;

import dev.hwc.cli.HwcConfig;
import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.LayerDecision;
import dev.hwc.search.SearchEvent.CheckpointRef;
import dev.hwc.search.SearchEvent.SearchStarted;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each actor's protocol against doubles, and the coordinator under EventSourcedBehaviorTestKit (serialization checked). */
class SearchActorsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static ActorTestKit kit;
  @TempDir static Path tmp;

  @BeforeAll static void start() {
    kit = ActorTestKit.create("hwc", EventSourcedBehaviorTestKit.config().withFallback(HwcConfig.load(null)));
  }

  @AfterAll static void stop() {
    kit.shutdownTestKit();
  }

  @Test void energyEstimatorPricesEachLayer() {
    var est = kit.spawn(EnergyEstimator.create(new Doubles.Energy()));
    TestProbe<EnergyEstimator.Estimated> probe = kit.createTestProbe();
    var conv1 = Doubles.LAYERS.get(0);   // 288000 MACs
    est.tell(new EnergyEstimator.Estimate(0, List.of(
        new EnergyEstimator.LayerCost(conv1, 8, 8, 1.0, 1.0), // 288000 x 16/16 x 1.0
        new EnergyEstimator.LayerCost(conv1, 2, 2, 1.0, 1.0)), // 288000 x 4/16 x 1.0
        probe.ref()));
    assertEquals(new EnergyEstimator.Estimated(0, List.of(288000.0, 72000.0)), probe.receiveMessage(WAIT));
  }

  @Test void compressionWorkerStepsInOrderAndReportsFailures() {
    var worker = kit.spawn(CompressionWorker.create(new Doubles.Backend(0)), "worker", CompressionWorker.DISPATCHER);
    TestProbe<StatusReply<CompressionWorker.LayerCompressed>> steps = kit.createTestProbe();
    var d = new LayerDecision(0.5, "magnitude", 4, 4);
    worker.tell(new CompressionWorker.CompressLayer(1, 0, d, steps.ref()));
    var ok = steps.receiveMessage(WAIT).getValue();
    assertEquals(1, ok.outcomes().size());
    assertEquals(250, ok.outcomes().get(0).params());          // 500 weights, half kept
    assertEquals(144000, ok.outcomes().get(0).nonZeroMacs());
    worker.tell(new CompressionWorker.CompressLayer(1, 2, d, steps.ref()));
    assertEquals("compressing step 2 of episode 1: step 2 out of order", steps.receiveMessage(WAIT).getError().getMessage());

    TestProbe<StatusReply<CompressionWorker.PlanEvaluated>> evals = kit.createTestProbe();
    var plan = new CompressionPlan(Doubles.LAYERS.stream().map(l -> new CompressionPlan.LayerPlan(l.name(), LayerDecision.dense(8))).toList());
    worker.tell(new CompressionWorker.Evaluate(1, plan, evals.ref()));
    assertEquals(new CompressionWorker.PlanEvaluated(1, 0.9, 0.9), evals.receiveMessage(WAIT).getValue());
  }

  @Test void agentsActLearnCheckpointAndRefuseATamperedCheckpoint() throws Exception {
    var store = new CheckpointStore(tmp.resolve("agents"));
    var ddpg = kit.spawn(DdpgAgent.create(new Doubles.Ddpg(3), store));
    TestProbe<DdpgAgent.Acted> acted = kit.createTestProbe();
    ddpg.tell(new DdpgAgent.Act(new float[LayerEmbedding.SIZE], true, acted.ref()));
    var a = acted.receiveMessage(WAIT);
    assertEquals(3, a.action().length);
    assertEquals(2, a.hidden().length);

    TestProbe<StatusReply<Done>> done = kit.createTestProbe();
    var steps = List.of(new EpisodeTransitions.Step(new float[1], new float[3], 0, 1f, new float[1], true));
    ddpg.tell(new LearnerProtocol.Learn(1, steps, done.ref()));
    assertTrue(done.receiveMessage(WAIT).isSuccess());

    TestProbe<StatusReply<CheckpointRef>> ck = kit.createTestProbe();
    ddpg.tell(new LearnerProtocol.Checkpoint(1, ck.ref()));
    CheckpointRef ref = ck.receiveMessage(WAIT).getValue();
    assertEquals("checkpoints/ddpg-1.bin", ref.file());
    byte[] bytes = Files.readAllBytes(tmp.resolve("agents").resolve(ref.file()));
    assertEquals(CheckpointStore.sha256(bytes), ref.sha256());

    var tampered = new CheckpointRef("ddpg", ref.file(), "0".repeat(64), ref.size());
    ddpg.tell(new LearnerProtocol.Restore(tampered, List.of(), done.ref()));
    assertTrue(done.receiveMessage(WAIT).getError().getMessage().startsWith("restoring ddpg: checkpoint "));

    var rainbow = kit.spawn(RainbowLearner.create(new Doubles.Rainbow(4), store));
    TestProbe<RainbowLearner.Chosen> chosen = kit.createTestProbe();
    rainbow.tell(new RainbowLearner.Choose(new float[4], true, chosen.ref()));
    int alg = chosen.receiveMessage(WAIT).algorithm();
    assertTrue(alg >= 0 && alg < 3, "algorithm " + alg);
  }

  @Test void coordinatorJournalsSerializableEventsAndRefusesASecondStart() {
    var parts = new SearchRuntime.Parts(new Doubles.Backend(0), new Doubles.Energy(), new Doubles.Ddpg(7), new Doubles.Rainbow(8));
    var store = new CheckpointStore(tmp.resolve("es"));
    var wiring = new SearchCoordinator.Wiring(
        kit.spawn(DdpgAgent.create(parts.ddpg(), store)), kit.spawn(RainbowLearner.create(parts.rainbow(), store)),
        kit.spawn(CompressionWorker.create(parts.compression())), kit.spawn(EnergyEstimator.create(parts.energy())),
        RewardTable.load(Path.of("conf/reward-lut.csv"), 1.0, -10, true),
        new ActionMapping(0, 0.8, 2, 8, true, 8), store, WAIT);
    EventSourcedBehaviorTestKit<SearchCoordinator.Command, SearchEvent, SearchCoordinator.State> es =
        EventSourcedBehaviorTestKit.create(kit.system(), SearchCoordinator.create("es", wiring));

    var started = new SearchStarted("es", "{}", "m.zip", "model-fp", "data-fp", "", 0.9,
        parts.energy().baselineEnergy(Doubles.LAYERS), 1.0, 7, 2, parts.compression().algorithms(), Doubles.LAYERS, Doubles.LAYERS, 0);
    var first = es.<StatusReply<Done>>runCommand(r -> new SearchCoordinator.Start(started, r));
    assertEquals(List.of(started), first.events());
    assertTrue(first.reply().isSuccess());
    var second = es.<StatusReply<Done>>runCommand(r -> new SearchCoordinator.Start(started, r));
    assertTrue(second.events().isEmpty());
    assertEquals("search 'es' already exists", second.reply().getError().getMessage());

    TestProbe<SearchCoordinator.Progress> progress = kit.createTestProbe();
    es.runCommand(new SearchCoordinator.Run(2, 0, progress.ref()));
    assertInstanceOf(SearchCoordinator.EpisodeDone.class, progress.receiveMessage(WAIT));
    assertInstanceOf(SearchCoordinator.EpisodeDone.class, progress.receiveMessage(WAIT));
    assertEquals(new SearchCoordinator.Finished("episodes", 2), progress.receiveMessage(WAIT));

    SearchCoordinator.State s = es.getState();
    assertEquals(2, s.episodesDone());
    // every event the coordinator journaled survives a Jackson CBOR round trip unchanged
    var ser = kit.serializationTestKit();
    ser.verifySerialization(started, true);
    for (var e : s.episodes()) {
      for (var step : e.steps()) ser.verifySerialization(step, true);
      ser.verifySerialization(e.evaluated(), true);
    }
    ser.verifySerialization(s.checkpoint(), true);
    ser.verifySerialization(s.completed(), true);
    ser.verifySerialization(new SearchEvent.EpisodeStarted(1), true);
    assertArrayEquals(s.episodes().get(0).steps().get(0).state(), LayerEmbedding.of(Doubles.LAYERS).state(0, 0, 2005000 / 2293000.0, null));
  }
}
