package dev.hwc.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EvalBenchTest {
  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(2.0, EvalBench.median(new double[]{3, 1, 2}));
    assertEquals(2.5, EvalBench.median(new double[]{4, 1, 3, 2}));
    assertEquals(7.0, EvalBench.median(new double[]{7}));
  }
}
