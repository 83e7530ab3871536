package dev.hwc.compress;

/**
 * A pruning algorithm of the search's menu. Every pruner sees a layer's weights filter-major, as
 * {@code [outFilters, inChannels, kh, kw]} (a dense layer as {@code [out, in, 1, 1]}, or {@code [out, C, H, W]}
 * when it reads a flattened C×H×W map), and one of four kinds:
 * <ul>
 *   <li>{@link FinePruner}: an element mask;
 *   <li>{@link FilterPruner}: the output filters to keep (coarse);
 *   <li>{@link ChannelReconstruction}: the input channels to keep plus refitted weights (coarse);
 *   <li>{@link ObsReconstruction}: an element mask plus refitted weights (fine).
 * </ul>
 */
public sealed interface Pruner permits FinePruner, FilterPruner, ChannelReconstruction, ObsReconstruction {
  String name();

  /** Number removed out of {@code n} structures or elements at {@code ratio}: floor(ratio·n), never all of them. */
  static int removedCount(int n, double ratio) {
    int k = (int) Math.floor(ratio * n + 1e-9);
    return Math.max(0, Math.min(k, n - 1));
  }
}
