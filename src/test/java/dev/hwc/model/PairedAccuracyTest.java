package dev.hwc.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PairedAccuracyTest {
  @Test void countsLostAndGainedImagesAgainstTheDenseModel() {
    int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    int[] dense = {0, 1, 2, 3, 4, 5, 6, 7, 0, 0};      // 8 right (images 8, 9 wrong)
    int[] comp = {0, 1, 2, 0, 0, 0, 6, 7, 8, 0};       // 6 right: lost 3, 4, 5; gained 8
    PairedAccuracy p = PairedAccuracy.of(labels, dense, comp);
    assertEquals(new PairedAccuracy(10, 6, 3, 1), p);
    assertEquals(0.6, p.accuracy(), 1e-12);
    assertEquals(0.8, p.baselineAccuracy(), 1e-12);
    assertEquals(20.0, p.lossPoints(), 1e-12);
    // d = 0.2, (lost + gained)/n = 0.4: sqrt((0.4 - 0.04) / 10) = sqrt(0.036) = 0.18973666
    assertEquals(18.973665961010276, p.standardErrorPoints(), 1e-9);
  }

  @Test void theSearchSubsetsNoiseAtAOnePointLoss() {
    // 5,000 images, 100 lost and 50 gained: loss 1.00 point, SE 100 * sqrt((0.03 - 0.0001) / 5000) = 0.2445 point
    PairedAccuracy p = new PairedAccuracy(5000, 4450, 100, 50);
    assertEquals(1.0, p.lossPoints(), 1e-12);
    assertEquals(0.24454038521274967, p.standardErrorPoints(), 1e-12);
  }

  @Test void noDisagreementMeansNoNoise() {
    PairedAccuracy p = PairedAccuracy.of(new int[] {1, 2}, new int[] {1, 0}, new int[] {1, 0});
    assertEquals(0.0, p.lossPoints());
    assertEquals(0.0, p.standardErrorPoints());
  }

  @Test void refusesInconsistentCountsAndMismatchedLengths() {
    var e = assertThrows(IllegalArgumentException.class, () -> new PairedAccuracy(10, 2, 1, 3));
    assertEquals("inconsistent counts: 2 correct, 1 lost, 3 gained of 10 images", e.getMessage());
    var m = assertThrows(IllegalArgumentException.class, () -> PairedAccuracy.of(new int[3], new int[3], new int[2]));
    assertEquals("3 labels but 3 dense and 2 compressed predictions", m.getMessage());
  }
}
