package dev.hwc.search;

import dev.hwc.compress.LayerDecision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ActionMappingTest {
  private final ActionMapping m = new ActionMapping(0, 0.8, 2, 8, true, 8);

  @Test void bitsUseEqualWidthBins() {
    // b = round(a * 7 + 1.5): 0 -> 2, 0.14 -> round(2.48) = 2, 0.15 -> round(2.55) = 3, 0.5 -> 5, 1 -> 8
    assertEquals(2, m.bits(0f));
    assertEquals(2, m.bits(0.14f));
    assertEquals(3, m.bits(0.15f));
    assertEquals(5, m.bits(0.5f));
    assertEquals(8, m.bits(1f));
  }

  @Test void firstAndLastLayersArePinnedAndTheRatioScales() {
    var algorithms = List.of("FilterL1", "Magnitude");
    assertEquals(new LayerDecision(0.4, "Magnitude", 8, 8), m.decision(0, 4, new float[]{0.5f, 0f, 0f}, 1, algorithms));
    assertEquals(new LayerDecision(0.8, "FilterL1", 2, 5), m.decision(1, 4, new float[]{1f, 0f, 0.5f}, 0, algorithms));
    assertEquals(new LayerDecision(0.0, "FilterL1", 8, 8), m.decision(3, 4, new float[]{0f, 0f, 0f}, 0, algorithms));
    var e = assertThrows(IllegalArgumentException.class, () -> m.decision(1, 4, new float[3], 2, algorithms));
    assertEquals("algorithm index 2 outside the menu of 2", e.getMessage());
  }
}
