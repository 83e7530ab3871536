package dev.hwc.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/** Writes a {@link SearchReport} as report.json, pareto.csv, pareto.png, policy.png and a self-contained report.html. */
public final class ReportWriter {
  static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private ReportWriter() {}

  public static void write(SearchReport r, Path outDir) {
    System.setProperty("java.awt.headless", "true");
    try {
      Files.createDirectories(outDir);
      JSON.writeValue(outDir.resolve("report.json").toFile(), r);
      Files.writeString(outDir.resolve("pareto.csv"), paretoCsv(r), StandardCharsets.UTF_8);
      BitmapEncoder.saveBitmap(paretoChart(r), outDir.resolve("pareto.png").toString(), BitmapEncoder.BitmapFormat.PNG);
      if (r.chosen() != null && !r.chosen().layers().isEmpty())
        BitmapEncoder.saveBitmap(policyChart(r.chosen()), outDir.resolve("policy.png").toString(), BitmapEncoder.BitmapFormat.PNG);
      Files.writeString(outDir.resolve("report.html"), html(r, outDir), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report to " + outDir + ": " + e.getMessage(), e);
    }
  }

  static String paretoCsv(SearchReport r) {
    var sb = new StringBuilder("episode,accuracy_loss_points,energy_reduction_percent,reward,plan_hash\n");
    for (var p : r.pareto())
      sb.append(String.format(Locale.ROOT, "%d,%.4f,%.4f,%.6f,%s%n", p.episode(), p.accuracyLossPoints(), p.energyReductionPercent(), p.reward(), p.planHash()));
    return sb.toString();
  }

  static XYChart paretoChart(SearchReport r) {
    XYChart c = new XYChartBuilder().width(800).height(500).title("Search " + r.searchId() + ": energy reduction vs accuracy loss")
        .xAxisTitle("top-1 accuracy loss on the search subset (points)").yAxisTitle("energy reduction vs dense 8-bit (%)").build();
    c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    c.getStyler().setMarkerSize(5);
    c.getStyler().setXAxisDecimalPattern("0.0#");
    c.getStyler().setYAxisDecimalPattern("0.0");
    addSeries(c, "episodes", r.allEpisodes());
    if (!r.pareto().isEmpty()) {
      XYSeries s = addSeries(c, "Pareto front", r.pareto());
      s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      s.setMarker(SeriesMarkers.DIAMOND);
    }
    if (r.chosen() != null) {
      XYSeries s = c.addSeries("chosen", new double[] {r.chosen().searchAccuracyLossPoints()}, new double[] {r.chosen().energyReductionPercent()});
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    return c;
  }

  private static XYSeries addSeries(XYChart c, String name, List<SearchReport.EpisodePoint> pts) {
    double[] x = new double[Math.max(1, pts.size())], y = new double[x.length];
    for (int i = 0; i < pts.size(); i++) {
      x[i] = pts.get(i).accuracyLossPoints();
      y[i] = pts.get(i).energyReductionPercent();
    }
    return c.addSeries(name, x, y);
  }

  static CategoryChart policyChart(SearchReport.Chosen chosen) {
    CategoryChart c = new CategoryChartBuilder().width(900).height(450).title("Chosen policy per layer")
        .xAxisTitle("layer (algorithm)").yAxisTitle("prune % / bits").build();
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    c.getStyler().setXAxisLabelRotation(45);
    List<String> names = new ArrayList<>();
    List<Double> ratio = new ArrayList<>(), wb = new ArrayList<>(), ab = new ArrayList<>();
    for (var l : chosen.layers()) {
      names.add(l.layer() + " (" + l.algorithm() + ")");
      ratio.add(100 * l.pruneRatio() / 10.0);
      wb.add((double) l.weightBits());
      ab.add((double) l.activationBits());
    }
    c.addSeries("prune ratio (% / 10)", names, ratio);
    c.addSeries("weight bits", names, wb);
    c.addSeries("activation bits", names, ab);
    return c;
  }

  static String html(SearchReport r, Path dir) throws IOException {
    var sb = new StringBuilder();
    sb.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>hwc search ").append(esc(r.searchId())).append("</title>")
        .append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}table{border-collapse:collapse}"
            + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}td:first-child{text-align:left}</style>")
        .append("</head><body><h1>hwc search <code>").append(esc(r.searchId())).append("</code></h1>");
    sb.append("<p>Model <code>").append(esc(r.model())).append("</code>, ").append(r.episodes()).append(" episodes. Baseline (dense, 8-bit): ")
        .append(pct(r.baselineSearchAccuracy())).append(" search-subset accuracy, ").append(pct(r.baselineTestAccuracy()))
        .append(" test accuracy, ").append(String.format(Locale.ROOT, "%.4g", r.baselineEnergyPj())).append(" pJ per image. Accuracy-loss bound: ")
        .append(String.format(Locale.ROOT, "%.2f", r.maxAccuracyLossPoints())).append(" points.</p>");
    var c = r.chosen();
    if (c != null) {
      sb.append("<h2>Chosen plan</h2><p>Episode ").append(c.episode()).append(", plan <code>").append(esc(c.planHash())).append("</code>: ")
          .append(String.format(Locale.ROOT, "<b>%.1f%% energy reduction</b> at %.2f ± %.2f points test-accuracy loss (test accuracy %s;"
                  + " %.2f ± %.2f points on the search subset; ± one paired standard error).",
              c.energyReductionPercent(), c.testAccuracyLossPoints(), c.testLossStandardErrorPoints(), pct(c.testAccuracy()),
              c.searchAccuracyLossPoints(), c.searchLossStandardErrorPoints()))
          .append(" Plan: <code>").append(esc(c.planFile())).append("</code>; thinned model: <code>").append(esc(c.modelFile())).append("</code>.</p>");
      sb.append("<table><tr><th>layer</th><th>algorithm</th><th>prune ratio</th><th>achieved sparsity</th><th>w bits</th><th>a bits</th>"
          + "<th>input density</th><th>energy (pJ)</th></tr>");
      for (var l : c.layers())
        sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%.3f</td><td>%.3f</td><td>%d</td><td>%d</td><td>%s</td><td>%.4g</td></tr>",
            esc(l.layer()), esc(l.algorithm()), l.pruneRatio(), l.achievedSparsity(), l.weightBits(), l.activationBits(),
            l.inputDensity() == null ? "not measured" : String.format(Locale.ROOT, "%.3f", l.inputDensity()), l.energyPj()));
      sb.append("</table>");
      img(sb, dir.resolve("policy.png"), "policy");
    } else {
      sb.append("<p><b>No plan met the accuracy-loss bound.</b></p>");
    }
    sb.append("<h2>Pareto front</h2>");
    img(sb, dir.resolve("pareto.png"), "pareto");
    sb.append("<table><tr><th>plan</th><th>test accuracy</th><th>test loss (pt)</th><th>± (pt)</th><th>energy reduction</th><th>energy (pJ)</th></tr>");
    for (var t : r.testedPareto())
      sb.append(String.format(Locale.ROOT, "<tr><td><code>%s</code></td><td>%s</td><td>%.2f</td><td>%.2f</td><td>%.1f%%</td><td>%.4g</td></tr>",
          esc(t.planHash()), pct(t.testAccuracy()), t.testAccuracyLossPoints(), t.testLossStandardErrorPoints(), t.energyReductionPercent(), t.energyPj()));
    sb.append("</table><h2>Provenance</h2><table>");
    r.provenance().forEach((k, v) -> sb.append("<tr><td>").append(esc(k)).append("</td><td style=\"text-align:left\"><code>").append(esc(v)).append("</code></td></tr>"));
    sb.append("</table></body></html>\n");
    return sb.toString();
  }

  private static void img(StringBuilder sb, Path png, String alt) throws IOException {
    if (!Files.exists(png)) return;
    sb.append("<p><img alt=\"").append(alt).append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(Files.readAllBytes(png))).append("\"></p>");
  }

  private static String pct(double fraction) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
  }

  static String esc(String s) {
    if (s == null) return "";
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
