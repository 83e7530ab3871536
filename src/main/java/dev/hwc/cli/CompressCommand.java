package dev.hwc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import dev.hwc.compress.ActivationQuant;
import dev.hwc.compress.CompressedModel;
import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.CompressionSettings;
import dev.hwc.compress.Compressor;
import dev.hwc.compress.LayerDecision;
import dev.hwc.compress.LayerStats;
import dev.hwc.compress.PlanInstaller;
import dev.hwc.data.DataSplits;
import dev.hwc.energy.Accelerator;
import dev.hwc.energy.EnergySettings;
import dev.hwc.energy.ModelEnergy;
import dev.hwc.energy.RowStationaryModel;
import dev.hwc.model.Evaluator;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.ModelGraph;
import dev.hwc.model.ModelIO;
import dev.hwc.model.Network;
import dev.hwc.model.PairedAccuracy;
import dev.hwc.search.AcceleratorEnergy;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hwc compress}: applies one plan (from a file, or the same decision for every layer) to a model without
 * retraining, writes the thinned model, the plan and the per-layer stats, and prints test accuracy, params, MACs and
 * accelerator energy before and after (energy priced as the search prices an episode: each thinned layer at its bits
 * and weight density, against the dense model at the baseline bits).
 */
@Command(name = "compress", mixinStandardHelpOptions = true,
    description = "Prune and quantize a model with one plan (no retraining); write the thinned model, plan and stats.")
public final class CompressCommand implements Callable<Integer> {

  static final class PlanSource {
    @Option(names = "--plan", paramLabel = "FILE", description = "plan JSON (a CompressionPlan)") Path plan;
    @Option(names = "--uniform", paramLabel = "R:ALGORITHM:WBITS:ABITS",
        description = "the same decision for every layer, e.g. 0.3:FilterL1:8:8 or 0:none:6:6") String uniform;
  }

  @Option(names = "--model", required = true, description = "model zip") Path model;
  @ArgGroup(exclusive = true, multiplicity = "1") PlanSource source;
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory (created)") Path out;
  @Mixin ConfigOption config;
  @Option(names = "--hardware", paramLabel = "FILE", description = "hardware file for the energy figures (default hwc.energy.hardware)") Path hardware;
  @Option(names = "--json", description = "print the summary as JSON") boolean json;
  @Option(names = "--bench", paramLabel = "N", description = "also time N rounds of the search's fast path (apply the plan in place, "
      + "evaluate on the search subset) and print the median") Integer bench;
  @Mixin DataOptions data;

  /**
   * What stats.json holds ({@code fastPathMedianSeconds} only with --bench); {@code testLossPoints} and its paired
   * standard error ({@link PairedAccuracy}) compare the compressed model with the dense one image by image.
   */
  public record Summary(String model, String planHash, Figures before, Figures after, double thinnedAccuracy,
                        double testLossPoints, double testLossStandardErrorPoints, Energy energy, List<LayerStats> layers,
                        List<ActivationQuant> activationQuant, Double fastPathMedianSeconds) {}

  /**
   * Inference energy on the accelerator (pJ): the dense model at {@code baselineBits}, the compressed one, and
   * {@code reduction} = 1 − compressedPj / baselinePj; {@code layerPj} in the order of {@code layers}.
   */
  public record Energy(String hardware, int baselineBits, double baselinePj, double compressedPj, double reduction, List<Double> layerPj) {}

  public record Figures(double testAccuracy, long params, long macs, long nonZeroWeights, long nonZeroMacs) {}

  @Override
  public Integer call() throws Exception {
    Config cfg = config.load();
    CompressionSettings settings = CompressionSettings.from(cfg);
    int batch = cfg.getInt("hwc.model.eval-batch-size");
    ModelEnergy energyModel = energyModel(cfg);
    Network net = ModelIO.load(model);
    ModelGraph graph = ModelGraph.of(net);
    CompressionPlan plan = source.plan != null ? readPlan(source.plan) : uniform(source.uniform, graph);
    Compressor.validate(graph, settings, plan);
    DataSplits splits = DataSplits.load(data.settings(cfg), net.signature(model.getFileName().toString()));

    PlanInstaller installer = PlanInstaller.of(net, splits.calibration(), settings, batch);
    ExecutableNetwork exec = installer.exec();
    int[] dense = Evaluator.predictions(exec, splits.test(), batch);
    CompressedModel m = installer.install(plan);
    PairedAccuracy test = PairedAccuracy.of(splits.test().labels(), dense, Evaluator.predictions(exec, splits.test(), batch));
    double before = test.baselineAccuracy(), after = test.accuracy();
    Network thinned = m.thinned(net);
    ExecutableNetwork thinExec = ExecutableNetwork.withActivationQuantization(thinned);
    for (ActivationQuant a : m.activationQuant()) thinExec.setActivationQuant(a.layer(), a.scale(), a.lo(), a.hi());
    double thinAcc = Evaluator.evaluate(thinExec, splits.test(), batch).accuracy();

    Energy energy = energy(energyModel, graph, m.stats(), installer.session());

    Double benchMedian = null;
    if (bench != null) {
      if (bench < 1) throw new IllegalArgumentException("--bench must be >= 1, was " + bench);
      double[] sec = new double[bench], applySec = new double[bench];
      for (int i = 0; i < bench; i++) {
        long t0 = System.nanoTime();
        installer.install(plan);
        long t1 = System.nanoTime();
        Evaluator.evaluate(exec, splits.search(), batch);
        sec[i] = (System.nanoTime() - t0) / 1e9;
        applySec[i] = (t1 - t0) / 1e9;
        if (i % 10 == 9) System.gc();
      }
      String all = java.util.Arrays.toString(sec);
      java.util.Arrays.sort(sec);
      java.util.Arrays.sort(applySec);
      benchMedian = sec[bench / 2];
      System.err.printf("fast path (apply plan in place + evaluate %d search images): median %.3f s of %d (apply alone %.3f s), all %s%n",
          splits.search().size(), benchMedian, bench, applySec[bench / 2], all);
    }
    long baseWeights = graph.layers().stream().mapToLong(l -> l.shape().weights()).sum();
    Summary s = new Summary(model.toString(), plan.hash(),
        new Figures(before, net.totalParams(), graph.totalMacs(), baseWeights, graph.totalMacs()),
        new Figures(after, thinned.totalParams(), m.macs(), m.nonZeroWeights(), m.nonZeroMacs()), thinAcc,
        test.lossPoints(), test.standardErrorPoints(), energy,
        m.stats(), m.activationQuant(), benchMedian);
    ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    try {
      Files.createDirectories(out);
      ModelIO.save(thinned, out.resolve("model.zip"));
      Files.writeString(out.resolve("plan.json"), plan.toCanonicalJson() + "\n");
      Files.writeString(out.resolve("stats.json"), om.writeValueAsString(s) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + out + ": " + e.getMessage(), e);
    }
    if (json) {
      System.out.println(om.writeValueAsString(s));
    } else {
      System.out.printf("%-24s %12s %12s%n", "", "before", "after");
      System.out.printf("%-24s %12.4f %12.4f   (thinned model: %.4f)%n", "test accuracy", before, after, thinAcc);
      System.out.printf("%-24s %25.2f   (± %.2f, paired standard error)%n", "test loss (points)", test.lossPoints(), test.standardErrorPoints());
      System.out.printf("%-24s %,12d %,12d%n", "params", net.totalParams(), thinned.totalParams());
      System.out.printf("%-24s %,12d %,12d%n", "non-zero weights", baseWeights, m.nonZeroWeights());
      System.out.printf("%-24s %,12d %,12d%n", "MACs", graph.totalMacs(), m.macs());
      System.out.printf("%-24s %,12d %,12d%n", "non-zero MACs", graph.totalMacs(), m.nonZeroMacs());
      System.out.printf("%-24s %12.4g %12.4g   (%s; %.1f%% less than dense %d-bit)%n", "energy (pJ)", energy.baselinePj(),
          energy.compressedPj(), energy.hardware(), 100 * energy.reduction(), energy.baselineBits());
      for (int i = 0; i < m.stats().size(); i++) {
        LayerStats l = m.stats().get(i);
        System.out.printf("  %-16s %-26s w%d a%d  sparsity %.3f  channels %d->%d / %d->%d  input density %.3f  %.4g pJ%n", l.layer(),
            l.appliedAlgorithm(), l.weightBits(), l.activationBits(), l.sparsity(), l.inChannels(), l.outChannels(), l.keptInChannels(),
            l.keptOutChannels(), l.inputDensity(), energy.layerPj().get(i));
      }
      System.out.println("wrote " + out.resolve("model.zip") + ", plan.json, stats.json");
    }
    return 0;
  }

  /** The accelerator model, loaded before any compression work so that a bad hardware file fails first. */
  private ModelEnergy energyModel(Config cfg) {
    EnergySettings es = EnergySettings.fromConfig(cfg.getConfig("hwc.energy"));
    Path hwFile = hardware != null ? hardware : HwcConfig.resolve(es.hardware());
    return new ModelEnergy(new RowStationaryModel(Accelerator.load(hwFile), es.densityStep()), es.baselineBits());
  }

  /**
   * Each thinned layer at its bits, non-zero weight density and measured input-activation density, as the search
   * prices an episode, against the dense model with its activations as {@code dense}'s baseline-bit quantizers see them.
   */
  private static Energy energy(ModelEnergy energy, ModelGraph graph, List<LayerStats> layers, Compressor.Session dense) {
    List<ModelEnergy.LayerWork> work = layers.stream().map(l -> new ModelEnergy.LayerWork(l.shape(),
        AcceleratorEnergy.load(l.weightBits(), l.activationBits(), l.shape().weightDensity(l.nonZeroWeights()), l.inputDensity()))).toList();
    List<Double> denseDensities = graph.layers().stream().map(l -> dense.inputDensity(l.name(), energy.baselineBits())).toList();
    ModelEnergy.Estimate est = energy.estimate(work, graph.layers().stream().map(ModelGraph.Layer::shape).toList(), denseDensities);
    return new Energy(est.hardware(), energy.baselineBits(), est.baseline().totalPj(), est.total().totalPj(), est.reduction(),
        est.layers().stream().map(b -> b.totalPj()).toList());
  }

  static CompressionPlan readPlan(Path file) {
    try {
      return CompressionPlan.fromJson(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read plan " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("plan " + file + ": " + e.getMessage(), e);
    }
  }

  /** "R:ALGORITHM:WBITS:ABITS" for every layer of the graph. */
  static CompressionPlan uniform(String spec, ModelGraph graph) {
    String[] p = spec.split(":");
    if (p.length != 4) throw new IllegalArgumentException("--uniform must be RATIO:ALGORITHM:WBITS:ABITS, was '" + spec + "'");
    LayerDecision d;
    try {
      d = new LayerDecision(Double.parseDouble(p[0]), p[1], Integer.parseInt(p[2]), Integer.parseInt(p[3]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--uniform must be RATIO:ALGORITHM:WBITS:ABITS with numbers, was '" + spec + "'");
    }
    List<CompressionPlan.LayerPlan> l = new ArrayList<>();
    for (ModelGraph.Layer layer : graph.layers()) l.add(new CompressionPlan.LayerPlan(layer.name(), d));
    return new CompressionPlan(l);
  }
}
