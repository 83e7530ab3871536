package dev.hwc.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.hwc.cli.HwcConfig;
import dev.hwc.search.SearchEvent.SearchStarted;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Two episodes of a real search on the shipped LeNet-5 (small search subset), through the actors and the H2 journal. */
class RealPartsTest {
  private static final Duration WAIT = Duration.ofMinutes(5);
  @TempDir Path tmp;

  @Test void twoEpisodesOnLenet5() {
    Path model = Path.of("models/lenet5.zip");
    Config base = HwcConfig.load(null);
    assumeTrue(Files.isDirectory(Path.of(base.getString("hwc.data.dir"))), "Fashion-MNIST not installed");
    Config root = ConfigFactory.parseString("hwc.data.search-size = 500\nhwc.compress.calibration.images = 64").withFallback(base).resolve();
    SearchSettings settings = SearchSettings.from(root).withWorkDir(tmp);
    var parts = new RealParts().create(root, model, 3, null);
    var c = parts.compression();
    assertEquals(5, c.decisionLayers().size());
    double baseAcc = c.baselineAccuracy();
    assertTrue(baseAcc > 0.8, "baseline accuracy " + baseAcc);

    ActorTestKit kit = ActorTestKit.create("hwc", SearchSystem.pekkoConfig(root, settings));
    try {
      SearchSystem.createSchema(kit.system(), WAIT);
      var search = kit.spawn(SearchRuntime.create("real", parts, settings, settings.loadRewardTable()), "search");
      var started = new SearchStarted("real", "{}", model.toString(), c.modelFingerprint(), c.datasetFingerprint(), "",
          baseAcc, parts.energy().baselineEnergy(c.prunableLayers()), 1.0, 3, 2, c.algorithms(), c.decisionLayers(),
          c.prunableLayers(), 0);
      TestProbe<StatusReply<Done>> ok = kit.createTestProbe();
      search.tell(new SearchCoordinator.Start(started, ok.ref()));
      assertTrue(ok.receiveMessage(WAIT).isSuccess());
      TestProbe<SearchCoordinator.Progress> progress = kit.createTestProbe();
      search.tell(new SearchCoordinator.Run(2, 0, progress.ref()));
      assertInstanceOf(SearchCoordinator.EpisodeDone.class, progress.receiveMessage(WAIT));
      assertInstanceOf(SearchCoordinator.EpisodeDone.class, progress.receiveMessage(WAIT));
      assertEquals(new SearchCoordinator.Finished("episodes", 2), progress.receiveMessage(WAIT));

      TestProbe<SearchCoordinator.State> st = kit.createTestProbe();
      search.tell(new SearchCoordinator.GetState(st.ref()));
      var s = st.receiveMessage(WAIT);
      for (var e : s.evaluated()) {
        assertEquals(5, e.plan().size());
        assertTrue(e.accuracy() >= 0 && e.accuracy() <= 1, "accuracy " + e.accuracy());
        assertTrue(e.energyReduction() > -0.5 && e.energyReduction() < 1, "reduction " + e.energyReduction());
        // first and last layers are pinned to 8 bits by the mapping and the compressor alike
        assertEquals(8, e.plan().layers().get(0).decision().weightBits());
        assertEquals(8, e.plan().layers().get(4).decision().activationBits());
      }
      assertTrue(Files.isRegularFile(settings.searchDir("real").resolve(s.checkpoint().of("ddpg").file())));
    } finally {
      kit.shutdownTestKit();
    }
  }
}
