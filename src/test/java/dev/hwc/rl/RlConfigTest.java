package dev.hwc.rl;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.io.File;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RlConfigTest {
  static com.typesafe.config.Config rl() {
    return ConfigFactory.parseFile(new File("conf/rl.conf")).resolve().getConfig("hwc.rl");
  }

  @Test void confFileHoldsTheDefaults() {
    assertEquals(Ddpg.Config.defaults(), Ddpg.Config.from(rl().getConfig("ddpg")));
    assertEquals(Rainbow.Config.defaults(), Rainbow.Config.from(rl().getConfig("rainbow")));
    assertEquals(CompositeAgent.Config.defaults(), CompositeAgent.Config.from(rl().getConfig("composite")));
  }

  @Test void aBadValueIsNamed() {
    var bad = ConfigFactory.parseString("tau = 1.5").withFallback(rl().getConfig("ddpg"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ddpg.Config.from(bad));
    assertEquals("ddpg.tau must be in (0, 1], was 1.5", e.getMessage());
  }
}
