package dev.hwc.report;

import com.fasterxml.jackson.annotation.JsonRawValue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code hwc bench compare}'s result (issue 8): search strategies side by side on one model, with the same episode
 * budget and seeds. Per search, the Pareto plans of its search-subset archive re-measured on the test set give the
 * energy reduction (vs the dense model at the baseline bits) of the best plan within each test-accuracy-loss bound;
 * the journal's rewards give how fast the search got near its best. Per strategy, mean and spread over seeds.
 * Written verbatim as compare.json; units as in {@link SearchReport} (points, percent).
 */
public record StrategyComparison(String model, int episodes, List<Long> seeds, List<Double> boundsPoints,
                                 double rewardFraction, List<Row> rows, List<Run> runs, Reproducibility reproducibility) {

  /** Test-accuracy-loss bounds of the table, in points. */
  public static final List<Double> BOUNDS = List.of(0.5, 1.0, 2.0);
  /** "Episodes to reach 95% of the final best reward". */
  public static final double REWARD_FRACTION = 0.95;

  /**
   * One search of the comparison.
   *
   * @param reductionPercent per bound of {@link #BOUNDS}: the largest energy reduction of a tested plan whose
   *                         test-accuracy loss is within it; 0 when none is (the dense model itself is the answer)
   * @param episodesToReach  the first episode whose reward reached {@link #rewardTarget} of the search's best reward
   * @param tested           the re-measured Pareto plans
   * @param configSha256     SHA-256 of the search's journaled configuration (the hwc tree, strategy included, locations not)
   */
  public record Run(String strategy, long seed, String searchId, int episodes, String status, double baselineTestAccuracy,
                    List<Double> reductionPercent, double bestReward, int episodesToReach, List<SearchReport.TestedPlan> tested,
                    String configSha256) {}

  /** Mean, sample standard deviation (0 for one value), extremes and count of one figure over a strategy's runs. */
  public record Stat(double mean, double sd, double min, double max, int n) {
    public static Stat of(List<Double> xs) {
      if (xs.isEmpty()) return new Stat(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
      double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      double ss = 0;
      for (double x : xs) ss += (x - mean) * (x - mean);
      double sd = xs.size() > 1 ? Math.sqrt(ss / (xs.size() - 1)) : 0;
      return new Stat(mean, sd, xs.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
          xs.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), xs.size());
    }
  }

  /** One strategy: the reduction per bound and the episodes to reach the reward fraction, over its runs. */
  public record Row(String strategy, int runs, List<Stat> reductionPercent, Stat episodesToReach) {}

  /**
   * What the figures were made from.
   *
   * @param settingsSha256 SHA-256 of the journaled configuration without hwc.search.strategy and the locations (home,
   *                       work-dir, data.dir): one value when every
   *                       search ran with the same settings, else each distinct value, comma-separated
   * @param settings       that configuration (the first run's), as JSON
   */
  public record Reproducibility(String command, String codeVersion, String modelPath, String modelSha256,
                                String datasetFingerprint, String hardware, double baselineTestAccuracy,
                                double baselineSearchAccuracy, double baselineEnergyPj, double searchLossBoundPoints,
                                String settingsSha256, @JsonRawValue String settings) {}

  /** A run's figures from its report (journal folded, Pareto plans re-measured on the test set). */
  public static Run run(String strategy, SearchReport r, long seed, String status, String configSha256) {
    List<Double> reductions = new ArrayList<>();
    for (double bound : BOUNDS) reductions.add(bestReductionWithin(r.testedPareto(), bound));
    List<Double> rewards = r.allEpisodes().stream().map(SearchReport.EpisodePoint::reward).toList();
    double best = rewards.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    return new Run(strategy, seed, r.searchId(), r.episodes(), status, r.baselineTestAccuracy(), reductions, best,
        episodesToReach(rewards, REWARD_FRACTION), r.testedPareto(), configSha256);
  }

  /** Rows in {@code strategies}' order (a strategy without runs gets an empty row). */
  public static StrategyComparison of(String model, int episodes, List<Long> seeds, List<String> strategies, List<Run> runs,
                                      Reproducibility reproducibility) {
    List<Row> rows = new ArrayList<>();
    for (String s : strategies) {
      List<Run> mine = runs.stream().filter(r -> r.strategy().equals(s)).toList();
      List<Stat> red = new ArrayList<>();
      for (int b = 0; b < BOUNDS.size(); b++) {
        int k = b;
        red.add(Stat.of(mine.stream().map(r -> r.reductionPercent().get(k)).toList()));
      }
      rows.add(new Row(s, mine.size(), red, Stat.of(mine.stream().filter(r -> r.episodesToReach() > 0)
          .map(r -> (double) r.episodesToReach()).toList())));
    }
    return new StrategyComparison(model, episodes, List.copyOf(seeds), BOUNDS, REWARD_FRACTION, rows, List.copyOf(runs), reproducibility);
  }

  /** The largest energy reduction (percent) among {@code tested} with a test-accuracy loss of at most {@code boundPoints}; 0 if none. */
  public static double bestReductionWithin(List<SearchReport.TestedPlan> tested, double boundPoints) {
    double best = 0;
    for (SearchReport.TestedPlan t : tested)
      if (t.testAccuracyLossPoints() <= boundPoints + 1e-9) best = Math.max(best, t.energyReductionPercent());
    return best;
  }

  /**
   * The reward that counts as reaching {@code fraction} of the best: {@code fraction · best} for a positive best, else
   * {@code best + (1 − fraction)·|best|} (as close to the best, measured the same way), so that it never lies above it.
   */
  public static double rewardTarget(double best, double fraction) {
    return best - (1 - fraction) * Math.abs(best);
  }

  /** The first episode (1-based) whose reward reaches {@link #rewardTarget}; 0 for no episodes. */
  public static int episodesToReach(List<Double> rewards, double fraction) {
    if (rewards.isEmpty()) return 0;
    double target = rewardTarget(rewards.stream().mapToDouble(Double::doubleValue).max().orElseThrow(), fraction);
    for (int i = 0; i < rewards.size(); i++) if (rewards.get(i) >= target - 1e-12) return i + 1;
    return rewards.size();
  }

  /** The non-dominated (test loss, reduction) plans of {@code runs} pooled, by increasing test loss: the chart's line. */
  public static List<SearchReport.TestedPlan> pooledFront(List<Run> runs) {
    List<SearchReport.TestedPlan> all = new ArrayList<>();
    for (Run r : runs) all.addAll(r.tested());
    all.sort(Comparator.comparingDouble(SearchReport.TestedPlan::testAccuracyLossPoints)
        .thenComparing(Comparator.comparingDouble(SearchReport.TestedPlan::energyReductionPercent).reversed()));
    List<SearchReport.TestedPlan> front = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    for (SearchReport.TestedPlan t : all)
      if (t.energyReductionPercent() > best) {
        front.add(t);
        best = t.energyReductionPercent();
      }
    return front;
  }
}
