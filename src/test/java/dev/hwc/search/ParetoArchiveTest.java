package dev.hwc.search;

import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.LayerDecision;
import dev.hwc.search.SearchEvent.EpisodeEvaluated;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParetoArchiveTest {
  private static EpisodeEvaluated ep(int k, double loss, double reduction) {
    var plan = new CompressionPlan(List.of(new CompressionPlan.LayerPlan("l" + k, LayerDecision.dense(8))));
    return new EpisodeEvaluated(k, plan, 0.9, loss, 1, reduction, 0, List.of());
  }

  @Test void frontKeepsTheNonDominatedAndTheChoiceIsTheLowestEnergyWithinTheBound() {
    // (loss, reduction): 1 (0.2, 0.30), 2 (0.5, 0.25) dominated by 1, 3 (0.8, 0.45), 4 (1.5, 0.60), 5 (0.8, 0.45) tie with 3
    var a = ParetoArchive.of(List.of(ep(1, 0.2, 0.30), ep(2, 0.5, 0.25), ep(3, 0.8, 0.45), ep(4, 1.5, 0.60), ep(5, 0.8, 0.45)));
    assertEquals(List.of(1, 3, 4), a.front().stream().map(ParetoArchive.Point::episode).toList());
    assertEquals(3, a.chosen(1.0).orElseThrow().episode());   // 4 saves more but loses 1.5 points; 5 ties 3 but is later
    assertEquals(1, a.chosen(0.3).orElseThrow().episode());
    assertTrue(a.chosen(0.1).isEmpty());
  }
}
