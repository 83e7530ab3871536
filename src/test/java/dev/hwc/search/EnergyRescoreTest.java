package dev.hwc.search;

import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.LayerDecision;
import dev.hwc.model.LayerKind;
import dev.hwc.model.LayerShape;
import dev.hwc.search.SearchEvent.EpisodeEvaluated;
import dev.hwc.search.SearchEvent.LayerResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EnergyRescoreTest {
  /** energy = 100 · weightBits · density + activationBits; the dense baseline costs 1000 pJ. */
  static final EnergyBackend TOY = new EnergyBackend() {
    @Override public double layerEnergy(LayerShape shape, int weightBits, int activationBits, double weightDensity) {
      return 100 * weightBits * weightDensity + activationBits;
    }

    @Override public double baselineEnergy(List<LayerShape> prunableLayers) {
      return 1000;
    }
  };

  @Test void repricesEveryLayerFromItsBitsAndDensityAndKeepsAccuracyAndReward() {
    var shape = new LayerShape(0, "conv1", LayerKind.CONV, 1, 1, 8, 8, 4, 3, 3, 1, 0, 1);   // 36 weights
    var plan = new CompressionPlan(List.of(new CompressionPlan.LayerPlan("conv1", new LayerDecision(0.5, "FilterL1", 4, 6))));
    var e = new EpisodeEvaluated(3, plan, 0.9, 0.4, 77.0, 0.9, 1.5,
        List.of(new LayerResult("conv1", shape, 0.5, 4, 18, 100, 50, 4, 6, 77.0)));
    var r = EnergyRescore.of(List.of(e), List.of(shape), null, TOY);
    assertEquals(1000, r.baselineEnergy());
    var x = r.episodes().get(0);
    // density 18/36 = 0.5: 100·4·0.5 + 6 = 206 pJ, reduction 1 − 206/1000
    assertEquals(206.0, x.energy(), 1e-9);
    assertEquals(0.794, x.energyReduction(), 1e-9);
    assertEquals(206.0, x.layers().get(0).energy(), 1e-9);
    assertEquals(0.9, x.accuracy());
    assertEquals(0.4, x.accuracyLoss());
    assertEquals(1.5, x.reward());
    assertEquals(plan, x.plan());
  }

  /** The measured densities a search journaled reach the backend: each layer's, and the dense model's for the baseline. */
  @Test void repricesWithTheJournaledActivationDensities() {
    var seen = new java.util.ArrayList<Double>();
    EnergyBackend gating = new EnergyBackend() {
      @Override public double layerEnergy(LayerShape shape, int weightBits, int activationBits, double weightDensity) {
        throw new AssertionError("priced without its input density");
      }

      @Override public double layerEnergy(LayerShape shape, int weightBits, int activationBits, double weightDensity, double inputDensity) {
        seen.add(inputDensity);
        return 100 * inputDensity;
      }

      @Override public double baselineEnergy(List<LayerShape> prunableLayers) {
        throw new AssertionError("baseline priced without densities");
      }

      @Override public double baselineEnergy(List<LayerShape> prunableLayers, List<Double> inputDensities) {
        return 1000 * inputDensities.get(0);
      }
    };
    var shape = new LayerShape(0, "conv1", LayerKind.CONV, 1, 1, 8, 8, 4, 3, 3, 1, 0, 1);
    var plan = new CompressionPlan(List.of(new CompressionPlan.LayerPlan("conv1", new LayerDecision(0, "none", 8, 4))));
    var e = new EpisodeEvaluated(1, plan, 0.9, 0.1, 50.0, 0.9, 1.0,
        List.of(new LayerResult("conv1", shape, 0, 4, 36, 100, 100, 8, 4, 50.0, 0.3)));
    var r = EnergyRescore.of(List.of(e), List.of(shape), List.of(0.8), gating);
    assertEquals(List.of(0.3), seen);
    assertEquals(800, r.baselineEnergy(), 1e-9);
    assertEquals(30, r.episodes().get(0).energy(), 1e-9);
    assertEquals(0.3, r.episodes().get(0).layers().get(0).inputDensity());
  }

  /** Events journaled before activations were measured read back as priced dense. */
  @Test void eventsWithoutDensitiesReadBackAsDense() throws Exception {
    var om = new com.fasterxml.jackson.databind.ObjectMapper();
    var shape = new LayerShape(0, "conv1", LayerKind.CONV, 1, 1, 8, 8, 4, 3, 3, 1, 0, 1);
    var withDensity = om.valueToTree(new LayerResult("conv1", shape, 0, 4, 36, 100, 100, 8, 4, 50.0, 0.3));
    ((com.fasterxml.jackson.databind.node.ObjectNode) withDensity).remove("inputDensity");
    LayerResult old = om.treeToValue(withDensity, LayerResult.class);
    assertEquals(null, old.inputDensity());
    assertEquals(1.0, old.pricedInputDensity());
    var started = om.valueToTree(new SearchEvent.SearchStarted("s", "{}", "m.zip", "f", "d", "", 0.9, 1e6, 1, 1, 10,
        List.of("Magnitude"), List.of(), List.of(), 0, List.of(0.5)));
    ((com.fasterxml.jackson.databind.node.ObjectNode) started).remove("baselineInputDensities");
    var st = om.treeToValue(started, SearchEvent.SearchStarted.class);
    assertEquals(false, st.measuresActivations());
  }
}
