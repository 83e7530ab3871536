package dev.hwc.energy;

import dev.hwc.model.LayerShape;

import java.util.ArrayList;
import java.util.List;

/**
 * Whole-model energy: the sum of per-layer {@link RowStationaryModel} estimates, and its reduction against the
 * baseline (the unpruned shapes, dense, {@code baselineBits} weights and activations). Model shapes are per image
 * (batch 1): the hardware's batch is applied here to shapes of batch 1; a shape with its own batch keeps it.
 */
public final class ModelEnergy {
  private final RowStationaryModel model;
  private final int baselineBits;

  /** One layer to estimate: its (possibly thinned) shape and its load. */
  public record LayerWork(LayerShape shape, LayerLoad load) {}

  /**
   * @param layers    per-layer breakdowns, in model order
   * @param total     their sum
   * @param baseline  the baseline model's sum
   * @param reduction 1 − total / baseline (0.39 = 39 % less energy)
   */
  public record Estimate(String hardware, List<EnergyBreakdown> layers, EnergyBreakdown total, EnergyBreakdown baseline,
                         double reduction) {}

  public ModelEnergy(RowStationaryModel model, int baselineBits) {
    this.model = model;
    this.baselineBits = baselineBits;
  }

  public RowStationaryModel model() {
    return model;
  }

  public int baselineBits() {
    return baselineBits;
  }

  /** The compressed model against a baseline of the given original (unpruned) shapes. */
  public Estimate estimate(List<LayerWork> layers, List<LayerShape> originalShapes) {
    return estimate(layers, originalShapes, null);
  }

  /**
   * The same against a baseline whose input activations have these densities, one per shape (null: dense), as the
   * compressed layers' loads carry theirs.
   */
  public Estimate estimate(List<LayerWork> layers, List<LayerShape> originalShapes, List<Double> baselineInputDensities) {
    List<EnergyBreakdown> parts = new ArrayList<>(layers.size());
    for (LayerWork l : layers) parts.add(layer(l.shape(), l.load()));
    EnergyBreakdown total = EnergyBreakdown.sum("total", parts);
    EnergyBreakdown base = baseline(originalShapes, baselineInputDensities);
    return new Estimate(model.hardware().name(), List.copyOf(parts), total, base, 1 - total.totalEnergy() / base.totalEnergy());
  }

  /** The compressed model against the same shapes (when no layer was thinned). */
  public Estimate estimate(List<LayerWork> layers) {
    return estimate(layers, layers.stream().map(LayerWork::shape).toList());
  }

  /** Every layer dense at the same bits. */
  public Estimate uniform(List<LayerShape> shapes, int weightBits, int activationBits) {
    return estimate(shapes.stream().map(s -> new LayerWork(s, new LayerLoad(weightBits, activationBits, 1.0))).toList());
  }

  /** The baseline: these shapes dense at baseline bits. */
  public EnergyBreakdown baseline(List<LayerShape> shapes) {
    return baseline(shapes, null);
  }

  /** The baseline with these input-activation densities, one per shape (null: dense activations). */
  public EnergyBreakdown baseline(List<LayerShape> shapes, List<Double> inputDensities) {
    if (inputDensities != null && inputDensities.size() != shapes.size())
      throw new IllegalArgumentException(inputDensities.size() + " input densities for " + shapes.size() + " layers");
    List<EnergyBreakdown> parts = new ArrayList<>(shapes.size());
    for (int i = 0; i < shapes.size(); i++) {
      LayerLoad load = LayerLoad.dense(baselineBits);
      if (inputDensities != null) load = load.withActivationDensities(inputDensities.get(i), 1.0);
      parts.add(layer(shapes.get(i), load));
    }
    return EnergyBreakdown.sum("baseline", parts);
  }

  /** One layer, at the hardware's batch when the shape is per image. */
  public EnergyBreakdown layer(LayerShape shape, LayerLoad load) {
    int batch = model.hardware().batch();
    return model.estimate(shape.n() == 1 && batch != 1 ? shape.withBatch(batch) : shape, load);
  }
}
