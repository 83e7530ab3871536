package dev.hwc.data;

import org.jetbrains.bio.npy.NpyArray;
import org.jetbrains.bio.npy.NpzFile;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One split of a NumPy {@code .npz} in the {@code keras.datasets} convention: images {@code x_<split>} and labels
 * {@code y_<split>}. Images are uint8 in [0, 255] or float in [0, 1], laid out [N, H, W] (grey), [N, H, W, C] or
 * [N, C, H, W] with C of 1 or 3; labels any integer type, shape [N] or [N, 1]. An {@code .npz} member cannot be read
 * in part (it is one compressed stream), so the split's image array is read whole, once, and held as stored.
 */
final class NpzSource implements ImageSource {
  private final Path file;
  private final String x;
  private final int[] labels;
  private NpyArray images;
  private StoredShape shape;
  private boolean channelsLast;

  NpzSource(Path file, String x, String y) {
    this.file = file;
    this.x = x;
    this.labels = labels(file, y, read(file, y));
  }

  static NpyArray read(Path file, String member) {
    try (var reader = new NpzFile.Reader(file)) {
      return reader.get(member, 1 << 20);
    } catch (Exception e) { // the Kotlin library throws java.util.zip's checked exceptions undeclared
      throw new IllegalArgumentException(file + ": cannot read array " + member + " (" + e.getMessage() + ")", e);
    }
  }

  private static int[] labels(Path file, String y, NpyArray a) {
    int[] s = a.getShape();
    if (!(s.length == 1 || (s.length == 2 && s[1] == 1)))
      throw new IllegalArgumentException(file + ": " + y + " has shape " + Arrays.toString(s) + ", expected [N] or [N, 1]");
    Object d = a.getData();
    long[] v;
    if (d instanceof byte[] b) { v = new long[b.length]; for (int i = 0; i < b.length; i++) v[i] = b[i] & 0xff; }
    else if (d instanceof short[] b) { v = new long[b.length]; for (int i = 0; i < b.length; i++) v[i] = b[i]; }
    else if (d instanceof int[] b) { v = new long[b.length]; for (int i = 0; i < b.length; i++) v[i] = b[i]; }
    else if (d instanceof long[] b) v = b;
    else throw new IllegalArgumentException(file + ": " + y + " holds " + d.getClass().getComponentType() + " values, expected integer labels");
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      if (v[i] < 0 || v[i] > Integer.MAX_VALUE)
        throw new IllegalArgumentException(file + ": " + y + ": label " + v[i] + " of example " + i + " is negative or too large");
      out[i] = (int) v[i];
    }
    return out;
  }

  @Override public String describe() {
    return "npz " + file.getFileName() + " " + x;
  }

  @Override public int[] labels() {
    return labels;
  }

  /** The image array, read on first use and checked against the labels. */
  private synchronized NpyArray images() {
    if (images == null) {
      NpyArray a = read(file, x);
      int[] d = a.getShape();
      int n;
      if (d.length == 3) {
        shape = new StoredShape(1, d[1], d[2]);
        channelsLast = false;
      } else if (d.length == 4 && (d[1] == 1 || d[1] == 3) && d[3] != 1 && d[3] != 3) {
        shape = new StoredShape(d[1], d[2], d[3]);
        channelsLast = false;
      } else if (d.length == 4 && (d[3] == 1 || d[3] == 3)) {
        shape = new StoredShape(d[3], d[1], d[2]);
        channelsLast = true;
      } else {
        throw new IllegalArgumentException(file + ": " + x + " has shape " + Arrays.toString(d)
            + ", expected [N, H, W], [N, H, W, C] or [N, C, H, W] with 1 or 3 channels");
      }
      n = d[0];
      if (n != labels.length)
        throw new IllegalArgumentException(file + ": " + x + " holds " + n + " images but its labels " + labels.length);
      Object data = a.getData();
      if (!(data instanceof byte[] || data instanceof float[] || data instanceof double[]))
        throw new IllegalArgumentException(file + ": " + x + " holds " + data.getClass().getComponentType()
            + " values, expected uint8 in [0, 255] or float in [0, 1]");
      if (data instanceof float[] f) checkUnitRange(f.length, i -> f[i]);
      if (data instanceof double[] f) checkUnitRange(f.length, i -> (float) f[i]);
      images = a;
    }
    return images;
  }

  private void checkUnitRange(int n, java.util.function.IntToDoubleFunction v) {
    for (int i = 0; i < n; i++) {
      double p = v.applyAsDouble(i);
      if (!(p >= 0 && p <= 1))
        throw new IllegalArgumentException(file + ": " + x + " holds the float value " + p + " at " + i
            + ": float images must lie in [0, 1] (divide uint8 pixels by 255, or store them as uint8)");
    }
  }

  @Override public synchronized StoredShape shape() {
    images();
    return shape;
  }

  @Override public Dataset read(String name, int[] indices, ImageShape target, int numClasses) {
    Object data = images().getData();
    if (shape.channels() != target.channels() || shape.height() != target.height() || shape.width() != target.width())
      throw new IllegalArgumentException(file + ": " + x + " holds " + shape + " images, not the " + target + " the model takes");
    int c = shape.channels(), h = shape.height(), w = shape.width(), px = c * h * w;
    float[] pixels = new float[indices.length * px];
    int[] lab = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      int k = indices[i];
      lab[i] = labels[k];
      for (int ch = 0; ch < c; ch++)
        for (int y = 0; y < h; y++)
          for (int xx = 0; xx < w; xx++) {
            long src = (long) k * px + (channelsLast ? ((long) y * w + xx) * c + ch : ((long) ch * h + y) * w + xx);
            float v = data instanceof byte[] b ? (b[(int) src] & 0xff) / 255f
                : data instanceof float[] f ? f[(int) src] : (float) ((double[]) data)[(int) src];
            pixels[i * px + (ch * h + y) * w + xx] = v;
          }
    }
    return Dataset.of(name, pixels, target, lab, numClasses);
  }
}
