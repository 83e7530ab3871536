package dev.hwc.search;

import dev.hwc.search.SearchEvent.EpisodeEvaluated;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The evaluated episodes' trade-off between accuracy loss (lower is better) and energy reduction (higher is
 * better). The chosen plan is the one with the lowest energy within the loss bound; ties go to the lower loss,
 * then the earlier episode.
 */
public final class ParetoArchive {
  public record Point(int episode, double accuracyLoss, double energyReduction, double reward, String planHash) {}

  private final List<Point> points = new ArrayList<>();

  public static ParetoArchive of(List<EpisodeEvaluated> episodes) {
    ParetoArchive a = new ParetoArchive();
    for (EpisodeEvaluated e : episodes) a.add(e);
    return a;
  }

  public void add(EpisodeEvaluated e) {
    points.add(new Point(e.episode(), e.accuracyLoss(), e.energyReduction(), e.reward(), e.plan().hash()));
  }

  public int size() {
    return points.size();
  }

  /** The non-dominated points, by increasing accuracy loss. */
  public List<Point> front() {
    List<Point> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingDouble(Point::accuracyLoss)
        .thenComparing(Comparator.comparingDouble(Point::energyReduction).reversed())
        .thenComparingInt(Point::episode));
    List<Point> front = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    for (Point p : sorted) {
      if (p.energyReduction() > best) {
        front.add(p);
        best = p.energyReduction();
      }
    }
    return front;
  }

  /** The lowest-energy point whose loss is within {@code maxAccuracyLoss}, if any. */
  public Optional<Point> chosen(double maxAccuracyLoss) {
    return points.stream().filter(p -> RewardTable.withinBound(p.accuracyLoss(), maxAccuracyLoss))
        .min(Comparator.comparingDouble(Point::energyReduction).reversed()
            .thenComparingDouble(Point::accuracyLoss).thenComparingInt(Point::episode));
  }
}
