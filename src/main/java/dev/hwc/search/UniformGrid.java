package dev.hwc.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The {@code uniform} strategy's grid (hwc.search.uniform): every decision layer gets the same decision — weight and
 * activation bits {@code b} from a list, pruning ratio {@code r} on a regular grid up to the configured maximum, and
 * one algorithm of the menu — and the episodes walk the grid in a fixed coarse-to-fine order.
 *
 * <p>Points: for each bits value (as listed), each ratio (ascending), each algorithm (menu order); at ratio 0 the
 * algorithm does nothing, so there is one point per bits value there (algorithm {@link #NONE}, run as the menu's
 * first). The dense model at the top of the bits list and ratio 0 is the baseline, measured when the search starts,
 * so it is left out.
 *
 * <p>Order: greedy farthest-point (maximin), started from the dense baseline: each next point is the one whose
 * smallest distance to the baseline and to every point taken so far is largest; ties go to the earlier point in the
 * listing above. Distance² = Δbits² + Δratio² (each axis scaled to [0, 1] over the grid) + 1 if the algorithms differ
 * ({@link #NONE} differs from every algorithm). So a small budget still spreads over bits, ratios and algorithms, and
 * a budget of the grid's size takes every point once. Past the grid's size the order repeats.
 */
public final class UniformGrid implements WarmupOrder {
  /** The algorithm of a ratio-0 point (and of the baseline): no pruning. */
  public static final int NONE = -1;

  /** One grid point: the same bits for weights and activations, a pruning ratio, an algorithm index or {@link #NONE}. */
  public record Point(int bits, double ratio, int algorithm) {}

  private final List<Point> points;
  private final List<Point> order;

  private UniformGrid(List<Point> points, List<Point> order) {
    this.points = List.copyOf(points);
    this.order = List.copyOf(order);
  }

  /**
   * @param bits       bits values (weights = activations), in listing order; the first is the baseline's when it is the
   *                   largest (8)
   * @param ratioStep  step of the pruning-ratio grid, from 0
   * @param minRatio   smallest allowed ratio (grid values below it are left out)
   * @param maxRatio   largest allowed ratio (the grid goes up to it)
   * @param algorithms size of the algorithm menu (every algorithm takes part)
   * @param baselineBits bits of the dense baseline (its point is left out)
   */
  public static UniformGrid of(List<Integer> bits, double ratioStep, double minRatio, double maxRatio, int algorithms,
                               int baselineBits) {
    // an empty menu (algorithms < 1) gives an empty list, which the list form refuses
    return of(bits, ratioStep, minRatio, maxRatio, IntStream.range(0, algorithms).boxed().toList(), baselineBits);
  }

  /**
   * The grid over a part of the menu: {@code algorithms} are menu indices, in the order the listing takes them (the
   * points carry these indices).
   */
  public static UniformGrid of(List<Integer> bits, double ratioStep, double minRatio, double maxRatio,
                               List<Integer> algorithms, int baselineBits) {
    if (bits.isEmpty()) throw new IllegalArgumentException("hwc.search.uniform.bits must not be empty");
    if (!(ratioStep > 0)) throw new IllegalArgumentException("hwc.search.uniform.ratio-step must be > 0, was " + ratioStep);
    if (algorithms.isEmpty()) throw new IllegalArgumentException("the algorithm menu is empty");
    List<Double> ratios = new ArrayList<>();
    for (int k = 0; k * ratioStep <= maxRatio + 1e-9; k++) {
      // rounded to 1e-9 so that 3 × 0.1 is 0.3 in the plan, not 0.30000000000000004
      double r = Math.round(k * ratioStep * 1e9) / 1e9;
      if (r >= minRatio - 1e-9) ratios.add(Math.min(r, maxRatio));
    }
    if (ratios.isEmpty()) throw new IllegalArgumentException("the pruning-ratio grid is empty (ratio range [" + minRatio + ", " + maxRatio + "])");
    List<Point> points = new ArrayList<>();
    for (int b : bits)
      for (double r : ratios) {
        if (r == 0) {
          if (b != baselineBits) points.add(new Point(b, 0, NONE));
        } else {
          for (int a : algorithms) points.add(new Point(b, r, a));
        }
      }
    if (points.isEmpty()) throw new IllegalArgumentException("the uniform grid holds only the dense baseline");

    int minB = bits.stream().mapToInt(Integer::intValue).min().orElseThrow(), maxB = bits.stream().mapToInt(Integer::intValue).max().orElseThrow();
    double minR = ratios.get(0), maxR = ratios.get(ratios.size() - 1);
    double[][] xy = new double[points.size()][];
    for (int i = 0; i < points.size(); i++) xy[i] = coords(points.get(i), minB, maxB, minR, maxR);
    double[] base = coords(new Point(baselineBits, 0, NONE), minB, maxB, minR, maxR);

    double[] nearest = new double[points.size()];
    for (int i = 0; i < points.size(); i++) nearest[i] = distance2(xy[i], points.get(i).algorithm(), base, NONE);
    boolean[] taken = new boolean[points.size()];
    List<Point> order = new ArrayList<>(points.size());
    for (int n = 0; n < points.size(); n++) {
      int best = -1;
      for (int i = 0; i < points.size(); i++)
        if (!taken[i] && (best < 0 || nearest[i] > nearest[best])) best = i;
      taken[best] = true;
      order.add(points.get(best));
      for (int i = 0; i < points.size(); i++)
        if (!taken[i]) nearest[i] = Math.min(nearest[i], distance2(xy[i], points.get(i).algorithm(), xy[best], points.get(best).algorithm()));
    }
    return new UniformGrid(points, order);
  }

  private static double[] coords(Point p, int minB, int maxB, double minR, double maxR) {
    return new double[] {maxB > minB ? (double) (p.bits() - minB) / (maxB - minB) : 0, maxR > minR ? (p.ratio() - minR) / (maxR - minR) : 0};
  }

  private static double distance2(double[] a, int algA, double[] b, int algB) {
    double db = a[0] - b[0], dr = a[1] - b[1];
    return db * db + dr * dr + (algA == algB ? 0 : 1);
  }

  /** The grid's points in listing order. */
  @Override public List<Point> points() {
    return points;
  }

  /** The points in the order the episodes take them. */
  public List<Point> order() {
    return order;
  }

  public int size() {
    return points.size();
  }

  /** The fixed order ignores the results: {@link #pointOfEpisode}. */
  @Override public Point pointOf(int episode, Map<Probe, Float> rewards) {
    return pointOfEpisode(episode);
  }

  /** The point of episode {@code episode} (1-based); past the grid's size the order repeats. */
  public Point pointOfEpisode(int episode) {
    if (episode < 1) throw new IllegalArgumentException("episode must be >= 1, was " + episode);
    return order.get((episode - 1) % order.size());
  }
}
