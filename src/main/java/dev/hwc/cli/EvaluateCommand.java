package dev.hwc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import dev.hwc.data.DataSplits;
import dev.hwc.data.Dataset;
import dev.hwc.model.Evaluator;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.ModelIO;
import dev.hwc.model.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hwc evaluate}: top-1 accuracy and inference speed of a model zip on the test set or the search subset. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Top-1 accuracy and images/s of a model on the test set or the search subset.")
public final class EvaluateCommand implements Callable<Integer> {
  public enum Split { test, search }

  @Option(names = "--model", required = true, description = "model zip") Path model;
  @Option(names = "--split", defaultValue = "test", description = "test (the images reported as test figures) or search (the search subset); which images they are follows hwc.data.search-split; default test") Split split;
  @Option(names = "--limit", description = "evaluate only the first N images") Integer limit;
  @Option(names = "--batch", description = "images per forward pass (default hwc.model.eval-batch-size)") Integer batch;
  @Mixin ConfigOption config;
  @Option(names = "--json", description = "print as JSON") boolean json;
  @Mixin DataOptions data;

  public record Evaluation(String model, String split, int images, String imagesFrom, int correct, double accuracy, double imagesPerSecond, int batchSize) {}

  @Override
  public Integer call() throws Exception {
    Config cfg = config.load();
    Network net = ModelIO.load(model);
    if (limit != null && limit < 1) throw new IllegalArgumentException("--limit must be >= 1, was " + limit);
    int b = batch != null ? batch : cfg.getInt("hwc.model.eval-batch-size");
    if (b < 1) throw new IllegalArgumentException("--batch must be >= 1, was " + b);
    DataSplits splits = DataSplits.load(data.settings(cfg), net.signature(model.getFileName().toString()));
    Dataset d = split == Split.test ? splits.test() : splits.search();
    if (limit != null) d = d.limit(Math.min(limit, d.size()));
    Evaluator.Result r = Evaluator.evaluate(ExecutableNetwork.of(net), d, b);
    String from = splits.provenance().get(split.name()) + (limit != null && r.images() < (split == Split.test ? splits.test() : splits.search()).size()
        ? ", the first " + r.images() : "");
    Evaluation e = new Evaluation(model.toString(), split.name(), r.images(), from, r.correct(), r.accuracy(), r.imagesPerSecond(), b);
    if (json) System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(e));
    else System.out.printf("%s on %s (%d images: %s): top-1 accuracy %.4f, %.0f img/s (batch %d)%n",
        model, split, r.images(), from, r.accuracy(), r.imagesPerSecond(), b);
    return 0;
  }
}
