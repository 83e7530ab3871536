package dev.hwc.search;

import dev.hwc.model.LayerShape;
import dev.hwc.search.SearchEvent.EpisodeEvaluated;
import dev.hwc.search.SearchEvent.LayerResult;

import java.util.ArrayList;
import java.util.List;

/**
 * Prices journaled episodes under another accelerator: each layer's energy again from its shape, bits and weight
 * density (as the search priced it), no inference, since accuracy does not depend on the hardware. Rewards are kept
 * as journaled (they were what the agents learned from).
 */
public final class EnergyRescore {
  private EnergyRescore() {}

  /** The dense baseline under {@code energy} and every episode with its layers' energies, total and reduction re-priced. */
  public record Rescored(double baselineEnergy, List<EpisodeEvaluated> episodes) {
    public Rescored {
      episodes = List.copyOf(episodes);
    }
  }

  /**
   * @param baselineInputDensities the dense model's input-activation densities the search journaled (null: it priced
   *                               activations as dense)
   */
  public static Rescored of(List<EpisodeEvaluated> episodes, List<LayerShape> prunableLayers, List<Double> baselineInputDensities,
                            EnergyBackend energy) {
    double baseline = energy.baselineEnergy(prunableLayers, baselineInputDensities);
    List<EpisodeEvaluated> out = new ArrayList<>(episodes.size());
    for (EpisodeEvaluated e : episodes) {
      List<LayerResult> layers = new ArrayList<>(e.layers().size());
      double total = 0;
      for (LayerResult r : e.layers()) {
        // The same density the coordinator gives the estimator: kept weights over the layer's original weights.
        double density = r.shape().weightDensity(r.params());
        double pj = energy.layerEnergy(r.shape(), r.weightBits(), r.activationBits(), density, r.pricedInputDensity());
        total += pj;
        layers.add(new LayerResult(r.layer(), r.shape(), r.sparsity(), r.keptChannels(), r.params(), r.macs(),
            r.nonZeroMacs(), r.weightBits(), r.activationBits(), pj, r.inputDensity()));
      }
      out.add(new EpisodeEvaluated(e.episode(), e.plan(), e.accuracy(), e.accuracyLoss(), total, 1 - total / baseline,
          e.reward(), layers));
    }
    return new Rescored(baseline, out);
  }
}
