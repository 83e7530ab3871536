package dev.hwc.report;

import dev.hwc.compress.CompressionPlan;
import dev.hwc.model.PairedAccuracy;
import dev.hwc.search.ParetoArchive;
import dev.hwc.search.SearchCoordinator;
import dev.hwc.search.SearchEvent.EpisodeEvaluated;
import dev.hwc.search.SearchEvent.LayerResult;
import dev.hwc.search.SearchEvent.SearchStarted;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a search's journal (folded into the coordinator's state) and the test-set re-measurements of some of its
 * plans to a {@link SearchReport}. Pure: the inference happens elsewhere; here fractions become percent.
 */
public final class SearchReports {
  private SearchReports() {}

  /**
   * Test-set figures of plans, by plan hash, with the dense model's test accuracy they are compared with: top-1 and,
   * where measured, the paired standard error of the loss in points; {@code chosenOnSearchSubset} is the chosen plan
   * measured again on the search subset (null where not), for the standard error of its journaled loss;
   * {@code images} says which images the search subset, calibration and test figures came from (keys {@code search},
   * {@code calibration}, {@code test}; empty where unknown).
   */
  public record TestSet(double baselineAccuracy, Map<String, Double> accuracyByPlanHash, Map<String, Double> lossStandardErrorByPlanHash,
                        PairedAccuracy chosenOnSearchSubset, Map<String, String> images) {
    public TestSet {
      accuracyByPlanHash = Map.copyOf(accuracyByPlanHash);
      lossStandardErrorByPlanHash = Map.copyOf(lossStandardErrorByPlanHash);
      images = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(images));
    }

    /** Accuracies only: no standard errors. */
    public TestSet(double baselineAccuracy, Map<String, Double> accuracyByPlanHash) {
      this(baselineAccuracy, accuracyByPlanHash, Map.of(), null, Map.of());
    }

    /** From paired results; {@code chosenOnSearchSubset} may be null. */
    public static TestSet of(double baselineAccuracy, Map<String, PairedAccuracy> byPlanHash, PairedAccuracy chosenOnSearchSubset,
                             Map<String, String> images) {
      Map<String, Double> acc = new LinkedHashMap<>(), se = new LinkedHashMap<>();
      byPlanHash.forEach((h, p) -> {
        acc.put(h, p.accuracy());
        se.put(h, p.standardErrorPoints());
      });
      return new TestSet(baselineAccuracy, acc, se, chosenOnSearchSubset, images);
    }

    double standardError(String planHash) {
      return lossStandardErrorByPlanHash.getOrDefault(planHash, Double.NaN);
    }
  }

  /** The plans worth re-measuring on the test set: the chosen one first, then up to {@code n} Pareto plans. */
  public static List<CompressionPlan> plansToTest(SearchCoordinator.State s, int n) {
    return plansToTest(s, n, Double.POSITIVE_INFINITY);
  }

  /**
   * As {@link #plansToTest(SearchCoordinator.State, int)}, the Pareto plans limited to those whose search-subset loss
   * is at most {@code maxLossPoints} (plans far past every bound of interest are not worth a test-set pass).
   */
  public static List<CompressionPlan> plansToTest(SearchCoordinator.State s, int n, double maxLossPoints) {
    Map<String, CompressionPlan> byHash = plansByHash(s);
    LinkedHashMap<String, CompressionPlan> out = new LinkedHashMap<>();
    chosen(s).ifPresent(p -> out.put(p.planHash(), byHash.get(p.planHash())));
    int added = 0;
    for (ParetoArchive.Point p : ParetoArchive.of(s.evaluated()).front()) {
      if (added >= n || p.accuracyLoss() > maxLossPoints) break;
      if (out.putIfAbsent(p.planHash(), byHash.get(p.planHash())) == null) added++;
    }
    return List.copyOf(out.values());
  }

  public static Optional<ParetoArchive.Point> chosen(SearchCoordinator.State s) {
    return ParetoArchive.of(s.evaluated()).chosen(s.started().maxAccuracyLoss());
  }

  public static SearchReport of(SearchCoordinator.State s, TestSet test, String planFile, String modelFile) {
    SearchStarted st = s.started();
    if (st == null) throw new IllegalArgumentException("the journal holds no SearchStarted event");
    Map<String, EpisodeEvaluated> byHash = new LinkedHashMap<>();
    List<SearchReport.EpisodePoint> all = new ArrayList<>();
    for (EpisodeEvaluated e : s.evaluated()) {
      byHash.putIfAbsent(e.plan().hash(), e);
      all.add(new SearchReport.EpisodePoint(e.episode(), e.accuracyLoss(), e.energyReduction() * 100, e.reward(), e.plan().hash()));
    }
    ParetoArchive archive = ParetoArchive.of(s.evaluated());
    List<SearchReport.EpisodePoint> pareto = new ArrayList<>();
    for (ParetoArchive.Point p : archive.front())
      pareto.add(new SearchReport.EpisodePoint(p.episode(), p.accuracyLoss(), p.energyReduction() * 100, p.reward(), p.planHash()));

    List<SearchReport.TestedPlan> tested = new ArrayList<>();
    for (ParetoArchive.Point p : archive.front()) {
      Double acc = test.accuracyByPlanHash().get(p.planHash());
      if (acc == null) continue;
      EpisodeEvaluated e = byHash.get(p.planHash());
      tested.add(new SearchReport.TestedPlan(p.planHash(), acc, (test.baselineAccuracy() - acc) * 100,
          test.standardError(p.planHash()), e.energyReduction() * 100, e.energy()));
    }

    SearchReport.Chosen chosen = null;
    Optional<ParetoArchive.Point> c = archive.chosen(st.maxAccuracyLoss());
    if (c.isPresent()) {
      EpisodeEvaluated e = byHash.get(c.get().planHash());
      Double acc = test.accuracyByPlanHash().get(e.plan().hash());
      double testAcc = acc == null ? Double.NaN : acc;
      Map<String, LayerResult> results = new LinkedHashMap<>();
      for (LayerResult r : e.layers()) results.put(r.layer(), r);
      List<SearchReport.LayerPolicy> layers = new ArrayList<>();
      for (CompressionPlan.LayerPlan lp : e.plan().layers()) {
        LayerResult r = results.get(lp.layer());
        layers.add(new SearchReport.LayerPolicy(lp.layer(), lp.decision().algorithm(), lp.decision().pruneRatio(),
            lp.decision().weightBits(), lp.decision().activationBits(), r == null ? Double.NaN : r.sparsity(),
            r == null ? Double.NaN : r.energy(), r == null ? null : r.inputDensity()));
      }
      PairedAccuracy onSearch = test.chosenOnSearchSubset();
      chosen = new SearchReport.Chosen(c.get().episode(), e.plan().hash(), e.accuracyLoss(),
          onSearch == null ? Double.NaN : onSearch.standardErrorPoints(), testAcc, (test.baselineAccuracy() - testAcc) * 100,
          test.standardError(e.plan().hash()), e.energyReduction() * 100, layers, planFile, modelFile);
    }

    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("model", st.modelPath());
    provenance.put("model sha256", st.modelFingerprint());
    provenance.put("data split", st.datasetFingerprint());
    test.images().forEach((split, what) -> provenance.put(split + " images", what));
    provenance.put("hardware", st.hardware().isEmpty() ? "configured default" : st.hardware());
    provenance.put("seed", Long.toString(st.seed()));
    provenance.put("algorithms", String.join(", ", st.algorithms()));
    provenance.put("started", Instant.ofEpochMilli(st.startedAtEpochMillis()).toString());
    provenance.put("status", s.completed() != null ? "complete (" + s.completed().reason() + ")"
        : "not complete (" + s.episodesDone() + " of " + st.episodes() + " episodes)");
    return new SearchReport(st.searchId(), st.modelPath(), provenance, st.baselineAccuracy(), test.baselineAccuracy(),
        st.baselineEnergy(), st.maxAccuracyLoss(), s.episodesDone(), all, pareto, tested, chosen);
  }

  private static Map<String, CompressionPlan> plansByHash(SearchCoordinator.State s) {
    Map<String, CompressionPlan> m = new LinkedHashMap<>();
    for (EpisodeEvaluated e : s.evaluated()) m.putIfAbsent(e.plan().hash(), e.plan());
    return m;
  }
}
