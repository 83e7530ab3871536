package dev.hwc.model;

/**
 * One-sided confidence bounds on an accuracy from {@code correct} right answers out of {@code n} images, and the
 * early-rejection rule built on them. Pure Java, no ND4J.
 *
 * <p>Why the Chernoff (relative-entropy, "KL") bound and not Clopper–Pearson, Wilson or Hoeffding: the images seen
 * so far are drawn <i>without replacement</i> from the finite search subset, and the quantity that decides the
 * reward is that subset's accuracy, not an infinite population's. Hoeffding (1963, §6) showed that for draws without
 * replacement E[f(sum)] is at most its with-replacement value for every convex f, so any bound proved from the
 * exponential moment — Chernoff's, and Hoeffding's own — holds unchanged for the finite subset. Clopper–Pearson's
 * exact binomial tail has no such proof, and Wilson's is a normal approximation that is anticonservative far in the
 * tail (99.9%) and near accuracy 1. Hoeffding's additive bound is valid too but needlessly wide at accuracies near 0.9
 * (it ignores the variance): at n = 500, α = 1e-4 it is ±0.096 against ±0.05 for the KL bound. The KL bound is
 * {@code U = max{q ≥ p̂ : n·KL(p̂ ‖ q) ≤ ln(1/α)}}, within a few percent of Clopper–Pearson's width.
 */
public final class AccuracyBound {
  private AccuracyBound() {}

  /** Bernoulli relative entropy KL(p ‖ q) in nats, with 0·ln 0 = 0. */
  public static double kl(double p, double q) {
    if (p < 0 || p > 1) throw new IllegalArgumentException("p must be in [0, 1], was " + p);
    if (q < 0 || q > 1) throw new IllegalArgumentException("q must be in [0, 1], was " + q);
    double a = p == 0 ? 0 : (q == 0 ? Double.POSITIVE_INFINITY : p * Math.log(p / q));
    double b = p == 1 ? 0 : (q == 1 ? Double.POSITIVE_INFINITY : (1 - p) * Math.log((1 - p) / (1 - q)));
    return a + b;
  }

  /**
   * Upper confidence bound on the accuracy: with probability at least {@code 1 − alpha} the true accuracy is ≤ the
   * result (Chernoff–KL, see the class comment). {@code n = 0} gives 1.
   */
  public static double upper(int correct, int n, double alpha) {
    check(correct, n, alpha);
    if (n == 0 || correct == n) return 1.0;
    double p = correct / (double) n, target = Math.log(1 / alpha) / n;
    double lo = p, hi = 1.0;
    // KL(p ‖ q) rises monotonically in q on [p, 1]: bisection to double precision (60 halvings of [p, 1]).
    for (int i = 0; i < 60; i++) {
      double mid = 0.5 * (lo + hi);
      if (kl(p, mid) > target) hi = mid; else lo = mid;
    }
    return lo;
  }

  /** Lower confidence bound on the accuracy, the mirror of {@link #upper}. {@code n = 0} gives 0. */
  public static double lower(int correct, int n, double alpha) {
    check(correct, n, alpha);
    return 1.0 - upper(n - correct, n, alpha);
  }

  private static void check(int correct, int n, double alpha) {
    if (n < 0 || correct < 0 || correct > n) throw new IllegalArgumentException("need 0 <= correct <= n, was correct=" + correct + ", n=" + n);
    if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("alpha must be in (0, 1), was " + alpha);
  }

  /**
   * The early-rejection rule for one evaluation over {@code total} images checked at {@code looks} planned points.
   * A candidate is rejected once the upper bound on its accuracy falls below {@code baseline − maxLossPoints/100}
   * at per-look level {@code (1 − confidence)/looks}: the union bound over the planned looks keeps the chance of
   * wrongly rejecting a candidate that would have passed on the whole subset below {@code 1 − confidence}. It also
   * rejects, with certainty, once even all remaining images right could not lift it to the threshold.
   *
   * @param baseline      the dense model's accuracy on the same subset, in [0, 1]
   * @param maxLossPoints the largest tolerated loss in percentage points (hwc.search.max-accuracy-loss)
   */
  public record Rule(double baseline, double maxLossPoints, double confidence, int total, int looks) {
    public Rule {
      if (!(baseline >= 0 && baseline <= 1)) throw new IllegalArgumentException("baseline accuracy must be in [0, 1], was " + baseline);
      if (!(maxLossPoints >= 0)) throw new IllegalArgumentException("max accuracy loss must be >= 0 points, was " + maxLossPoints);
      if (!(confidence > 0 && confidence < 1)) throw new IllegalArgumentException("confidence must be in (0, 1), was " + confidence);
      if (total < 1) throw new IllegalArgumentException("total images must be >= 1, was " + total);
      if (looks < 1) throw new IllegalArgumentException("looks must be >= 1, was " + looks);
    }

    /** The lowest accuracy that still passes. */
    public double threshold() {
      return baseline - maxLossPoints / 100.0;
    }

    public double alphaPerLook() {
      return (1 - confidence) / looks;
    }

    /** True when {@code correct} of the first {@code seen} images already show the candidate fails the bound. */
    public boolean rejects(int correct, int seen) {
      if (seen > total) throw new IllegalArgumentException("seen " + seen + " > total " + total);
      if ((correct + (double) (total - seen)) / total < threshold()) return true;
      return seen < total && upper(correct, seen, alphaPerLook()) < threshold();
    }
  }
}
