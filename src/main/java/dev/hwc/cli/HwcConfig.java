package dev.hwc.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds and loads the configuration: {@code conf/application.conf} under {@code hwc.home} (set by bin/hwc),
 * optionally layered under a user file, with system properties on top and the classpath defaults below.
 */
public final class HwcConfig {
  private HwcConfig() {}

  /** The installation directory: -Dhwc.home, else the working directory. */
  public static Path home() {
    return dev.hwc.search.InstallDir.home();
  }

  public static Path confDir() {
    return home().resolve("conf");
  }

  /** Loads conf/application.conf (and an optional override file); fails with a message naming the file. */
  public static Config load(Path overrideFile) {
    Path main = confDir().resolve("application.conf");
    if (!Files.isRegularFile(main)) {
      throw new IllegalArgumentException("configuration not found: " + main + " (run from the hwc checkout, or set -Dhwc.home)");
    }
    try {
      ConfigParseOptions strict = ConfigParseOptions.defaults().setAllowMissing(false);
      Config cfg = ConfigFactory.parseFile(main.toFile(), strict);
      if (overrideFile != null) {
        if (!Files.isRegularFile(overrideFile)) throw new IllegalArgumentException("config file not found: " + overrideFile);
        cfg = ConfigFactory.parseFile(overrideFile.toFile(), strict).withFallback(cfg);
      }
      // The live system properties, not ConfigFactory.systemProperties(): that one is cached for the JVM's life, so a
      // property set later (tests, embedded use) would silently be ignored.
      Config props = ConfigFactory.parseProperties(System.getProperties(), ConfigParseOptions.defaults().setOriginDescription("system properties"));
      return props.withFallback(cfg).withFallback(ConfigFactory.defaultReference()).resolve();
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }

  /** Resolves a possibly relative path against hwc.home. */
  public static Path resolve(String path) {
    return dev.hwc.search.InstallDir.resolve(path);
  }
}
