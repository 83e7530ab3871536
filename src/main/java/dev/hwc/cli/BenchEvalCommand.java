package dev.hwc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import dev.hwc.compress.Calibration;
import dev.hwc.compress.CompressedModel;
import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.CompressionSettings;
import dev.hwc.compress.Compressor;
import dev.hwc.compress.LayerDecision;
import dev.hwc.compress.Pruners;
import dev.hwc.data.DataSplits;
import dev.hwc.data.Dataset;
import dev.hwc.model.EvalBench;
import dev.hwc.model.Evaluator;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.LayerShape;
import dev.hwc.model.ModelGraph;
import dev.hwc.model.ModelIO;
import dev.hwc.model.Network;
import dev.hwc.model.ReferenceArchitectures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hwc bench eval}: how close the search's evaluation path runs to the machine. Times (a) the dense model,
 * (b) a compressed candidate through the evaluation path ({@link Compressor} plan applied in place,
 * activation quantize-dequantize hooks on at every prunable layer) and (c) ND4J's single-precision GEMM, all in one
 * JVM, interleaved round by round ({@link EvalBench#compare}), medians of {@code --runs} rounds after {@code --warmup}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "img/s and GFLOP/s of dense and compressed evaluation on the search subset against ND4J's GEMM rate.")
public final class BenchEvalCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "M",
      description = "a model zip, or a reference architecture name (lenet5, vgg-small, resnet-small, mobilenet-small), freshly initialised: speed does not depend on the weights")
  String model;
  @Option(names = "--runs", defaultValue = "5", description = "timed runs, the median is reported (default 5)") int runs;
  @Option(names = "--warmup", defaultValue = "2", description = "untimed runs first (default 2)") int warmup;
  @Option(names = "--batch", description = "images per forward pass (default hwc.model.eval-batch-size)") Integer batch;
  @Option(names = "--images", description = "use only the first N images of the search subset") Integer images;
  @Option(names = "--bits", defaultValue = "6", description = "candidate: uniform weight and activation bits (default 6)") int bits;
  @Option(names = "--prune", defaultValue = "0.3", description = "candidate: magnitude-pruned fraction of each layer's weights (default 0.3)") double prune;
  @Option(names = "--gemm", defaultValue = "1024", description = "GEMM size n of the n×n·n×n reference product (default 1024)") int gemmSize;
  @Mixin ConfigOption config;
  @Option(names = "--json", description = "print as JSON") boolean json;
  @Mixin DataOptions data;

  /** Ratios from wall time, and from process CPU time (the steadier on a shared machine). */
  public record Figures(String model, int images, int batchSize, long macsPerImage, String ompThreads, String loadBefore, String loadAfter,
                        EvalBench.Rate dense, EvalBench.Rate candidate, EvalBench.Rate gemm, double denseOverGemm,
                        double candidateOverDense, double cpuDenseOverGemm, double cpuCandidateOverDense,
                        double denseAccuracy, double candidateAccuracy, int candidateBits, double candidatePrune) {}

  @Override
  public Integer call() throws Exception {
    if (runs < 1) throw new IllegalArgumentException("--runs must be >= 1, was " + runs);
    if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0, was " + warmup);
    if (bits < 2 || bits > 8) throw new IllegalArgumentException("--bits must be in [2, 8], was " + bits);
    if (!(prune >= 0 && prune < 1)) throw new IllegalArgumentException("--prune must be in [0, 1), was " + prune);
    if (gemmSize < 1) throw new IllegalArgumentException("--gemm must be >= 1, was " + gemmSize);
    if (images != null && images < 1) throw new IllegalArgumentException("--images must be >= 1, was " + images);
    Config cfg = config.load();
    int b = batch != null ? batch : cfg.getInt("hwc.model.eval-batch-size");
    if (b < 1) throw new IllegalArgumentException("--batch must be >= 1, was " + b);
    Network net = load(model);
    DataSplits splits = DataSplits.load(data.settings(cfg), net.signature(model));
    Dataset search = images == null ? splits.search() : splits.search().limit(images);
    String loadBefore = loadAverage();

    Evaluator.Batches batches = Evaluator.Batches.of(search, b);
    ExecutableNetwork dense = ExecutableNetwork.of(net);
    ExecutableNetwork cand = ExecutableNetwork.withActivationQuantization(net);
    compressInPlace(cand, cfg, splits.calibration(), bits, prune);
    EvalBench.Comparison r = EvalBench.compare(dense, cand, batches, gemmSize, warmup, runs);
    Figures f = new Figures(model, search.size(), b, net.totalMacs(), System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
        loadBefore, loadAverage(), r.dense(), r.candidate(), r.gemm(), r.denseOverGemm(), r.candidateOverDense(),
        r.cpuDenseOverGemm(), r.cpuCandidateOverDense(), Evaluator.evaluate(dense, batches).accuracy(),
        Evaluator.evaluate(cand, batches).accuracy(), bits, prune);
    PrintStream out = System.out;
    if (json) out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(f));
    else print(out, f);
    return 0;
  }

  static Network load(String model) {
    Path file = HwcConfig.resolve(model);
    if (Files.isRegularFile(file)) return ModelIO.load(file);
    if (ReferenceArchitectures.NAMES.contains(model)) return ReferenceArchitectures.create(model, 0);
    throw new IllegalArgumentException("--model " + model + ": neither a model file nor a reference architecture (known: "
        + String.join(", ", ReferenceArchitectures.NAMES) + ")");
  }

  /**
   * The candidate, written into the live weights by the compression engine: every prunable layer magnitude-pruned by
   * {@code prune} with {@code bits}-bit weights and inputs (first and last layer pinned as configured), then
   * {@link CompressedModel#applyTo} — the search's own fast path. Its cost through the evaluation path is that of any
   * plan, which only changes values.
   */
  static void compressInPlace(ExecutableNetwork exec, Config cfg, Dataset calibration, int bits, double prune) {
    // base reconstruction inputs: this measures the evaluation path, whatever the compressor fits to
    CompressionSettings cs = CompressionSettings.from(cfg).withReconstructionInputs("base");
    exec.restoreDense();
    Network net = exec.network();
    Compressor compressor = new Compressor(ModelGraph.of(net), net.params(),
        Calibration.collect(exec, calibration, cs.calibrationImages(), 128), cs);
    List<CompressionPlan.LayerPlan> plan = new ArrayList<>();
    for (LayerShape s : net.layerShapes())
      plan.add(new CompressionPlan.LayerPlan(s.name(), new LayerDecision(prune, prune > 0 ? "Magnitude" : Pruners.NONE, bits, bits)));
    compressor.apply(new CompressionPlan(plan)).applyTo(exec);
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static void print(PrintStream out, Figures f) {
    out.printf(Locale.ROOT, "model %s: %d search images, batch %d, %,d MACs/image, OMP_NUM_THREADS=%s, load %s -> %s%n",
        f.model(), f.images(), f.batchSize(), f.macsPerImage(), f.ompThreads(), f.loadBefore(), f.loadAfter());
    out.printf(Locale.ROOT, "                                 wall: img/s  GFLOP/s   cpu: img/s  GFLOP/s%n");
    out.printf(Locale.ROOT, "(a) dense                         %9.0f %8.2f  %11.0f %8.2f  accuracy %.4f  runs %s%n", f.dense().imagesPerSecond(), f.dense().gflops(),
        f.dense().cpuImagesPerSecond(), f.dense().cpuGflops(), f.denseAccuracy(), secs(f.dense()));
    out.printf(Locale.ROOT, "(b) candidate %d-bit, %2.0f%% pruned     %9.0f %8.2f  %11.0f %8.2f  accuracy %.4f  runs %s%n", f.candidateBits(), 100 * f.candidatePrune(),
        f.candidate().imagesPerSecond(), f.candidate().gflops(), f.candidate().cpuImagesPerSecond(), f.candidate().cpuGflops(), f.candidateAccuracy(), secs(f.candidate()));
    out.printf(Locale.ROOT, "(c) GEMM                                   %8.2f              %8.2f  runs %s%n", f.gemm().gflops(), f.gemm().cpuGflops(), secs(f.gemm()));
    out.printf(Locale.ROOT, "wall: (a)/(c) = %.3f  (b)/(a) = %.3f    cpu: (a)/(c) = %.3f  (b)/(a) = %.3f%n", f.denseOverGemm(), f.candidateOverDense(),
        f.cpuDenseOverGemm(), f.cpuCandidateOverDense());
  }

  private static String secs(EvalBench.Rate r) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < r.runSeconds().length; i++) sb.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", r.runSeconds()[i]));
    return sb.append("] s").toString();
  }
}
