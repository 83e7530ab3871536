package dev.hwc.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The configuration a search runs with: the {@code hwc} subtree journaled when it started (SearchStarted's
 * configJson), over the current configuration for what the journal does not hold (paths, cluster, logging). A setting
 * added to hwc after a search started takes its {@link #LEGACY} value, the behaviour that search had, not today's
 * default: a resumed or re-measured old search computes what it computed before.
 */
public final class JournaledConfig {
  private JournaledConfig() {}

  /** Settings introduced after the first journals were written, at the values that reproduce those searches. */
  static final Config LEGACY = ConfigFactory.parseString(
      "hwc.compress.batchnorm-recalibration = off\nhwc.rl.ddpg.initial-action = []\nhwc.search.warmup = random\nhwc.search.incumbent.share = 0\nhwc.search.incumbent.global-share = 0\nhwc.search.incumbent.parents = 1\nhwc.search.warmup-algorithms = []\nhwc.search.incumbent.keep-algorithm = 0\n"
      + "hwc.compress.weight-rounding = nearest\nhwc.compress.reconstruction-inputs = base\nhwc.compress.activation-equalization = off\nhwc.compress.calibration.equalization-images = all\n"
      + "hwc.compress.depthwise-scales = per-tensor\nhwc.data.search-split = holdout");

  public static Config of(String configJson, Config current) {
    return ConfigFactory.parseString(configJson).atPath("hwc").withFallback(LEGACY).withFallback(current).resolve();
  }
}
