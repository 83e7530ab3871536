package dev.hwc.data;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The fixed-seed splits a command works on, drawn from a {@link DatasetFiles} by the rule of {@link SearchSplit}:
 * <ul>
 *   <li>{@code search}: at most {@code searchSize} images, the search's accuracy signal;</li>
 *   <li>{@code calibration}: {@code calibrationSize} training images (activation ranges, reconstruction, BatchNorm
 *       recalibration), outside the search subset;</li>
 *   <li>{@code train}: the training images hwc trains reference models on (never the search subset);</li>
 *   <li>{@code test}: the images reported as test figures, disjoint from the search subset.</li>
 * </ul>
 * Only the search and calibration images are decoded when loading; train and test are decoded on first use.
 */
public final class DataSplits {
  /** Which training-file indices go where under {@link SearchSplit#HOLDOUT}; a pure function of (total, sizes, seed). */
  public record SplitIndices(int[] search, int[] train, int[] calibration) {}

  private final DatasetFiles files;
  private final SearchSplit rule;
  private final Dataset search, calibration;
  // Built on first use: a search needs neither, training and reports do.
  private final Lazy train, test;
  private final Map<String, String> provenance;

  private DataSplits(DatasetFiles files, SearchSplit rule, Lazy train, Dataset search, Dataset calibration, Lazy test,
                     Map<String, String> provenance) {
    this.files = files;
    this.rule = rule;
    this.train = train;
    this.search = search;
    this.calibration = calibration;
    this.test = test;
    this.provenance = provenance;
  }

  public Dataset train() { return train.get(); }
  public Dataset search() { return search; }
  public Dataset calibration() { return calibration; }
  public Dataset test() { return test.get(); }

  /** The data on disk the splits come from. */
  public DatasetFiles files() { return files; }

  /** The rule that chose the search subset and the test images (never {@link SearchSplit#AUTO}). */
  public SearchSplit rule() { return rule; }

  /** SHA-256 (hex) identifying the dataset in provenance: of the files' bytes (image folders: names and sizes). */
  public String fingerprint() { return files.fingerprint(); }

  /** Which images each split holds, in words: keys {@code search}, {@code calibration}, {@code test}. */
  public Map<String, String> provenance() { return provenance; }

  /** A dataset built once, when first asked for. */
  private static final class Lazy {
    private Supplier<Dataset> build;
    private Dataset value;

    Lazy(Supplier<Dataset> build) {
      this.build = build;
    }

    synchronized Dataset get() {
      if (value == null) {
        value = build.get();
        build = null;
      }
      return value;
    }
  }

  /**
   * Seeded Fisher–Yates permutation of the training indices: the first {@code searchSize} form the search
   * subset, the rest the training pool (kept in ascending order), whose first {@code calibrationSize} in permuted
   * order form the calibration subset.
   */
  public static SplitIndices indices(int total, int searchSize, int calibrationSize, long seed) {
    if (searchSize + calibrationSize > total)
      throw new IllegalArgumentException("search-size " + searchSize + " + calibration-size " + calibrationSize + " exceed the " + total + " training images");
    int[] perm = permutation(total, seed);
    return new SplitIndices(sorted(perm, 0, searchSize), sorted(perm, searchSize, total), sorted(perm, searchSize, searchSize + calibrationSize));
  }

  /** The seeded Fisher–Yates permutation of 0..n-1. */
  static int[] permutation(int n, long seed) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) perm[i] = i;
    Random rnd = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
    }
    return perm;
  }

  private static int[] sorted(int[] perm, int from, int to) {
    int[] out = Arrays.copyOfRange(perm, from, to);
    Arrays.sort(out);
    return out;
  }

  /** The rule {@code asked} comes to for {@code model} on {@code files} ({@link SearchSplit#AUTO} resolved). */
  public static SearchSplit resolve(SearchSplit asked, DatasetFiles files, ModelSignature model, DataSettings s) {
    return switch (asked) {
      case AUTO -> files.hasVal() ? SearchSplit.VAL : trainedWithoutHoldout(model, files, s) ? SearchSplit.HOLDOUT : SearchSplit.TEST_HALF;
      case VAL -> {
        if (!files.hasVal()) throw new IllegalArgumentException("hwc.data.search-split = val but " + files.describe() + " has no validation split");
        yield SearchSplit.VAL;
      }
      default -> asked;
    };
  }

  /** Whether hwc trained {@code model} on these very files, leaving out the holdout these settings draw. */
  private static boolean trainedWithoutHoldout(ModelSignature model, DatasetFiles files, DataSettings s) {
    ModelSignature.TrainedOn t = model.trainedOn();
    return t != null && t.fingerprint().equals(files.fingerprint())
        && (t.searchSize() == 0 || (t.searchSize() == s.searchSize() && t.splitSeed() == s.splitSeed()));
  }

  /**
   * Opens the data of {@code s}, checks that {@code model} fits it ({@link DataFit}), and draws the splits: the
   * search subset and calibration images decoded now, train and test when first used.
   */
  public static DataSplits load(DataSettings s, ModelSignature model) {
    DatasetFiles files = DatasetFiles.open(s.dir(), s.cifar100Labels());
    DataFit.check(model, files);
    SearchSplit rule = resolve(s.searchSplit(), files, model, s);
    ImageShape shape = model.input();
    int k = files.numClasses();
    ImageSource trainSrc = files.train(), testSrc = files.test();
    int nTrain = trainSrc.size(), nTest = testSrc.size();
    String seed = "split seed " + s.splitSeed();
    Map<String, String> prov = new LinkedHashMap<>();
    int[] trainIdx, searchIdx, calibrationIdx, testIdx;
    ImageSource searchSrc;
    switch (rule) {
      case HOLDOUT -> {
        SplitIndices idx = indices(nTrain, s.searchSize(), s.calibrationSize(), s.splitSeed());
        trainIdx = idx.train();
        searchIdx = idx.search();
        calibrationIdx = idx.calibration();
        testIdx = all(nTest);
        searchSrc = trainSrc;
        prov.put("search", count(searchIdx.length) + " images held out of the " + count(nTrain) + " training images (" + trainSrc.describe() + "; " + seed + ")");
        prov.put("calibration", count(calibrationIdx.length) + " training images outside the search subset");
      }
      case VAL, TEST_HALF -> {
        if (s.calibrationSize() > nTrain)
          throw new IllegalArgumentException("calibration-size " + s.calibrationSize() + " exceeds the " + nTrain + " training images of " + files.describe());
        trainIdx = all(nTrain);
        calibrationIdx = sorted(permutation(nTrain, s.splitSeed()), 0, s.calibrationSize());
        prov.put("calibration", count(calibrationIdx.length) + " training images (" + trainSrc.describe() + "; " + seed + ")");
        if (rule == SearchSplit.VAL) {
          searchSrc = files.val();
          int nVal = searchSrc.size();
          searchIdx = sorted(permutation(nVal, s.splitSeed()), 0, Math.min(s.searchSize(), nVal));
          testIdx = all(nTest);
          prov.put("search", (searchIdx.length == nVal ? "all " + count(nVal) : count(searchIdx.length) + " of the " + count(nVal))
              + " validation images (" + searchSrc.describe() + "; " + seed + ")");
        } else {
          if (nTest < 2) throw new IllegalArgumentException(files.describe() + ": " + nTest + " test image cannot be split in halves");
          searchSrc = testSrc;
          int[] perm = permutation(nTest, s.splitSeed());
          int half = nTest / 2;
          searchIdx = sorted(perm, 0, Math.min(s.searchSize(), half));
          testIdx = sorted(perm, half, nTest);
          prov.put("search", count(searchIdx.length) + " images of one half of the " + count(nTest) + " test images (" + testSrc.describe() + "; " + seed + ")");
        }
      }
      default -> throw new IllegalStateException(rule.toString());
    }
    prov.put("test", testIdx.length == nTest ? "all " + count(nTest) + " test images (" + testSrc.describe() + ")"
        : "the other half of the test images, " + count(testIdx.length) + " (" + testSrc.describe() + "; " + seed + ")");
    prov = orderedAsDocumented(prov);
    ImageSource searchFrom = searchSrc;
    int[] trainSel = trainIdx, testSel = testIdx;
    return new DataSplits(files, rule,
        new Lazy(() -> trainSrc.read("train", trainSel, shape, k)),
        searchFrom.read("search", searchIdx, shape, k),
        trainSrc.read("calibration", calibrationIdx, shape, k),
        new Lazy(() -> testSrc.read("test", testSel, shape, k)),
        java.util.Collections.unmodifiableMap(prov));
  }

  /** search, calibration, test: the order the splits are listed in everywhere. */
  private static Map<String, String> orderedAsDocumented(Map<String, String> prov) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : new String[] {"search", "calibration", "test"}) out.put(k, prov.get(k));
    return out;
  }

  private static int[] all(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) out[i] = i;
    return out;
  }

  private static String count(int n) {
    return String.format("%,d", n);
  }
}
