package dev.hwc.data;

import com.typesafe.config.Config;

import java.nio.file.Path;

/** Settings of {@code hwc.data} (conf/application.conf). */
public record DataSettings(Path dir, int searchSize, int calibrationSize, long splitSeed) {

  public DataSettings {
    if (searchSize < 1) throw new IllegalArgumentException("hwc.data.search-size must be >= 1, was " + searchSize);
    if (calibrationSize < 1) throw new IllegalArgumentException("hwc.data.calibration-size must be >= 1, was " + calibrationSize);
  }

  public static DataSettings from(Config c) {
    Config d = c.getConfig("hwc.data");
    return new DataSettings(Path.of(d.getString("dir")), d.getInt("search-size"), d.getInt("calibration-size"), d.getLong("split-seed"));
  }

  public DataSettings withDir(Path newDir) {
    return new DataSettings(newDir, searchSize, calibrationSize, splitSeed);
  }
}
