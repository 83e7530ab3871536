package dev.hwc.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ReportWriterTest {
  @TempDir Path dir;

  static SearchReport sample() {
    var p1 = new SearchReport.EpisodePoint(3, 0.4, 41.5, 0.8, "aaaa");
    var p2 = new SearchReport.EpisodePoint(7, 0.9, 55.25, 1.1, "bbbb");
    var bad = new SearchReport.EpisodePoint(2, 3.0, 60.0, -1, "cccc");
    var chosen = new SearchReport.Chosen(7, "bbbb", 0.9, 0.21, 0.88, 0.7, 0.25, 55.25,
        List.of(new SearchReport.LayerPolicy("conv1", "FilterL1", 0.25, 8, 8, 0.25, 1.5e5),
            new SearchReport.LayerPolicy("fc<1>", "Magnitude", 0.5, 4, 6, 0.5, 2e4)), "plan.json", "model.zip");
    return new SearchReport("s1", "models/lenet5.zip", Map.of("seed", "1"), 0.9, 0.89, 1.0e6, 1.0, 3,
        List.of(bad, p1, p2), List.of(p1, p2), List.of(new SearchReport.TestedPlan("bbbb", 0.88, 0.7, 0.25, 55.25, 4.5e5)), chosen);
  }

  @Test void writesEveryArtefact() throws Exception {
    ReportWriter.write(sample(), dir);
    for (String f : List.of("report.json", "pareto.csv", "pareto.png", "policy.png", "report.html"))
      assertTrue(Files.size(dir.resolve(f)) > 0, f);
    assertEquals("episode,accuracy_loss_points,energy_reduction_percent,reward,plan_hash\n"
        + "3,0.4000,41.5000,0.800000,aaaa\n7,0.9000,55.2500,1.100000,bbbb\n", Files.readString(dir.resolve("pareto.csv")));
    String html = Files.readString(dir.resolve("report.html"));
    assertTrue(html.contains("<b>55.3% energy reduction</b> at 0.70 ± 0.25 points test-accuracy loss (test accuracy 88.00%;"
        + " 0.90 ± 0.21 points on the search subset"), html);
    assertTrue(html.contains("<td>0.70</td><td>0.25</td><td>55.3%</td>"), "the Pareto table's loss and its standard error");
    assertTrue(html.contains("fc&lt;1&gt;"), "layer names are escaped");
    assertTrue(html.contains("data:image/png;base64,"), "images are embedded");
    var back = ReportWriter.JSON.readValue(dir.resolve("report.json").toFile(), SearchReport.class);
    assertEquals(sample(), back);
  }
}
