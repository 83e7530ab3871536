package dev.hwc.search;

import com.typesafe.config.Config;

import java.nio.file.Path;

/**
 * Builds the plain pieces of a search process: loads the model and data, makes the compression and energy backends,
 * and fresh agents seeded with {@code seed}. The CLI's seam: production wiring in {@link RealParts}, doubles in tests.
 */
public interface PartsFactory {
  /**
   * @param root     the resolved configuration the search runs with
   * @param model    the model file
   * @param seed     the agents' seed
   * @param hardware the accelerator file, or null for the configured default
   */
  SearchRuntime.Parts create(Config root, Path model, long seed, Path hardware);
}
