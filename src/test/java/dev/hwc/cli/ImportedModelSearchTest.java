package dev.hwc.cli;

import com.typesafe.config.ConfigFactory;
import dev.hwc.search.JournalReader;
import dev.hwc.search.SearchEvent;
import dev.hwc.search.SearchSettings;
import dev.hwc.search.SearchSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A residual CNN exported from PyTorch goes through import and then a real 3-episode search, unchanged. */
class ImportedModelSearchTest {
  @TempDir Path tmp;

  @AfterEach void clear() {
    System.clearProperty("hwc.work-dir");
  }

  @Test void importedResidualModelRunsThreeEpisodes() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")), "Fashion-MNIST not installed");
    Path onnx = Path.of(ImportedModelSearchTest.class.getResource("/onnx/residual_cnn.onnx").toURI());
    Path model = tmp.resolve("residual.zip");
    assertEquals(0, Hwc.commandLine().execute("import", "--onnx", onnx.toString(), "--out", model.toString()));

    Path conf = tmp.resolve("small.conf");
    Files.writeString(conf, "hwc.data.search-size = 300\nhwc.compress.calibration.images = 64\n");
    System.setProperty("hwc.work-dir", tmp.resolve("work").toString());
    SearchCommand.parts = new dev.hwc.search.RealParts();
    int code = Hwc.commandLine().execute("search", "--model", model.toString(), "--episodes", "3", "--id", "imported",
        "--config", conf.toString());
    assertEquals(0, code);

    var root = ConfigFactory.parseFile(conf.toFile()).withFallback(HwcConfig.load(null)).resolve();
    var settings = SearchSettings.from(root).withWorkDir(tmp.resolve("work"));
    var system = SearchSystem.start(root, settings);
    try {
      var events = new JournalReader(system, Duration.ofSeconds(60)).events("imported");
      long evaluated = events.stream().filter(e -> e.event() instanceof SearchEvent.EpisodeEvaluated).count();
      assertEquals(3, evaluated);
      var started = (SearchEvent.SearchStarted) events.get(0).event();
      assertEquals(5, started.prunableLayers().size(), "residual_cnn has 5 prunable layers");
      assertTrue(started.decisionLayers().size() <= 5);
    } finally {
      SearchSystem.stop(system, Duration.ofSeconds(30));
    }
  }
}
