package dev.hwc.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.hwc.cli.HwcConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SearchSettingsTest {
  @Test void shippedConfigurationHasTheGradedPenalty() {
    // graded (-2 just past the bound, 0.2 less per point, floor -10): with the flat one some searches never find
    // the bound; the search grades it by the first batch's loss, so early rejection cannot change its course
    SearchSettings s = SearchSettings.from(HwcConfig.load(null));
    assertEquals(new RewardTable.Penalty(-10, -2, 0.2), s.penalty());
    assertEquals(-3.0, s.loadRewardTable().reward(6, 50), 1e-12);
    assertEquals(-2.002, s.loadRewardTable().reward(1.01, 50), 1e-12);
    assertEquals(-10, s.loadRewardTable().reward(60, 50), 1e-12);
  }

  @Test void aConfigurationWithoutTheGradedKeysKeepsTheFlatPenalty() {
    // a journal written before penalty-at-bound / penalty-slope existed resumes with the penalty it ran with
    Config root = HwcConfig.load(null);
    Config old = root.withoutPath("hwc.search.reward.penalty-at-bound").withoutPath("hwc.search.reward.penalty-slope")
        .withFallback(ConfigFactory.empty());
    SearchSettings s = SearchSettings.from(old);
    assertEquals(RewardTable.Penalty.flat(-10), s.penalty());
    assertEquals(-10, s.loadRewardTable().reward(1.01, 50), 1e-12);
  }
}
