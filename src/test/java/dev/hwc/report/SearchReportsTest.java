package dev.hwc.report;

import dev.hwc.compress.CompressionPlan;
import dev.hwc.model.PairedAccuracy;
import dev.hwc.compress.LayerDecision;
import dev.hwc.model.LayerKind;
import dev.hwc.model.LayerShape;
import dev.hwc.search.SearchCoordinator;
import dev.hwc.search.SearchEvent;
import dev.hwc.search.SearchEvent.EpisodeEvaluated;
import dev.hwc.search.SearchEvent.LayerResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SearchReportsTest {
  static final LayerShape SHAPE = new LayerShape(0, "conv1", LayerKind.CONV, 1, 1, 8, 8, 4, 3, 3, 1, 0, 1);

  static CompressionPlan plan(double ratio) {
    return new CompressionPlan(List.of(new CompressionPlan.LayerPlan("conv1", new LayerDecision(ratio, "FilterL1", 6, 8))));
  }

  static EpisodeEvaluated ep(int k, double ratio, double loss, double reduction) {
    return new EpisodeEvaluated(k, plan(ratio), 0.9 - loss / 100, loss, 1000 * (1 - reduction), reduction, k,
        List.of(new LayerResult("conv1", SHAPE, ratio, 4, 18, 100, 50, 6, 8, 1000 * (1 - reduction))));
  }

  static SearchCoordinator.State state(EpisodeEvaluated... eps) {
    SearchCoordinator.State s = SearchCoordinator.State.empty().apply(new SearchEvent.SearchStarted("s1", "{}", "m.zip", "sha",
        "data", "", 0.9, 1000, 1.0, 7, 5, List.of("FilterL1"), List.of(SHAPE), List.of(SHAPE), 0));
    for (EpisodeEvaluated e : eps) s = s.apply(new SearchEvent.EpisodeStarted(e.episode())).apply(e);
    return s;
  }

  @Test void chosenPlanAndParetoGetTestFiguresInPercent() {
    // (loss, reduction): 1 (0.2, 0.30), 2 (0.5, 0.25) dominated, 3 (0.8, 0.45) chosen, 4 (1.5, 0.60) beyond the bound
    var s = state(ep(1, 0.1, 0.2, 0.30), ep(2, 0.2, 0.5, 0.25), ep(3, 0.3, 0.8, 0.45), ep(4, 0.4, 1.5, 0.60));
    assertEquals(List.of(plan(0.3).hash(), plan(0.1).hash()),
        SearchReports.plansToTest(s, 1).stream().map(CompressionPlan::hash).toList());
    // 1,000 test images, dense 880 right: plan 3 870 right (30 lost, 20 gained), plan 1 875 (5 lost)
    var test = SearchReports.TestSet.of(0.88, Map.of(plan(0.3).hash(), new PairedAccuracy(1000, 870, 30, 20),
        plan(0.1).hash(), new PairedAccuracy(1000, 875, 5, 0)), new PairedAccuracy(5000, 4400, 60, 20), Map.of());
    SearchReport r = SearchReports.of(s, test, "p.json", "m.zip");
    assertEquals(4, r.allEpisodes().size());
    assertEquals(List.of(1, 3, 4), r.pareto().stream().map(SearchReport.EpisodePoint::episode).toList());
    assertEquals(45.0, r.pareto().get(1).energyReductionPercent(), 1e-9);
    assertEquals(2, r.testedPareto().size());   // plan 4 was not re-measured
    assertEquals(0.5, r.testedPareto().get(0).testAccuracyLossPoints(), 1e-9);   // (0.88 − 0.875) · 100
    // 100 · sqrt((5/1000 − 0.005²) / 1000)
    assertEquals(0.22304708023195463, r.testedPareto().get(0).testLossStandardErrorPoints(), 1e-12);
    var c = r.chosen();
    assertEquals(3, c.episode());
    assertEquals(0.87, c.testAccuracy());
    assertEquals(1.0, c.testAccuracyLossPoints(), 1e-9);
    assertEquals(45.0, c.energyReductionPercent(), 1e-9);
    assertEquals(0.8, c.searchAccuracyLossPoints(), 1e-9);
    assertEquals(0.7063993204979744, c.testLossStandardErrorPoints(), 1e-12);    // 100 · sqrt((50/1000 − 0.01²) / 1000)
    assertEquals(0.17852730883537116, c.searchLossStandardErrorPoints(), 1e-12); // 100 · sqrt((80/5000 − 0.008²) / 5000)
    assertEquals(List.of(new SearchReport.LayerPolicy("conv1", "FilterL1", 0.3, 6, 8, 0.3, 550.0)), c.layers());
    assertEquals("not complete (4 of 5 episodes)", r.provenance().get("status"));
  }

  @Test void noPlanWithinTheBoundMeansNoChosenPlan() {
    var s = state(ep(1, 0.4, 1.5, 0.60));
    SearchReport r = SearchReports.of(s, new SearchReports.TestSet(0.88, Map.of()), null, null);
    assertNull(r.chosen());
    assertEquals(1, r.pareto().size());
  }
}
