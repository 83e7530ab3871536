package dev.hwc.model;

import com.typesafe.config.ConfigFactory;
import java.io.File;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EvaluationSettingsTest {
  @Test
  void readsTheShippedConfiguration() {
    EvaluationSettings s = EvaluationSettings.from(ConfigFactory.parseFile(new File("conf/model.conf")).resolve());
    assertEquals(true, s.earlyRejection());
    assertEquals(0.999, s.confidence());
    Evaluator.EarlyRejection e = s.earlyRejection(0.9, 1.0);
    assertEquals(new Evaluator.EarlyRejection(0.9, 1.0, 0.999), e);
  }

  @Test
  void offGivesNoRule() {
    var c = ConfigFactory.parseString("hwc.model { eval-batch-size = 500, early-rejection { enabled = off, confidence = 0.99 } }");
    EvaluationSettings s = EvaluationSettings.from(c);
    assertEquals(500, s.batchSize());
    assertNull(s.earlyRejection(0.9, 1.0));
  }

  @Test
  void badValuesAreNamed() {
    var c = ConfigFactory.parseString("hwc.model { eval-batch-size = 500, early-rejection { enabled = on, confidence = 1.5 } }");
    assertEquals("hwc.model.early-rejection.confidence must be in (0, 1), was 1.5",
        assertThrows(IllegalArgumentException.class, () -> EvaluationSettings.from(c)).getMessage());
  }
}
