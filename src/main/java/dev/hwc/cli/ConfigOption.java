package dev.hwc.cli;

import com.typesafe.config.Config;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** The shared {@code --config FILE} option: a configuration file layered over conf/application.conf. */
public final class ConfigOption {
  @Option(names = "--config", paramLabel = "FILE", description = "A configuration file layered over conf/application.conf.")
  Path file;

  /** conf/application.conf, the file over it (when given), system properties on top. */
  public Config load() {
    return HwcConfig.load(file);
  }

  /** The option as it was given, for a child command line: {@code [--config, FILE]}, or empty. */
  public List<String> arguments() {
    return file == null ? List.of() : List.of("--config", file.toString());
  }
}
