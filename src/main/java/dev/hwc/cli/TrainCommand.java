package dev.hwc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import dev.hwc.data.DataSettings;
import dev.hwc.data.DataSplits;
import dev.hwc.data.SearchSplit;
import dev.hwc.model.Evaluator;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.ModelIO;
import dev.hwc.model.Network;
import dev.hwc.model.ReferenceArchitectures;
import dev.hwc.model.TrainSettings;
import dev.hwc.model.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code hwc train}: trains a reference architecture on the training split and saves it with its test accuracy. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a reference architecture (lenet5, vgg-small, resnet-small, mobilenet-small) and save it as a model zip.")
public final class TrainCommand implements Callable<Integer> {
  @Option(names = "--arch", required = true, description = "architecture: ${COMPLETION-CANDIDATES}", completionCandidates = Archs.class)
  String arch;
  @Option(names = "--epochs", required = true, description = "training epochs") int epochs;
  @Option(names = "--seed", defaultValue = "1", description = "seed of initialisation and shuffling (default 1)") long seed;
  @Option(names = "--out", required = true, description = "output model zip, e.g. models/lenet5.zip") Path out;
  @Mixin ConfigOption config;
  @Option(names = "--json", description = "print the result as JSON") boolean json;
  @Mixin DataOptions data;

  static final class Archs extends java.util.ArrayList<String> {
    Archs() { super(ReferenceArchitectures.NAMES); }
  }

  @Override
  public Integer call() throws Exception {
    Config cfg = config.load();
    Network initial = ReferenceArchitectures.create(arch, seed); // fails on an unknown name before data loads
    TrainSettings settings = TrainSettings.from(cfg, epochs, seed);
    // hwc trains on the training split less the search holdout, so that a search on this data can steer by the holdout
    DataSettings ds = data.settings(cfg).withSearchSplit(SearchSplit.HOLDOUT);
    DataSplits splits = DataSplits.load(ds, initial.signature(arch));
    Trainer trainer = new Trainer(settings, r -> System.err.println(arch + " " + r));
    // SameDiff prints "Added differentiated op" lines on stdout when it builds gradients; keep stdout for results
    java.io.PrintStream stdout = System.out;
    System.setOut(System.err);
    Network trained;
    try {
      trained = trainer.train(initial, splits.train());
    } finally {
      System.setOut(stdout);
    }
    Evaluator.Result test = Evaluator.evaluate(ExecutableNetwork.of(trained), splits.test(), cfg.getInt("hwc.model.eval-batch-size"));
    Network done = trainer.finish(trained, test.accuracy(), splits.fingerprint(),
        String.format("%,d training images of %s outside the search holdout", splits.train().size(), splits.files().describe()),
        ds.searchSize(), ds.splitSeed());
    ModelIO.save(done, HwcConfig.resolve(out.toString()));
    if (json) {
      ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      System.out.println(m.writeValueAsString(new Trained(out.toString(), done.metadata(), test.imagesPerSecond())));
    } else {
      var md = done.metadata();
      System.out.printf("%s: test accuracy %.4f, %,d params, %,d MACs, %d epochs in %.1f s, eval %.0f img/s -> %s%n",
          arch, md.testAccuracy(), md.params(), md.macs(), md.epochs(), md.trainingSeconds(), test.imagesPerSecond(), out);
    }
    return 0;
  }

  record Trained(String model, dev.hwc.model.ModelMetadata metadata, double evalImagesPerSecond) {}
}
