package dev.hwc.compress;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CompressionPlanTest {
  private final CompressionPlan plan = new CompressionPlan(List.of(
      new CompressionPlan.LayerPlan("conv1", new LayerDecision(0.25, "FilterL1", 8, 8)),
      new CompressionPlan.LayerPlan("fc1", new LayerDecision(0.5, "Magnitude", 4, 6))));

  @Test void canonicalJsonRoundTripsAndHashIsStable() {
    String json = plan.toCanonicalJson();
    assertEquals("{\"layers\":[{\"decision\":{\"activationBits\":8,\"algorithm\":\"FilterL1\",\"pruneRatio\":0.25,\"weightBits\":8},"
        + "\"layer\":\"conv1\"},{\"decision\":{\"activationBits\":6,\"algorithm\":\"Magnitude\",\"pruneRatio\":0.5,\"weightBits\":4},"
        + "\"layer\":\"fc1\"}]}", json);
    CompressionPlan back = CompressionPlan.fromJson(json);
    assertEquals(plan, back);
    assertEquals(plan.hash(), back.hash());
    assertEquals(16, plan.hash().length());
  }

  @Test void badDecisionNamesTheField() {
    var e = assertThrows(IllegalArgumentException.class, () -> new LayerDecision(1.2, "FilterL1", 8, 8));
    assertEquals("pruneRatio must be in [0, 0.95], was 1.2", e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> CompressionPlan.fromJson(
        "{\"layers\":[{\"layer\":\"a\",\"decision\":{\"pruneRatio\":0.1,\"algorithm\":\"x\",\"weightBits\":0,\"activationBits\":8}}]}"));
    assertTrue(e2.getMessage().contains("weightBits must be in [1, 16], was 0"), e2.getMessage());
  }

  @Test void duplicateLayerRejected() {
    var d = LayerDecision.dense(8);
    var e = assertThrows(IllegalArgumentException.class, () -> new CompressionPlan(List.of(
        new CompressionPlan.LayerPlan("a", d), new CompressionPlan.LayerPlan("a", d))));
    assertEquals("plan names layer 'a' twice", e.getMessage());
  }
}
