package dev.hwc.search;

import com.typesafe.config.Config;

import java.nio.file.Path;

/** The production pieces: DL4J model and compressor, the row-stationary energy model, the DDPG and Rainbow agents. */
public final class RealParts implements PartsFactory {
  @Override
  public SearchRuntime.Parts create(Config root, Path model, long seed, Path hardware) {
    throw new IllegalStateException("the search is not wired to the model, compress, energy and rl packages yet");
  }
}
