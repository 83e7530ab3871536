package dev.hwc.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The rules of {@link SearchSplit}: which images steer the search, which are reported, and that they never meet. */
class SearchSplitTest {
  @TempDir Path dir;
  static final ImageShape SHAPE = new ImageShape(1, 2, 2);
  static final ModelSignature ELSEWHERE = new ModelSignature("m", SHAPE, 4, null);

  /** Images whose first pixel encodes (split, index): each image is recognisable after selection. */
  private Path npz(boolean val) throws IOException {
    Path f = dir.resolve(val ? "v.npz" : "d.npz");
    List<DatasetWriter.Split> splits = new java.util.ArrayList<>(List.of(tagged("train", 0, 60), tagged("test", 1, 40)));
    if (val) splits.add(tagged("val", 2, 30));
    DatasetWriter.npz(f, splits);
    return f;
  }

  private static DatasetWriter.Split tagged(String name, int split, int n) {
    byte[] px = new byte[n * 4];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      px[i * 4] = (byte) split;
      px[i * 4 + 1] = (byte) i;
      labels[i] = i % 4;
    }
    return new DatasetWriter.Split(name, SHAPE, px, labels);
  }

  /** (split, index) of every image of d. */
  private static Set<List<Integer>> ids(Dataset d) {
    Set<List<Integer>> out = new HashSet<>();
    for (int i = 0; i < d.size(); i++)
      out.add(List.of(Math.round(d.images().getFloat(i, 0, 0, 0) * 255), Math.round(d.images().getFloat(i, 0, 0, 1) * 255)));
    return out;
  }

  private static void assertDisjoint(Set<List<Integer>> a, Set<List<Integer>> b) {
    Set<List<Integer>> both = new HashSet<>(a);
    both.retainAll(b);
    assertTrue(both.isEmpty(), "overlap " + both);
  }

  @Test void aModelTrainedElsewhereIsSearchedOnOneHalfOfTheTestSplitAndReportedOnTheOther() throws IOException {
    DataSplits s = DataSplits.load(new DataSettings(npz(false), 15, 8, 5), ELSEWHERE);
    assertEquals(SearchSplit.TEST_HALF, s.rule());
    assertEquals(15, s.search().size());
    assertEquals(20, s.test().size());
    assertEquals(8, s.calibration().size());
    assertDisjoint(ids(s.search()), ids(s.test()));
    assertTrue(ids(s.search()).stream().allMatch(id -> id.get(0) == 1), "search subset from the test split");
    assertTrue(ids(s.calibration()).stream().allMatch(id -> id.get(0) == 0), "calibration from the training split");
    assertEquals(15 + 20, new HashSet<List<Integer>>() {{ addAll(ids(s.search())); addAll(ids(s.test())); }}.size());
    assertEquals("15 images of one half of the 40 test images (npz d.npz x_test; split seed 5)", s.provenance().get("search"));
    assertEquals("the other half of the test images, 20 (npz d.npz x_test; split seed 5)", s.provenance().get("test"));
    // a larger search size stops at the half; the reported half is the same
    DataSplits big = DataSplits.load(new DataSettings(npz(false), 5000, 8, 5), ELSEWHERE);
    assertEquals(20, big.search().size());
    assertEquals(ids(s.test()), ids(big.test()));
    // the same seed draws the same images
    assertEquals(ids(s.search()), ids(DataSplits.load(new DataSettings(npz(false), 15, 8, 5), ELSEWHERE).search()));
  }

  @Test void aValidationSplitIsTheSearchSubsetWhenTheDataHasOne() throws IOException {
    DataSplits s = DataSplits.load(new DataSettings(npz(true), 10, 8, 5), ELSEWHERE);
    assertEquals(SearchSplit.VAL, s.rule());
    assertEquals(10, s.search().size());
    assertTrue(ids(s.search()).stream().allMatch(id -> id.get(0) == 2));
    assertEquals(40, s.test().size());
    assertEquals("10 of the 30 validation images (npz v.npz x_val; split seed 5)", s.provenance().get("search"));
    assertEquals("all 40 test images (npz v.npz x_test)", s.provenance().get("test"));
  }

  @Test void aModelHwcTrainedOnTheseFilesIsSearchedOnTheHoldoutItNeverSaw() throws IOException {
    Path f = npz(false);
    String fp = DatasetFiles.open(f, "fine").fingerprint();
    DataSettings settings = new DataSettings(f, 12, 8, 5);
    ModelSignature own = new ModelSignature("m", SHAPE, 4, new ModelSignature.TrainedOn(fp, 12, 5));
    DataSplits s = DataSplits.load(settings, own);
    assertEquals(SearchSplit.HOLDOUT, s.rule());
    assertDisjoint(ids(s.search()), ids(s.train()));
    assertDisjoint(ids(s.search()), ids(s.calibration()));
    assertEquals(48, s.train().size());
    assertEquals(40, s.test().size());
    // trained with another holdout, or on other files: its training images may include this holdout
    assertEquals(SearchSplit.TEST_HALF, DataSplits.load(settings, new ModelSignature("m", SHAPE, 4, new ModelSignature.TrainedOn(fp, 12, 6))).rule());
    assertEquals(SearchSplit.TEST_HALF, DataSplits.load(settings, new ModelSignature("m", SHAPE, 4, new ModelSignature.TrainedOn("x", 12, 5))).rule());
  }

  @Test void askingForAValidationSplitTheDataLacksIsNamed() throws IOException {
    Path f = npz(false);
    var e = assertThrows(IllegalArgumentException.class,
        () -> DataSplits.load(new DataSettings(f, 10, 8, 5).withSearchSplit(SearchSplit.VAL), ELSEWHERE));
    assertEquals("hwc.data.search-split = val but NumPy .npz " + f + " has no validation split", e.getMessage());
  }

  @Test void anUnknownRuleIsNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> SearchSplit.parse("random"));
    assertEquals("hwc.data.search-split 'random' is not one of auto, holdout, val, test-half", e.getMessage());
  }
}
