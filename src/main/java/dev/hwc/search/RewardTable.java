package dev.hwc.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The episode reward as a lookup table over (accuracy loss, energy reduction), read from {@code conf/reward-lut.csv}
 * (format in that file's header). Losses are top-1 percentage points, reductions percent of the baseline energy.
 * Past {@code maxAccuracyLoss} the reward is the {@link Penalty}'s, whatever the table holds.
 */
public final class RewardTable {
  /**
   * The reward past the loss bound: {@code max(floor, atBound − slope·(loss − bound))}. Graded so that a smaller
   * violation earns more and the agents get a signal toward the bound; {@code floor} keeps it inside Rainbow's C51
   * support. {@link #flat} (slope 0, atBound = floor) is the hard penalty.
   */
  public record Penalty(double floor, double atBound, double slope) {
    public Penalty {
      if (!Double.isFinite(floor) || !Double.isFinite(atBound) || !Double.isFinite(slope))
        throw new IllegalArgumentException("reward penalty must be finite: floor " + floor + ", at bound " + atBound + ", slope " + slope);
      if (slope < 0) throw new IllegalArgumentException("hwc.search.reward.penalty-slope must be >= 0, was " + slope);
      if (atBound < floor)
        throw new IllegalArgumentException("hwc.search.reward.penalty-at-bound (" + atBound + ") is below hwc.search.reward.penalty (" + floor + ")");
    }

    public static Penalty flat(double penalty) {
      return new Penalty(penalty, penalty, 0);
    }

    /** The reward of an episode {@code excess} points past the bound. */
    public double of(double excess) {
      return Math.max(floor, atBound - slope * excess);
    }
  }

  /** A bin {@code [lo, hi)}. */
  public record Bin(double lo, double hi) {
    public double centre() {
      return (lo + hi) / 2;
    }
  }

  /**
   * Losses are (baseline − accuracy)·100 with accuracies count/N, so a loss of exactly the bound (e.g. 89.58 − 88.58)
   * comes out as 1.0000000000000009; within this much of the bound it counts as inside.
   */
  public static final double LOSS_TOLERANCE = 1e-9;

  /** Whether a loss lies within the bound (allowing {@link #LOSS_TOLERANCE} of floating-point error). */
  public static boolean withinBound(double accuracyLossPoints, double maxAccuracyLoss) {
    return accuracyLossPoints <= maxAccuracyLoss + LOSS_TOLERANCE;
  }

  private final List<Bin> lossBins;
  private final List<Bin> energyBins;
  private final double[][] values;
  private final double maxAccuracyLoss;
  private final Penalty penalty;
  private final boolean interpolate;

  public RewardTable(List<Bin> lossBins, List<Bin> energyBins, double[][] values,
                     double maxAccuracyLoss, Penalty penalty, boolean interpolate) {
    this.lossBins = List.copyOf(lossBins);
    this.energyBins = List.copyOf(energyBins);
    this.values = values;
    this.maxAccuracyLoss = maxAccuracyLoss;
    this.penalty = penalty;
    this.interpolate = interpolate;
  }

  /** Reads the table; a malformed file fails with its name and the line number. */
  public static RewardTable load(Path csv, double maxAccuracyLoss, double penalty, boolean interpolate) {
    return load(csv, maxAccuracyLoss, Penalty.flat(penalty), interpolate);
  }

  public static RewardTable load(Path csv, double maxAccuracyLoss, Penalty penalty, boolean interpolate) {
    try {
      return parse(Files.readAllLines(csv), csv.toString(), maxAccuracyLoss, penalty, interpolate);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read reward table " + csv + ": " + e.getMessage(), e);
    }
  }

  public static RewardTable parse(List<String> lines, String source, double maxAccuracyLoss, double penalty,
                                  boolean interpolate) {
    return parse(lines, source, maxAccuracyLoss, Penalty.flat(penalty), interpolate);
  }

  public static RewardTable parse(List<String> lines, String source, double maxAccuracyLoss, Penalty penalty,
                                  boolean interpolate) {
    List<Bin> energy = null;
    List<Bin> loss = new ArrayList<>();
    List<double[]> rows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String where = source + ":" + (i + 1);
      String[] cells = line.split(",", -1);
      if (energy == null) {
        if (cells.length < 2) throw new IllegalArgumentException(where + ": header needs at least one energy-reduction bin");
        energy = new ArrayList<>();
        for (int c = 1; c < cells.length; c++) energy.add(bin(cells[c], where, "energy-reduction bin " + c));
        checkContiguous(energy, where, "energy-reduction");
        continue;
      }
      if (cells.length != energy.size() + 1)
        throw new IllegalArgumentException(where + ": expected " + (energy.size() + 1) + " cells (a loss bin and "
            + energy.size() + " rewards), found " + cells.length);
      loss.add(bin(cells[0], where, "accuracy-loss bin"));
      double[] row = new double[energy.size()];
      for (int c = 1; c < cells.length; c++) row[c - 1] = number(cells[c], where, "reward in column " + (c + 1));
      rows.add(row);
      checkContiguous(loss, where, "accuracy-loss");
    }
    if (energy == null || rows.isEmpty()) throw new IllegalArgumentException(source + ": no header and rows found");
    if (loss.get(loss.size() - 1).hi() < maxAccuracyLoss)
      throw new IllegalArgumentException(source + ": accuracy-loss bins end at " + loss.get(loss.size() - 1).hi()
          + " but hwc.search.max-accuracy-loss is " + maxAccuracyLoss);
    return new RewardTable(loss, energy, rows.toArray(double[][]::new), maxAccuracyLoss, penalty, interpolate);
  }

  /** The reward of an episode that lost {@code accuracyLossPoints} of top-1 and saved {@code energyReductionPercent}. */
  public double reward(double accuracyLossPoints, double energyReductionPercent) {
    return reward(accuracyLossPoints, accuracyLossPoints, energyReductionPercent);
  }

  /**
   * As {@link #reward(double, double)}, with the penalty past the bound graded by {@code penaltyLossPoints} (the
   * search passes the loss on the first evaluation batch, which early rejection never skips); a penalty loss inside
   * the bound counts as at the bound.
   */
  public double reward(double accuracyLossPoints, double penaltyLossPoints, double energyReductionPercent) {
    if (Double.isNaN(accuracyLossPoints) || Double.isNaN(energyReductionPercent) || Double.isNaN(penaltyLossPoints))
      throw new IllegalArgumentException("reward of NaN: loss " + accuracyLossPoints + ", penalty loss " + penaltyLossPoints
          + ", reduction " + energyReductionPercent);
    if (!withinBound(accuracyLossPoints, maxAccuracyLoss)) return penalty.of(Math.max(0, penaltyLossPoints - maxAccuracyLoss));
    if (!interpolate) return values[binOf(lossBins, accuracyLossPoints)][binOf(energyBins, energyReductionPercent)];
    double[] li = between(lossBins, accuracyLossPoints);
    double[] ei = between(energyBins, energyReductionPercent);
    int l0 = (int) li[0], l1 = (int) li[1], e0 = (int) ei[0], e1 = (int) ei[1];
    double tl = li[2], te = ei[2];
    double top = values[l0][e0] * (1 - te) + values[l0][e1] * te;
    double bottom = values[l1][e0] * (1 - te) + values[l1][e1] * te;
    return top * (1 - tl) + bottom * tl;
  }

  public double maxAccuracyLoss() {
    return maxAccuracyLoss;
  }

  /** The lowest reward past the bound (hwc.search.reward.penalty). */
  public double penalty() {
    return penalty.floor();
  }

  public Penalty graded() {
    return penalty;
  }

  public List<Bin> lossBins() {
    return lossBins;
  }

  public List<Bin> energyBins() {
    return energyBins;
  }

  /** The bin holding x; below the first bin counts as the first, at or above the last bin's end as the last. */
  static int binOf(List<Bin> bins, double x) {
    for (int i = 0; i < bins.size(); i++) if (x < bins.get(i).hi()) return i;
    return bins.size() - 1;
  }

  /** The two bin centres around x and x's fraction of the way between them; clamped outside the outer centres. */
  private static double[] between(List<Bin> bins, double x) {
    int last = bins.size() - 1;
    if (x <= bins.get(0).centre()) return new double[]{0, 0, 0};
    if (x >= bins.get(last).centre()) return new double[]{last, last, 0};
    int i = 0;
    while (bins.get(i + 1).centre() < x) i++;
    double c0 = bins.get(i).centre(), c1 = bins.get(i + 1).centre();
    return new double[]{i, i + 1, (x - c0) / (c1 - c0)};
  }

  private static Bin bin(String cell, String where, String what) {
    String s = cell.strip();
    int dots = s.indexOf("..", 1);
    if (dots < 0) throw new IllegalArgumentException(where + ": " + what + " '" + s + "' is not lo..hi");
    double lo = number(s.substring(0, dots), where, what + " start");
    double hi = number(s.substring(dots + 2), where, what + " end");
    if (!(hi > lo)) throw new IllegalArgumentException(where + ": " + what + " '" + s + "' is empty (hi must exceed lo)");
    return new Bin(lo, hi);
  }

  private static void checkContiguous(List<Bin> bins, String where, String what) {
    for (int i = 1; i < bins.size(); i++)
      if (bins.get(i).lo() != bins.get(i - 1).hi())
        throw new IllegalArgumentException(where + ": " + what + " bins not contiguous: " + fmt(bins.get(i - 1))
            + " then " + fmt(bins.get(i)));
  }

  private static String fmt(Bin b) {
    return b.lo() + ".." + b.hi();
  }

  private static double number(String cell, String where, String what) {
    try {
      double v = Double.parseDouble(cell.strip());
      if (!Double.isFinite(v)) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ": " + what + " '" + cell.strip() + "' is not a finite number");
    }
  }
}
