package dev.hwc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import dev.hwc.data.DataSplits;
import dev.hwc.model.EvaluationSettings;
import dev.hwc.model.Evaluator;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hwc bench early-rejection}: what early rejection saves and whether it ever changes a verdict, on a grid of
 * uniform candidates from the compression engine (every bit-width × pruning fractions). Each candidate is evaluated on the whole search
 * subset and again with the rule; a verdict differs when a rejected candidate would have passed on the whole subset.
 */
@Command(name = "early-rejection", mixinStandardHelpOptions = true,
    description = "Evaluation time and images saved by early rejection on a grid of uniform candidates; checks no verdict changes.")
public final class BenchEarlyRejectionCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "M", description = "a model zip (trained: the verdicts need real accuracies) or a reference architecture name") String model;
  @Option(names = "--max-loss", description = "accuracy-loss bound in percentage points (default hwc.search.max-accuracy-loss)") Double maxLoss;
  @Option(names = "--prune", split = ",", defaultValue = "0,0.3,0.6", description = "pruning fractions of the grid (default 0,0.3,0.6)") double[] prunes;
  @Option(names = "--bits", split = ",", defaultValue = "2,3,4,5,6,7,8", description = "bit-widths of the grid (default 2..8)") int[] bits;
  @Option(names = "--batch", description = "images per forward pass and per look (default hwc.model.eval-batch-size)") Integer batch;
  @Mixin ConfigOption config;
  @Option(names = "--json", description = "print as JSON") boolean json;
  @Mixin DataOptions data;

  public record Candidate(int bits, double prune, double accuracy, boolean passes, boolean rejectedEarly, int imagesEvaluated,
                          double fullSeconds, double earlySeconds) {}

  public record Figures(String model, int images, int batchSize, double baselineAccuracy, double maxLossPoints, double confidence,
                        List<Candidate> candidates, double meanFullSeconds, double meanEarlySeconds, double timeSaved,
                        double imagesSaved, int verdictsChanged) {}

  @Override
  public Integer call() throws Exception {
    for (int b : bits) if (b < 2 || b > 8) throw new IllegalArgumentException("--bits must be in [2, 8], was " + b);
    for (double p : prunes) if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("--prune must be in [0, 1), was " + p);
    Config cfg = config.load();
    EvaluationSettings es = EvaluationSettings.from(cfg);
    String key = "hwc.search.max-accuracy-loss";
    if (maxLoss == null && !cfg.hasPath(key)) throw new IllegalArgumentException("--max-loss is needed: " + key + " is not configured");
    double loss = maxLoss != null ? maxLoss : cfg.getDouble(key);
    if (!(loss >= 0)) throw new IllegalArgumentException("--max-loss must be >= 0, was " + loss);
    int b = batch != null ? batch : es.batchSize();
    if (b < 1) throw new IllegalArgumentException("--batch must be >= 1, was " + b);
    Network net = BenchEvalCommand.load(model);
    DataSplits splits = DataSplits.load(data.settings(cfg), net.signature(model));
    Evaluator.Batches search = Evaluator.Batches.of(splits.search(), b);

    ExecutableNetwork exec = ExecutableNetwork.withActivationQuantization(net);
    exec.restoreDense();
    Evaluator.evaluate(exec, search); // warm-up
    double baseline = Evaluator.evaluate(exec, search).accuracy();
    Evaluator.EarlyRejection rule = new Evaluator.EarlyRejection(baseline, loss, es.confidence());
    List<Candidate> out = new ArrayList<>();
    double full = 0, early = 0, imagesEvaluated = 0;
    int changed = 0;
    for (int bit : bits)
      for (double p : prunes) {
        BenchEvalCommand.compressInPlace(exec, cfg, splits.calibration(), bit, p);
        Evaluator.Outcome f = Evaluator.evaluate(exec, search);
        Evaluator.Outcome e = Evaluator.evaluate(exec, search, rule);
        boolean passes = (baseline - f.accuracy()) * 100 <= loss;
        if (e.rejectedEarly() && passes) changed++;
        out.add(new Candidate(bit, p, f.accuracy(), passes, e.rejectedEarly(), e.images(), f.seconds(), e.seconds()));
        full += f.seconds();
        early += e.seconds();
        imagesEvaluated += e.images();
      }
    int n = out.size();
    Figures fig = new Figures(model, search.size(), b, baseline, loss, es.confidence(), out, full / n, early / n, 1 - early / full,
        1 - imagesEvaluated / ((double) n * search.size()), changed);
    PrintStream o = System.out;
    if (json) o.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(fig));
    else {
      o.printf(Locale.ROOT, "model %s: baseline %.4f on %d search images, bound %.2f points, confidence %.4f, batch %d%n",
          model, baseline, search.size(), loss, es.confidence(), b);
      o.println("bits prune  accuracy  passes  rejected  images  full s  early s");
      for (Candidate c : out)
        o.printf(Locale.ROOT, "%4d %5.2f  %8.4f  %-6s  %-8s  %6d  %6.3f  %7.3f%n", c.bits(), c.prune(), c.accuracy(), c.passes(), c.rejectedEarly(),
            c.imagesEvaluated(), c.fullSeconds(), c.earlySeconds());
      o.printf(Locale.ROOT, "mean evaluation %.3f s -> %.3f s (%.0f%% saved), images %.0f%% saved, verdicts changed: %d of %d%n",
          full / n, early / n, 100 * (1 - early / full), 100 * fig.imagesSaved(), changed, n);
    }
    return 0;
  }
}
