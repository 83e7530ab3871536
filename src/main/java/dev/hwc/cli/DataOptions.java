package dev.hwc.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.hwc.data.DataSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/** The shared {@code --data PATH} option: overrides {@code hwc.data.dir}. */
public final class DataOptions {
  @Option(names = "--data", paramLabel = "PATH", description = "The labelled images: an IDX, CIFAR-10 or CIFAR-100 "
      + "directory, a .npz, or an image folder with train/ and test/ (default: hwc.data.dir; docs/data.md)")
  Path dir;

  public DataSettings settings(Config config) {
    DataSettings s = DataSettings.from(config);
    return dir == null ? s : s.withDir(dir);
  }

  /** {@code config} with hwc.data.dir set to the option's absolute path, where given (a search journals it). */
  public Config over(Config config) {
    if (dir == null) return config;
    return ConfigFactory.parseMap(Map.of("hwc.data.dir", dir.toAbsolutePath().normalize().toString())).withFallback(config).resolve();
  }

  /** The option as it was given, for a child command line: {@code [--data, PATH]}, or empty. */
  public java.util.List<String> arguments() {
    return dir == null ? java.util.List.of() : java.util.List.of("--data", dir.toString());
  }
}
