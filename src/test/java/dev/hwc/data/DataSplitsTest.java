package dev.hwc.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DataSplitsTest {
  static Set<Integer> set(int[] a) {
    return Arrays.stream(a).boxed().collect(Collectors.toSet());
  }

  @Test void splitsAreDeterministicDisjointAndComplete() {
    var a = DataSplits.indices(60_000, 5_000, 512, 20231222);
    var b = DataSplits.indices(60_000, 5_000, 512, 20231222);
    assertArrayEquals(a.search(), b.search());
    assertArrayEquals(a.train(), b.train());
    assertArrayEquals(a.calibration(), b.calibration());
    assertEquals(5_000, set(a.search()).size());
    assertEquals(55_000, set(a.train()).size());
    // search subset ∩ training pool = ∅, and together they are every training image
    var inter = new HashSet<>(set(a.search()));
    inter.retainAll(set(a.train()));
    assertTrue(inter.isEmpty(), "search and train overlap: " + inter);
    var union = new HashSet<>(set(a.search()));
    union.addAll(set(a.train()));
    assertEquals(60_000, union.size());
    // calibration is drawn from the training pool, never from the search subset
    assertTrue(set(a.train()).containsAll(set(a.calibration())));
    assertEquals(512, set(a.calibration()).size());
  }

  @Test void anotherSeedGivesAnotherSplit() {
    var a = DataSplits.indices(60_000, 5_000, 512, 1);
    var b = DataSplits.indices(60_000, 5_000, 512, 2);
    assertFalse(Arrays.equals(a.search(), b.search()));
  }

  @Test void impossibleSizesAreRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> DataSplits.indices(100, 90, 20, 1));
    assertEquals("search-size 90 + calibration-size 20 exceed the 100 training images", e.getMessage());
  }

  @Test void realFashionMnistLoadsWithTheExpectedSizes() {
    Path dir = Path.of("/usr/share/datasets/fashion-mnist");
    assumeTrue(Files.isDirectory(dir), "dataset-fashion-mnist not installed");
    var s = DataSplits.load(new DataSettings(dir, 5000, 512, 20231222).withSearchSplit(SearchSplit.HOLDOUT),
        new ModelSignature("m", new ImageShape(1, 28, 28), 10, null));
    assertEquals(55_000, s.train().size());
    assertEquals(5_000, s.search().size());
    assertEquals(512, s.calibration().size());
    assertEquals(10_000, s.test().size());
    assertArrayEquals(new long[] {1, 28, 28}, s.test().imageShape());
    int[] counts = new int[10];
    for (int l : s.test().labels()) counts[l]++;
    assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, counts);
  }
}
