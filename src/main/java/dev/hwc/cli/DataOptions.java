package dev.hwc.cli;

import com.typesafe.config.Config;
import dev.hwc.data.DataSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The shared {@code --data DIR} option: overrides {@code hwc.data.dir}. */
public final class DataOptions {
  @Option(names = "--data", paramLabel = "DIR", description = "Fashion-MNIST directory (default: hwc.data.dir)")
  Path dir;

  public DataSettings settings(Config config) {
    DataSettings s = DataSettings.from(config);
    return dir == null ? s : s.withDir(dir);
  }
}
