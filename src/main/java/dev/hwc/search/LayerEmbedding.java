package dev.hwc.search;

import dev.hwc.model.LayerShape;

import java.util.List;

/**
 * The agent's state for each layer step (after AMC/Distiller's observation): ten static features of the layer,
 * min-max normalised per feature over the model's decision layers, then five dynamic ones — the fraction of the
 * model's MACs already removed, the fraction still ahead, and the previous step's action (ratio, weight bits,
 * activation bits, each the agent's raw output in [0, 1]; zeros before the first step).
 *
 * <p>Static features, in order: layer index, kind (ordinal of {@code LayerKind}), input channels C, output
 * channels M, input height H, input width W, stride, kernel R, MACs, weights. A feature constant over the model
 * normalises to 0.
 */
public final class LayerEmbedding {
  public static final int STATIC_FEATURES = 10;
  public static final int ACTION_SIZE = 3;
  public static final int SIZE = STATIC_FEATURES + 2 + ACTION_SIZE;

  private final List<LayerShape> layers;
  private final float[][] statics;

  private LayerEmbedding(List<LayerShape> layers, float[][] statics) {
    this.layers = layers;
    this.statics = statics;
  }

  public static LayerEmbedding of(List<LayerShape> layers) {
    if (layers.isEmpty()) throw new IllegalArgumentException("a model without prunable layers has no embedding");
    int n = layers.size();
    double[][] raw = new double[n][];
    for (int t = 0; t < n; t++) {
      LayerShape l = layers.get(t);
      raw[t] = new double[]{t, l.kind().ordinal(), l.c(), l.m(), l.h(), l.w(), l.stride(), l.r(), l.macs(), l.weights()};
    }
    float[][] out = new float[n][STATIC_FEATURES];
    for (int f = 0; f < STATIC_FEATURES; f++) {
      double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
      for (double[] r : raw) {
        min = Math.min(min, r[f]);
        max = Math.max(max, r[f]);
      }
      for (int t = 0; t < n; t++) out[t][f] = max > min ? (float) ((raw[t][f] - min) / (max - min)) : 0f;
    }
    return new LayerEmbedding(List.copyOf(layers), out);
  }

  public int layers() {
    return layers.size();
  }

  public List<LayerShape> shapes() {
    return layers;
  }

  /** The normalised static features of step {@code t} (a copy). */
  public float[] staticFeatures(int t) {
    return statics[t].clone();
  }

  /**
   * The state of step {@code t}.
   *
   * @param macsReduced    fraction of the model's original MACs removed by the steps before {@code t}
   * @param macsAhead      fraction of the model's original MACs in the layers after {@code t}
   * @param previousAction the previous step's raw action (ratio, weight bits, activation bits) in [0, 1], or null
   */
  public float[] state(int t, double macsReduced, double macsAhead, float[] previousAction) {
    if (t < 0 || t >= layers.size()) throw new IllegalArgumentException("step " + t + " outside 0.." + (layers.size() - 1));
    float[] s = new float[SIZE];
    System.arraycopy(statics[t], 0, s, 0, STATIC_FEATURES);
    s[STATIC_FEATURES] = (float) macsReduced;
    s[STATIC_FEATURES + 1] = (float) macsAhead;
    if (previousAction != null) {
      if (previousAction.length != ACTION_SIZE)
        throw new IllegalArgumentException("previous action has " + previousAction.length + " values, expected " + ACTION_SIZE);
      System.arraycopy(previousAction, 0, s, STATIC_FEATURES + 2, ACTION_SIZE);
    }
    return s;
  }
}
