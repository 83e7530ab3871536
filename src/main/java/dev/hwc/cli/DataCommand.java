package dev.hwc.cli;

import com.typesafe.config.Config;
import dev.hwc.data.DataSettings;
import dev.hwc.data.DatasetFiles;
import dev.hwc.data.DatasetWriter;
import dev.hwc.data.RgbFashion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hwc data}: datasets on disk. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Datasets on disk: derive the RGB reference set.",
    subcommands = {DataCommand.MakeRgb.class})
public final class DataCommand {

  /** {@code hwc data make-rgb}: the RGB 32×32 set derived from Fashion-MNIST ({@link RgbFashion}), in a format of choice. */
  @Command(name = "make-rgb", mixinStandardHelpOptions = true,
      description = "Derive the seeded RGB 32×32 Fashion-MNIST set (docs/data.md) and write it as CIFAR-10 binary, .npz or an image folder.")
  static final class MakeRgb implements Callable<Integer> {
    enum Format { cifar10, npz, folder }

    @Option(names = "--out", required = true, paramLabel = "PATH", description = "output directory (cifar10, folder) or .npz file; must not exist")
    Path out;
    @Option(names = "--format", defaultValue = "cifar10", description = "cifar10 (default), npz or folder") Format format;
    @Option(names = "--seed", description = "seed of the colours and offsets (default " + RgbFashion.DEFAULT_SEED + ")")
    long seed = RgbFashion.DEFAULT_SEED;
    @Mixin ConfigOption config;
    @Mixin DataOptions data;

    @Override
    public Integer call() throws Exception {
      Config cfg = config.load();
      DataSettings source = data.settings(cfg);
      if (Files.exists(out)) throw new IllegalArgumentException(out + " already exists: give a new path to --out");
      if (format == Format.npz && !out.getFileName().toString().endsWith(".npz"))
        throw new IllegalArgumentException("--format npz writes a file: --out must end in .npz, was " + out);
      long t0 = System.nanoTime();
      DatasetWriter.Split[] s = RgbFashion.fromIdx(source.dir(), seed);
      switch (format) {
        case cifar10 -> DatasetWriter.cifar10(out, s[0], s[1]);
        case npz -> DatasetWriter.npz(out, List.of(s));
        case folder -> DatasetWriter.imageFolder(out, List.of(s), RgbFashion.CLASS_FOLDERS);
      }
      DatasetFiles written = DatasetFiles.open(out, "fine");
      System.out.printf("%s: %,d training and %,d test images of %s, %d classes (seed %d) in %.1f s; fingerprint %s%n",
          written.describe(), written.train().size(), written.test().size(), RgbFashion.SHAPE, written.numClasses(), seed,
          (System.nanoTime() - t0) / 1e9, written.fingerprint().substring(0, 12));
      return 0;
    }
  }
}
