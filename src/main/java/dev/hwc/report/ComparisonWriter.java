package dev.hwc.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes a {@link StrategyComparison} as compare.json, compare.md and compare.png (all strategies' test-set Pareto fronts). */
public final class ComparisonWriter {
  private ComparisonWriter() {}

  public static void write(StrategyComparison c, Path outDir) {
    System.setProperty("java.awt.headless", "true");
    try {
      Files.createDirectories(outDir);
      ReportWriter.JSON.writeValue(outDir.resolve("compare.json").toFile(), c);
      Files.writeString(outDir.resolve("compare.md"), markdown(c), StandardCharsets.UTF_8);
      BitmapEncoder.saveBitmap(chart(c), outDir.resolve("compare.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the comparison to " + outDir + ": " + e.getMessage(), e);
    }
  }

  /** compare.json's text. */
  public static String json(StrategyComparison c) {
    try {
      return ReportWriter.JSON.writeValueAsString(c);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render the comparison as JSON: " + e.getMessage(), e);
    }
  }

  /** compare.md's text: the table, the runs, the reproducibility bundle. */
  public static String markdown(StrategyComparison c) {
    var sb = new StringBuilder();
    var rep = c.reproducibility();
    sb.append("# Strategy comparison: ").append(c.model()).append("\n\n");
    sb.append(String.format(Locale.ROOT, "%d episodes per search, seeds %s. Energy reduction vs the dense model at 8 bits "
            + "(%.4g pJ per image) of the best plan whose **test-set** top-1 loss is within the bound (dense test accuracy %.2f%%), "
            + "mean ± sample standard deviation over seeds; 0 = no re-measured plan within the bound. Candidates: the Pareto "
            + "plans of each search's search-subset archive, re-measured on the test set. Last column: the first episode whose "
            + "reward reached %.0f%% of the search's best reward.%n%n",
        c.episodes(), seedList(c.seeds()), rep.baselineEnergyPj(), rep.baselineTestAccuracy() * 100, c.rewardFraction() * 100));
    sb.append("| strategy | runs |");
    for (double b : c.boundsPoints()) sb.append(String.format(Locale.ROOT, " E reduction @ ≤ %s pt |", num(b)));
    sb.append(String.format(Locale.ROOT, " episodes to %.0f%% best reward |%n", c.rewardFraction() * 100));
    sb.append("|---|---:|").append("---:|".repeat(c.boundsPoints().size())).append("---:|\n");
    for (var r : c.rows()) {
      sb.append("| ").append(r.strategy()).append(" | ").append(r.runs()).append(" |");
      for (var s : r.reductionPercent()) sb.append(' ').append(stat(s, "%.1f", "%")).append(" |");
      sb.append(' ').append(stat(r.episodesToReach(), "%.0f", "")).append(" |\n");
    }
    sb.append("\n## Runs\n\n| search | strategy | seed | episodes | status | best reward | episodes to reach |");
    for (double b : c.boundsPoints()) sb.append(" @ ≤ ").append(num(b)).append(" pt |");
    sb.append(" tested plans | config sha256 |\n|---|---|---:|---:|---|---:|---:|").append("---:|".repeat(c.boundsPoints().size()))
        .append("---:|---|\n");
    for (var r : c.runs()) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %.3f | %d |", r.searchId(), r.strategy(), r.seed(),
          r.episodes(), r.status(), r.bestReward(), r.episodesToReach()));
      for (double x : r.reductionPercent()) sb.append(String.format(Locale.ROOT, " %.1f%% |", x));
      sb.append(String.format(Locale.ROOT, " %d | `%s` |%n", r.tested().size(), shortHash(r.configSha256())));
    }
    sb.append("\n## Reproducibility\n\n");
    sb.append("- command: `").append(rep.command()).append("`\n");
    sb.append("- code version: `").append(rep.codeVersion()).append("`\n");
    sb.append("- model: `").append(rep.modelPath()).append("`, sha256 `").append(rep.modelSha256()).append("`\n");
    sb.append("- data split fingerprint: `").append(rep.datasetFingerprint()).append("`\n");
    sb.append("- hardware: `").append(rep.hardware()).append("`\n");
    sb.append("- seeds: ").append(seedList(c.seeds())).append(" (uniform is deterministic: one run)\n");
    sb.append("- settings sha256 (journaled configuration without hwc.search.strategy, home, work-dir and data.dir; full text in compare.json): `")
        .append(rep.settingsSha256()).append("`\n");
    sb.append(String.format(Locale.ROOT, "- dense model: search-subset top-1 %.2f%%, test top-1 %.2f%%, %.4g pJ per image; "
        + "search-subset loss bound of the searches %s pt%n", rep.baselineSearchAccuracy() * 100, rep.baselineTestAccuracy() * 100,
        rep.baselineEnergyPj(), num(rep.searchLossBoundPoints())));
    return sb.toString();
  }

  static XYChart chart(StrategyComparison c) {
    XYChart ch = new XYChartBuilder().width(900).height(560).title(c.model() + ": energy reduction vs test-accuracy loss")
        .xAxisTitle("top-1 accuracy loss on the test set (points)").yAxisTitle("energy reduction vs dense 8-bit (%)").build();
    ch.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    ch.getStyler().setMarkerSize(6);
    ch.getStyler().setXAxisDecimalPattern("0.0#");
    ch.getStyler().setYAxisDecimalPattern("0.0");
    XYSeries dense = ch.addSeries("dense 8-bit", new double[] {0}, new double[] {0});
    dense.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    dense.setMarker(SeriesMarkers.CROSS);
    for (var row : c.rows()) {
      List<SearchReport.TestedPlan> front = StrategyComparison.pooledFront(
          c.runs().stream().filter(r -> r.strategy().equals(row.strategy())).toList());
      if (front.isEmpty()) continue;
      double[] x = new double[front.size()], y = new double[front.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = front.get(i).testAccuracyLossPoints();
        y[i] = front.get(i).energyReductionPercent();
      }
      XYSeries s = ch.addSeries(row.strategy(), x, y);
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    }
    return ch;
  }

  private static String stat(StrategyComparison.Stat s, String fmt, String unit) {
    if (s.n() == 0) return "—";
    String m = String.format(Locale.ROOT, fmt, s.mean()) + unit;
    return s.n() == 1 ? m : m + " ± " + String.format(Locale.ROOT, fmt, s.sd()) + unit;
  }

  private static String num(double x) {
    return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
  }

  private static String seedList(List<Long> seeds) {
    return seeds.isEmpty() ? "—" : seeds.size() == 1 ? seeds.get(0).toString() : seeds.get(0) + ".." + seeds.get(seeds.size() - 1);
  }

  private static String shortHash(String h) {
    return h == null ? "" : h.substring(0, Math.min(12, h.length()));
  }
}
