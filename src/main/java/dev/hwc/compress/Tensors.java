package dev.hwc.compress;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small array helpers on C-order float data; the compressor's maths runs on plain arrays for exact determinism. */
final class Tensors {
  private Tensors() {}

  static float[] floats(INDArray a) {
    INDArray c = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
    if (c.isView() || c.ordering() != 'c' || c.data().length() != c.length()) c = c.dup('c');
    return c.data().asFloat();
  }

  static INDArray array(float[] data, long... shape) {
    return Nd4j.create(data, shape, 'c');
  }

  /** Elements per leading index (the product of all dimensions but the first). */
  static int rowSize(long[] shape) {
    long n = 1;
    for (int i = 1; i < shape.length; i++) n *= shape[i];
    return Math.toIntExact(n);
  }

  /** Keeps the given indices of dimension {@code dim} of a C-order array of {@code shape}. */
  static float[] select(float[] data, long[] shape, int dim, int[] keep) {
    long outer = 1, inner = 1;
    for (int i = 0; i < dim; i++) outer *= shape[i];
    for (int i = dim + 1; i < shape.length; i++) inner *= shape[i];
    int in = Math.toIntExact(inner), d = Math.toIntExact(shape[dim]);
    float[] out = new float[Math.toIntExact(outer * keep.length * inner)];
    int p = 0;
    for (long o = 0; o < outer; o++)
      for (int k : keep) {
        System.arraycopy(data, Math.toIntExact((o * d + k) * in), out, p, in);
        p += in;
      }
    return out;
  }

  /** The inverse of {@link #select}: places {@code data} (dimension {@code dim} reduced to {@code keep}) into a copy of {@code fill}, or zeros when fill is null. */
  static float[] scatter(float[] data, long[] fullShape, int dim, int[] keep, float[] fill) {
    long outer = 1, inner = 1;
    for (int i = 0; i < dim; i++) outer *= fullShape[i];
    for (int i = dim + 1; i < fullShape.length; i++) inner *= fullShape[i];
    int in = Math.toIntExact(inner), d = Math.toIntExact(fullShape[dim]);
    float[] out = fill != null ? fill.clone() : new float[Math.toIntExact(outer * d * inner)];
    int p = 0;
    for (long o = 0; o < outer; o++)
      for (int k : keep) {
        System.arraycopy(data, p, out, Math.toIntExact((o * d + k) * in), in);
        p += in;
      }
    return out;
  }

  static long[] withDim(long[] shape, int dim, long size) {
    long[] s = shape.clone();
    s[dim] = size;
    return s;
  }

  static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) r[i] = i;
    return r;
  }

  /** Expands channel indices to feature indices of a flattened C×block map: c → c·block … c·block+block−1. */
  static int[] expand(int[] channels, int block) {
    if (block == 1) return channels;
    int[] f = new int[channels.length * block];
    for (int i = 0; i < channels.length; i++)
      for (int j = 0; j < block; j++) f[i * block + j] = channels[i] * block + j;
    return f;
  }

  /** Indices of {@code sub} (a subset of {@code all}, both ascending) within {@code all}. */
  static int[] positions(int[] all, int[] sub) {
    int[] pos = new int[sub.length];
    for (int i = 0, j = 0; i < sub.length; i++) {
      while (all[j] != sub[i]) j++;
      pos[i] = j;
    }
    return pos;
  }

  static long nonZeros(float[] a) {
    long n = 0;
    for (float v : a) if (v != 0f) n++;
    return n;
  }
}
