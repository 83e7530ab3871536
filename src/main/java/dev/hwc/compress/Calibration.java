package dev.hwc.compress;

import dev.hwc.data.Dataset;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.Node;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The base (uncompressed) network's input to each prunable layer on the calibration images — [N, C, H, W] for a
 * conv, [N, F] for a dense layer — and what the compressor derives from it once: per-unit norms and activation
 * statistics, and sampled im2col rows for channel reconstruction. A unit is a channel (conv) or a feature (dense).
 */
public final class Calibration {
  /** Values kept per unit for range calibration (a fixed-stride subsample). */
  static final int SAMPLES_PER_UNIT = 2048;

  private final Map<String, INDArray> inputs;
  private final Map<String, UnitStats> stats = new HashMap<>();
  private final Map<String, Patches> patches = new HashMap<>();

  /** Per-unit: ‖x‖₂, max |x|, min x, and a subsample of values, from the calibration inputs. */
  record UnitStats(double[] norm, float[] maxAbs, float[] min, float[][] samples) {}

  /** Sampled input patches [n, C, k] (C-order) of one layer, n = images × points per map. */
  record Patches(float[] x, int n, int channels, int k) {}

  public Calibration(Map<String, INDArray> layerInputs) {
    this.inputs = Map.copyOf(layerInputs);
  }

  /**
   * Runs the base network on the first {@code images} calibration images and keeps every prunable layer's input.
   * The executable form must be unmodified (base weights, no activation quantization).
   */
  public static Calibration collect(ExecutableNetwork base, Dataset calibration, int images, int batchSize) {
    List<String> layers = new ArrayList<>(), sources = new ArrayList<>();
    for (Node node : base.network().nodes()) {
      if (node instanceof Node.Conv2d c) { layers.add(c.name()); sources.add(c.input()); }
      if (node instanceof Node.Dense d) { layers.add(d.name()); sources.add(d.input()); }
    }
    List<String> distinct = sources.stream().distinct().toList();
    Map<String, List<INDArray>> parts = new HashMap<>();
    for (INDArray batch : batches(calibration, images, batchSize)) {
      Map<String, INDArray> out = base.outputs(batch, distinct);
      for (String s : distinct) parts.computeIfAbsent(s, k -> new ArrayList<>()).add(out.get(s).dup());
    }
    Map<String, INDArray> bySource = new HashMap<>();
    for (String s : distinct) {
      List<INDArray> p = parts.get(s);
      bySource.put(s, p.size() == 1 ? p.get(0) : Nd4j.concat(0, p.toArray(new INDArray[0])));
    }
    Map<String, INDArray> in = new HashMap<>();
    for (int i = 0; i < layers.size(); i++) in.put(layers.get(i), bySource.get(sources.get(i)));
    return new Calibration(in);
  }

  /** The first {@code images} images of the calibration set in batches of at most {@code batchSize}, in order. */
  static List<INDArray> batches(Dataset calibration, int images, int batchSize) {
    int n = Math.min(images, calibration.size());
    if (n < 1) throw new IllegalArgumentException("calibration set '" + calibration.name() + "' is empty");
    List<INDArray> out = new ArrayList<>();
    for (int from = 0; from < n; from += batchSize) out.add(calibration.batch(from, Math.min(n, from + batchSize)));
    return out;
  }

  public INDArray input(String layer) {
    INDArray a = inputs.get(layer);
    if (a == null) throw new IllegalArgumentException("calibration has no input for layer '" + layer + "'");
    return a;
  }

  public int images() {
    return inputs.values().stream().findFirst().map(a -> (int) a.size(0)).orElse(0);
  }

  synchronized UnitStats stats(String layer) {
    return stats.computeIfAbsent(layer, l -> {
      INDArray a = input(l);
      float[] d = Tensors.floats(a);
      int n = (int) a.size(0), units = (int) a.size(1), inner = a.rank() == 4 ? (int) (a.size(2) * a.size(3)) : 1;
      double[] norm = new double[units];
      float[] maxAbs = new float[units], min = new float[units];
      float[][] samples = new float[units][];
      int count = n * inner, stride = Math.max(1, count / SAMPLES_PER_UNIT);
      for (int u = 0; u < units; u++) {
        double s = 0;
        float mx = 0, mn = Float.MAX_VALUE;
        float[] smp = new float[(count + stride - 1) / stride];
        int j = 0, p = 0;
        for (int i = 0; i < n; i++) {
          int base = (i * units + u) * inner;
          for (int q = 0; q < inner; q++, j++) {
            float v = d[base + q];
            s += (double) v * v;
            mx = Math.max(mx, Math.abs(v));
            mn = Math.min(mn, v);
            if (j % stride == 0 && p < smp.length) smp[p++] = v;
          }
        }
        norm[u] = Math.sqrt(s);
        maxAbs[u] = mx;
        min[u] = mn;
        samples[u] = smp;
      }
      return new UnitStats(norm, maxAbs, min, samples);
    });
  }

  /**
   * im2col rows at {@code points} random output positions per image (seeded), for a conv of kernel kh×kw, stride and
   * padding; for a dense layer (rank-2 input) one row per image, viewed as [C, block] with C = F / block.
   */
  synchronized Patches patches(String layer, int kh, int kw, int stride, int pad, int block, int points, long seed) {
    return patches.computeIfAbsent(layer, l -> samplePatches(input(l), l, kh, kw, stride, pad, block, points, seed));
  }

  /**
   * {@link #patches} of any input of the layer's shape: the same images and output positions (the positions depend
   * only on the layer's name, the seed and the shape), so rows of two inputs of one layer are paired sample by sample.
   */
  static Patches samplePatches(INDArray a, String layer, int kh, int kw, int stride, int pad, int block, int points, long seed) {
    float[] d = Tensors.floats(a);
    int n = (int) a.size(0);
    if (a.rank() == 2) {
      int f = (int) a.size(1);
      return new Patches(d, n, f / block, block);
    }
    int c = (int) a.size(1), h = (int) a.size(2), w = (int) a.size(3);
    int e = (h + 2 * pad - kh) / stride + 1, fo = (w + 2 * pad - kw) / stride + 1, k = kh * kw;
    Random rnd = new Random(seed ^ layer.hashCode());
    float[] x = new float[n * points * c * k];
    int row = 0;
    for (int i = 0; i < n; i++)
      for (int p = 0; p < points; p++, row++) {
        int oy = rnd.nextInt(e), ox = rnd.nextInt(fo);
        for (int ch = 0; ch < c; ch++)
          for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++) {
              int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                x[((row * c + ch) * kh + ky) * kw + kx] = d[((i * c + ch) * h + iy) * w + ix];
            }
      }
    return new Patches(x, n * points, c, k);
  }
}
