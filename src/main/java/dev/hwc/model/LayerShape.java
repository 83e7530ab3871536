package dev.hwc.model;

/**
 * The shape of one prunable layer as an accelerator sees it (Eyeriss notation): batch {@code n}, input channels
 * {@code c}, input feature map {@code h × w}, output channels {@code m}, kernel {@code r × s}, stride, padding and
 * groups. A dense layer is a 1×1 convolution on a 1×1 map ({@code c} = in features, {@code m} = out features).
 * A depthwise conv has {@code groups == c == m}.
 */
public record LayerShape(int index, String name, LayerKind kind,
                         int n, int c, int h, int w, int m, int r, int s, int stride, int pad, int groups) {

  public LayerShape {
    if (n < 1 || c < 1 || h < 1 || w < 1 || m < 1 || r < 1 || s < 1 || stride < 1 || pad < 0 || groups < 1)
      throw new IllegalArgumentException("layer " + name + ": invalid shape " + dims(n, c, h, w, m, r, s, stride, pad, groups));
    if (c % groups != 0 || m % groups != 0)
      throw new IllegalArgumentException("layer " + name + ": channels C=" + c + ", M=" + m + " not divisible by groups=" + groups);
  }

  /** Output feature-map height. */
  public int e() {
    return (h + 2 * pad - r) / stride + 1;
  }

  /** Output feature-map width. */
  public int f() {
    return (w + 2 * pad - s) / stride + 1;
  }

  /** Weights (excluding bias). */
  public long weights() {
    return (long) m * (c / groups) * r * s;
  }

  /**
   * Weight density the energy model prices a compressed form of this layer at: its non-zero weights over this
   * (original) layer's weights, in [0, 1] — filter/channel pruning and element-wise zeros alike lower it.
   */
  public double weightDensity(long nonZeroWeights) {
    return Math.min(1.0, Math.max(0.0, (double) nonZeroWeights / weights()));
  }

  /** Multiply-accumulates of one forward pass of the whole batch. */
  public long macs() {
    return (long) n * m * e() * f() * (c / groups) * r * s;
  }

  /** The same layer with other channel counts (after coarse pruning); groups follow for depthwise layers. */
  public LayerShape withChannels(int newC, int newM) {
    int g = kind == LayerKind.DEPTHWISE_CONV ? newC : groups;
    return new LayerShape(index, name, kind, n, newC, h, w, newM, r, s, stride, pad, g);
  }

  public LayerShape withBatch(int batch) {
    return new LayerShape(index, name, kind, batch, c, h, w, m, r, s, stride, pad, groups);
  }

  private static String dims(int n, int c, int h, int w, int m, int r, int s, int stride, int pad, int groups) {
    return "N=" + n + ",C=" + c + ",H=" + h + ",W=" + w + ",M=" + m + ",R=" + r + ",S=" + s
        + ",stride=" + stride + ",pad=" + pad + ",groups=" + groups;
  }

  @Override
  public String toString() {
    return name + "[" + kind + " " + dims(n, c, h, w, m, r, s, stride, pad, groups) + "]";
  }
}
