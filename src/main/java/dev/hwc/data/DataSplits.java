package dev.hwc.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/**
 * The fixed-seed splits of an MNIST-format dataset directory:
 * <ul>
 *   <li>{@code search}: {@code searchSize} images held out of the training file; the search's accuracy signal.
 *       Never used to train reference models.</li>
 *   <li>{@code train}: the remaining training images (reference-model training only).</li>
 *   <li>{@code calibration}: {@code calibrationSize} images of {@code train} (activation ranges, reconstruction).</li>
 *   <li>{@code test}: the whole test file; used only for reported numbers.</li>
 * </ul>
 */
public final class DataSplits {
  public static final int NUM_CLASSES = 10;
  static final String[] FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

  /** Which training-file indices go where; a pure function of (total, sizes, seed). */
  public record SplitIndices(int[] search, int[] train, int[] calibration) {}

  private final Dataset search, calibration;
  // Built on first use: a search needs neither (55,000 + 10,000 images as floats, most of the time a search or resume
  // spends loading data), training and reports do.
  private final Lazy train, test;
  private final String fingerprint;

  private DataSplits(Lazy train, Dataset search, Dataset calibration, Lazy test, String fingerprint) {
    this.train = train;
    this.search = search;
    this.calibration = calibration;
    this.test = test;
    this.fingerprint = fingerprint;
  }

  public Dataset train() { return train.get(); }
  public Dataset search() { return search; }
  public Dataset calibration() { return calibration; }
  public Dataset test() { return test.get(); }

  /** A dataset built once, when first asked for. */
  private static final class Lazy {
    private java.util.function.Supplier<Dataset> build;
    private Dataset value;

    Lazy(java.util.function.Supplier<Dataset> build) {
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

  /** SHA-256 (hex) of the four data files' bytes, in a fixed order: identifies the dataset in provenance. */
  public String fingerprint() { return fingerprint; }

  /**
   * Seeded Fisher–Yates permutation of the training indices: the first {@code searchSize} form the search
   * subset, the rest the training pool (kept in ascending order), whose first {@code calibrationSize} in permuted
   * order form the calibration subset.
   */
  public static SplitIndices indices(int total, int searchSize, int calibrationSize, long seed) {
    if (searchSize + calibrationSize > total)
      throw new IllegalArgumentException("search-size " + searchSize + " + calibration-size " + calibrationSize + " exceed the " + total + " training images");
    int[] perm = new int[total];
    for (int i = 0; i < total; i++) perm[i] = i;
    Random rnd = new Random(seed);
    for (int i = total - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
    }
    int[] search = Arrays.copyOfRange(perm, 0, searchSize);
    int[] calibration = Arrays.copyOfRange(perm, searchSize, searchSize + calibrationSize);
    int[] train = Arrays.copyOfRange(perm, searchSize, total);
    Arrays.sort(search);
    Arrays.sort(calibration);
    Arrays.sort(train);
    return new SplitIndices(search, train, calibration);
  }

  public static DataSplits load(DataSettings s) {
    Path dir = s.dir();
    if (!Files.isDirectory(dir))
      throw new IllegalArgumentException("data directory " + dir + " not found: install Debian's dataset-fashion-mnist "
          + "(apt-get install dataset-fashion-mnist) or pass --data DIR with the four IDX files");
    Path[] files = new Path[FILES.length];
    for (int i = 0; i < FILES.length; i++) files[i] = locate(dir, FILES[i]);
    IdxReader.IdxArray trainImg = IdxReader.read(files[0]), trainLab = IdxReader.read(files[1]);
    IdxReader.IdxArray testImg = IdxReader.read(files[2]), testLab = IdxReader.read(files[3]);
    checkPair(files[0], trainImg, files[1], trainLab);
    checkPair(files[2], testImg, files[3], testLab);
    // Every label now, though train and test are built later: a bad file fails at load, naming the example.
    checkLabels(trainLab, files[1]);
    checkLabels(testLab, files[3]);
    if (!Arrays.equals(Arrays.copyOfRange(trainImg.dims(), 1, 3), Arrays.copyOfRange(testImg.dims(), 1, 3)))
      throw new IllegalArgumentException(files[2] + ": image size " + Arrays.toString(testImg.dims()) + " differs from the training images " + Arrays.toString(trainImg.dims()));
    SplitIndices idx = indices(trainImg.count(), s.searchSize(), s.calibrationSize(), s.splitSeed());
    return new DataSplits(
        new Lazy(() -> build("train", trainImg, trainLab, idx.train())),
        build("search", trainImg, trainLab, idx.search()),
        build("calibration", trainImg, trainLab, idx.calibration()),
        new Lazy(() -> build("test", testImg, testLab, null)),
        fingerprint(files));
  }

  private static Path locate(Path dir, String base) {
    for (String name : new String[] {base + ".gz", base}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) return p;
    }
    throw new IllegalArgumentException("data directory " + dir + " has no " + base + "[.gz]: expected the four MNIST-format IDX files");
  }

  private static void checkPair(Path imgFile, IdxReader.IdxArray img, Path labFile, IdxReader.IdxArray lab) {
    if (img.dims().length != 3) throw new IllegalArgumentException(imgFile + ": expected 3 dimensions [N, H, W], found " + img.dims().length);
    if (lab.dims().length != 1) throw new IllegalArgumentException(labFile + ": expected 1 dimension [N], found " + lab.dims().length);
    if (img.count() != lab.count())
      throw new IllegalArgumentException(labFile + ": " + lab.count() + " labels but " + imgFile.getFileName() + " has " + img.count() + " images");
  }

  private static void checkLabels(IdxReader.IdxArray lab, Path labFile) {
    byte[] d = lab.data();
    for (int k = 0; k < lab.count(); k++)
      if ((d[k] & 0xff) >= NUM_CLASSES)
        throw new IllegalArgumentException(labFile + ": label " + (d[k] & 0xff) + " of example " + k + " outside [0, " + NUM_CLASSES + ")");
  }

  /** Builds a dataset of the given examples (all when {@code indices} is null); {@link #load} has checked the labels. */
  static Dataset build(String name, IdxReader.IdxArray img, IdxReader.IdxArray lab, int[] indices) {
    int h = img.dims()[1], w = img.dims()[2], px = h * w;
    int n = indices == null ? img.count() : indices.length;
    float[] pixels = new float[n * px];
    int[] labels = new int[n];
    byte[] src = img.data();
    for (int i = 0; i < n; i++) {
      int k = indices == null ? i : indices[i];
      labels[i] = lab.data()[k] & 0xff;
      for (int p = 0, o = k * px, d = i * px; p < px; p++) pixels[d + p] = (src[o + p] & 0xff) / 255f;
    }
    return new Dataset(name, Nd4j.create(pixels, new long[] {n, 1, h, w}, DataType.FLOAT), labels, NUM_CLASSES);
  }

  private static String fingerprint(Path[] files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (Path f : files)
        try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
          while (in.read(buf) != -1) { /* digest */ }
        }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read data files: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
