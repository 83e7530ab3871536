package dev.hwc.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.hwc.compress.CompressionSettings;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The typed {@code hwc.search} settings (conf/search.conf) plus the work directory. Built once from the resolved
 * configuration; a missing or ill-typed key fails here, naming the key.
 */
public record SearchSettings(int episodes, double maxAccuracyLoss, long seed, Path rewardTable,
                             RewardTable.Penalty penalty, boolean interpolate, String journalUrl, Duration askTimeout, Path workDir,
                             ActionMapping actions, int episodesInFlight) {

  public SearchSettings {
    if (episodes < 1) throw new IllegalArgumentException("hwc.search.episodes must be at least 1, was " + episodes);
    if (!(maxAccuracyLoss >= 0)) throw new IllegalArgumentException("hwc.search.max-accuracy-loss must be >= 0, was " + maxAccuracyLoss);
    if (askTimeout.isNegative() || askTimeout.isZero()) throw new IllegalArgumentException("hwc.search.ask-timeout must be positive");
    if (episodesInFlight < 1 || episodesInFlight > 2)
      throw new IllegalArgumentException("hwc.search.episodes-in-flight must be 1 or 2, was " + episodesInFlight);
  }

  public static SearchSettings from(Config root) {
    try {
      Config c = root.getConfig("hwc.search");
      return new SearchSettings(
          c.getInt("episodes"),
          c.getDouble("max-accuracy-loss"),
          c.getLong("seed"),
          InstallDir.resolve(c.getString("reward.table")),
          penalty(c.getConfig("reward")),
          c.getBoolean("reward.interpolate"),
          c.getString("journal-url"),
          c.getDuration("ask-timeout"),
          InstallDir.resolve(root.getString("hwc.work-dir")),
          ActionMapping.from(CompressionSettings.from(root)),
          c.getInt("episodes-in-flight"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }

  /**
   * The graded penalty; a configuration without penalty-at-bound / penalty-slope (journals written before they
   * existed) means the flat penalty it was run with, so such searches resume unchanged.
   */
  static RewardTable.Penalty penalty(Config r) {
    double floor = r.getDouble("penalty");
    if (!r.hasPath("penalty-at-bound") && !r.hasPath("penalty-slope")) return RewardTable.Penalty.flat(floor);
    return new RewardTable.Penalty(floor, r.getDouble("penalty-at-bound"), r.getDouble("penalty-slope"));
  }

  /** The same settings with another work directory (tests, --work-dir). */
  public SearchSettings withWorkDir(Path dir) {
    return new SearchSettings(episodes, maxAccuracyLoss, seed, rewardTable, penalty, interpolate, journalUrl, askTimeout,
        dir, actions, episodesInFlight);
  }

  public RewardTable loadRewardTable() {
    return RewardTable.load(rewardTable, maxAccuracyLoss, penalty, interpolate);
  }

  /** The directory of one search: its lock file and agent checkpoints. */
  public Path searchDir(String id) {
    return workDir.resolve("searches").resolve(id);
  }

  /** The JDBC URL of the journal: the configured one, else an H2 file under the work directory. */
  public String effectiveJournalUrl() {
    if (!journalUrl.isBlank()) return journalUrl;
    // AUTO_SERVER lets a second process (hwc journal, hwc searches) read the file while a search holds it.
    // WRITE_DELAY=0: H2 otherwise keeps commits in memory for up to 500 ms, and a SIGKILL then loses journaled events
    // (seen: a search killed right after SearchStarted had no journal at all).
    return "jdbc:h2:file:" + workDir.resolve("journal").resolve("hwc").toAbsolutePath() + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
  }
}
