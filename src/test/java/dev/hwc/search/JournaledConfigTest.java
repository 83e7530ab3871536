package dev.hwc.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** A search's journaled settings win over today's; settings added since it started take the values it ran with. */
class JournaledConfigTest {
  private static final Config CURRENT = ConfigFactory.parseString(
      "hwc { compress { batchnorm-recalibration = on, clip-below-bits = 5, weight-rounding = gptq, reconstruction-inputs = compressed }, rl.ddpg.initial-action = [0.1, 0.5, 0.5], search.warmup-algorithms = [ObsReconstruction], search.incumbent.keep-algorithm = 0.5, compress.calibration.equalization-images = 256, compress.depthwise-scales = per-channel, data.dir = /today, data.search-split = auto }");

  @Test void theJournalWinsAndTheCurrentConfigurationFillsTheRest() {
    Config c = JournaledConfig.of("{\"compress\": {\"clip-below-bits\": 4, \"batchnorm-recalibration\": true}}", CURRENT);
    assertEquals(4, c.getInt("hwc.compress.clip-below-bits"));
    assertTrue(c.getBoolean("hwc.compress.batchnorm-recalibration"));
    assertEquals("/today", c.getString("hwc.data.dir"));
  }

  @Test void aSearchJournaledBeforeTheNewerSettingsExistedRunsWithout() {
    Config c = JournaledConfig.of("{\"compress\": {\"clip-below-bits\": 5}}", CURRENT);
    assertFalse(c.getBoolean("hwc.compress.batchnorm-recalibration"));
    assertEquals(java.util.List.of(), c.getDoubleList("hwc.rl.ddpg.initial-action"));
    assertEquals("nearest", c.getString("hwc.compress.weight-rounding"));
    assertEquals("base", c.getString("hwc.compress.reconstruction-inputs"));
    assertEquals(java.util.List.of(), c.getStringList("hwc.search.warmup-algorithms"));
    assertEquals(0.0, c.getDouble("hwc.search.incumbent.keep-algorithm"));
    assertEquals("all", c.getString("hwc.compress.calibration.equalization-images"));
    assertEquals("per-tensor", c.getString("hwc.compress.depthwise-scales"));
    // its search subset was the training holdout, whatever the model
    assertEquals("holdout", c.getString("hwc.data.search-split"));
  }
}
