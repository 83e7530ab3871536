package dev.hwc.search;

import java.nio.file.Path;

/**
 * The installation directory against which configured relative paths (reward table, hardware file, work directory)
 * resolve: {@code -Dhwc.home} as bin/hwc sets it, else the working directory. Read live, not from a configuration: a
 * resumed search's journaled configuration names the directory it started in, which may have moved since.
 */
public final class InstallDir {
  private InstallDir() {}

  public static Path home() {
    String h = System.getProperty("hwc.home");
    return (h == null || h.isBlank() ? Path.of("") : Path.of(h)).toAbsolutePath().normalize();
  }

  /** {@code path} itself when absolute, else resolved against {@link #home()}. */
  public static Path resolve(String path) {
    Path p = Path.of(path);
    return p.isAbsolute() ? p : home().resolve(p).normalize();
  }
}
