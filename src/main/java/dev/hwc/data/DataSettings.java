package dev.hwc.data;

import com.typesafe.config.Config;

import java.nio.file.Path;

/** Settings of {@code hwc.data} (conf/application.conf). */
public record DataSettings(Path dir, int searchSize, int calibrationSize, long splitSeed, SearchSplit searchSplit,
                           String cifar100Labels) {

  public DataSettings {
    if (searchSize < 1) throw new IllegalArgumentException("hwc.data.search-size must be >= 1, was " + searchSize);
    if (calibrationSize < 1) throw new IllegalArgumentException("hwc.data.calibration-size must be >= 1, was " + calibrationSize);
    if (!cifar100Labels.equals("fine") && !cifar100Labels.equals("coarse"))
      throw new IllegalArgumentException("hwc.data.cifar100-labels '" + cifar100Labels + "' is not fine or coarse");
  }

  /** The given sizes and seed, the search subset chosen by {@link SearchSplit#AUTO}, CIFAR-100's fine labels. */
  public DataSettings(Path dir, int searchSize, int calibrationSize, long splitSeed) {
    this(dir, searchSize, calibrationSize, splitSeed, SearchSplit.AUTO, "fine");
  }

  public static DataSettings from(Config c) {
    Config d = c.getConfig("hwc.data");
    return new DataSettings(Path.of(d.getString("dir")), d.getInt("search-size"), d.getInt("calibration-size"),
        d.getLong("split-seed"), SearchSplit.parse(d.getString("search-split")), d.getString("cifar100-labels"));
  }

  public DataSettings withDir(Path newDir) {
    return new DataSettings(newDir, searchSize, calibrationSize, splitSeed, searchSplit, cifar100Labels);
  }

  public DataSettings withSearchSplit(SearchSplit split) {
    return new DataSettings(dir, searchSize, calibrationSize, splitSeed, split, cifar100Labels);
  }
}
