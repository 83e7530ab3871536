package dev.hwc.data;

import org.jetbrains.bio.npy.NpzFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Each reader of {@link DatasetFiles} on small files written here, with hand-checked values. */
public class DatasetFormatsTest {
  @TempDir Path dir;

  /** n images of shape whose byte p of image i is (i * 7 + p) mod 256, labels (i mod k). */
  public static DatasetWriter.Split split(String name, ImageShape shape, int n, int k) {
    byte[] px = new byte[n * shape.pixels()];
    for (int i = 0; i < n; i++)
      for (int p = 0; p < shape.pixels(); p++) px[i * shape.pixels() + p] = (byte) ((i * 7 + p) % 256);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) labels[i] = i % k;
    return new DatasetWriter.Split(name, shape, px, labels);
  }

  public static final ImageShape RGB32 = new ImageShape(3, 32, 32);

  static float pixel(DatasetWriter.Split s, int i, int c, int y, int x) {
    ImageShape sh = s.shape();
    return (s.images()[i * sh.pixels() + (c * sh.height() + y) * sh.width() + x] & 0xff) / 255f;
  }

  private static int[] range(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    return a;
  }

  @Test void cifar10RecordsAreReadWithTheirLabelsAndPlanes() throws IOException {
    var train = split("train", RGB32, 10, 10);
    var test = split("test", RGB32, 3, 10);
    DatasetWriter.cifar10(dir, train, test);
    DatasetFiles f = DatasetFiles.open(dir, "fine");
    assertEquals(DatasetFormat.CIFAR10, f.format());
    assertEquals(10, f.train().size());
    assertEquals(3, f.test().size());
    assertEquals(10, f.numClasses());
    // image 7 lies in data_batch_4.bin (two records a batch)
    Dataset d = f.train().read("x", new int[] {7, 2}, RGB32, 10);
    assertArrayEquals(new int[] {7, 2}, d.labels());
    assertEquals(pixel(train, 7, 0, 0, 0), d.images().getFloat(0, 0, 0, 0), 0);
    assertEquals(pixel(train, 7, 2, 31, 5), d.images().getFloat(0, 2, 31, 5), 0);
    assertEquals(pixel(train, 2, 1, 3, 4), d.images().getFloat(1, 1, 3, 4), 0);
  }

  @Test void cifar100TakesFineLabelsByDefaultAndCoarseOnRequest() throws IOException {
    byte[] rec = new byte[2 * 3074];
    rec[0] = 3; rec[1] = 42; rec[2] = (byte) 255;           // coarse 3, fine 42, first red pixel 255
    rec[3074] = 19; rec[3075] = 99;                          // coarse 19, fine 99
    Files.write(dir.resolve("train.bin"), rec);
    Files.write(dir.resolve("test.bin"), rec);
    DatasetFiles fine = DatasetFiles.open(dir, "fine");
    assertEquals(DatasetFormat.CIFAR100, fine.format());
    assertArrayEquals(new int[] {42, 99}, fine.train().labels());
    assertEquals(100, fine.numClasses());
    assertEquals(1f, fine.train().read("x", new int[] {0}, RGB32, 100).images().getFloat(0, 0, 0, 0), 0);
    DatasetFiles coarse = DatasetFiles.open(dir, "coarse");
    assertArrayEquals(new int[] {3, 19}, coarse.test().labels());
    assertEquals(20, coarse.numClasses());
  }

  @Test void aTruncatedCifarFileIsNamed() throws IOException {
    DatasetWriter.cifar10(dir, split("train", RGB32, 10, 10), split("test", RGB32, 3, 10));
    Path f = dir.resolve("test_batch.bin");
    Files.write(f, java.util.Arrays.copyOf(Files.readAllBytes(f), 3073 * 3 - 100));
    var e = assertThrows(IllegalArgumentException.class, () -> DatasetFiles.open(dir, "fine"));
    assertEquals(f + ": 9119 bytes is not a whole number of 3073-byte CIFAR-10 records (1 label byte + 3072 pixel bytes)", e.getMessage());
  }

  @Test void npzWithChannelsLastUint8IsTransposedToPlanes() throws IOException {
    ImageShape s = new ImageShape(3, 2, 4);
    var train = split("train", s, 5, 3);
    var test = split("test", s, 2, 3);
    Path file = dir.resolve("d.npz");
    DatasetWriter.npz(file, List.of(train, test));
    DatasetFiles f = DatasetFiles.open(file, "fine");
    assertEquals(DatasetFormat.NPZ, f.format());
    assertFalse(f.hasVal());
    assertEquals(new ImageSource.StoredShape(3, 2, 4), f.train().shape());
    Dataset d = f.train().read("x", new int[] {4}, s, 3);
    assertEquals(1, d.labels()[0]);
    for (int c = 0; c < 3; c++)
      for (int y = 0; y < 2; y++)
        for (int x = 0; x < 4; x++) assertEquals(pixel(train, 4, c, y, x), d.images().getFloat(0, c, y, x), 0, c + "," + y + "," + x);
  }

  @Test void npzWithChannelsFirstFloatsAndColumnLabelsAndAValSplit() {
    Path file = dir.resolve("f.npz");
    // [2, 3, 2, 2] floats: image i channel c pixel p = (i*12 + c*4 + p) / 100
    float[] x = new float[24];
    for (int i = 0; i < 24; i++) x[i] = i / 100f;
    try (var w = NpzFile.write(file, true)) {
      w.write("x_train", x, new int[] {2, 3, 2, 2});
      w.write("y_train", new long[] {4, 0}, new int[] {2, 1});
      w.write("x_test", x, new int[] {2, 3, 2, 2});
      w.write("y_test", new int[] {1, 2}, new int[] {2});
      w.write("x_val", x, new int[] {2, 3, 2, 2});
      w.write("y_val", new short[] {3, 3}, new int[] {2});
    }
    DatasetFiles f = DatasetFiles.open(file, "fine");
    assertTrue(f.hasVal());
    assertEquals(5, f.numClasses());
    assertArrayEquals(new int[] {4, 0}, f.train().labels());
    assertArrayEquals(new int[] {3, 3}, f.val().labels());
    Dataset d = f.train().read("x", new int[] {1}, new ImageShape(3, 2, 2), 5);
    assertEquals((12 + 2 * 4 + 3) / 100f, d.images().getFloat(0, 2, 1, 1), 1e-7);
  }

  @Test void npzFloatsOutsideTheUnitRangeAreRefused() {
    Path file = dir.resolve("f.npz");
    try (var w = NpzFile.write(file, true)) {
      w.write("x_train", new float[] {0, 255, 3, 4}, new int[] {1, 2, 2});
      w.write("y_train", new int[] {0}, new int[] {1});
      w.write("x_test", new float[] {0, 0, 0, 0}, new int[] {1, 2, 2});
      w.write("y_test", new int[] {0}, new int[] {1});
    }
    DatasetFiles f = DatasetFiles.open(file, "fine");
    var e = assertThrows(IllegalArgumentException.class, () -> f.train().shape());
    assertEquals(file + ": x_train holds the float value 255.0 at 1: float images must lie in [0, 1] "
        + "(divide uint8 pixels by 255, or store them as uint8)", e.getMessage());
  }

  @Test void npzWithoutTheKerasMembersIsNamed() {
    Path file = dir.resolve("f.npz");
    try (var w = NpzFile.write(file, true)) {
      w.write("images", new float[] {0}, new int[] {1});
    }
    var e = assertThrows(IllegalArgumentException.class, () -> DatasetFiles.open(file, "fine"));
    assertEquals(file + ": no array x_train (keras.datasets convention: x_train, y_train, x_test, y_test; found [images])", e.getMessage());
  }

  @Test void aCorruptNpzIsOneLine() throws IOException {
    Path file = dir.resolve("bad.npz");
    Files.write(file, new byte[] {1, 2, 3, 4, 5});
    var e = assertThrows(IllegalArgumentException.class, () -> DatasetFiles.open(file, "fine"));
    assertTrue(e.getMessage().startsWith(file + ": not a readable .npz ("), e.getMessage());
  }

  static void png(Path file, BufferedImage img) throws IOException {
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
  }

  static BufferedImage grey(int w, int h, int... values) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < values.length; i++) img.getRaster().setSample(i % w, i / w, 0, values[i]);
    return img;
  }

  @Test void imageFolderClassesAreSortedFolderNamesAndFilesAreSorted() throws IOException {
    png(dir.resolve("train/zebra/b.png"), grey(2, 2, 10, 20, 30, 40));
    png(dir.resolve("train/zebra/a.png"), grey(2, 2, 50, 60, 70, 80));
    png(dir.resolve("train/ant/x.png"), grey(2, 2, 0, 0, 0, 255));
    png(dir.resolve("test/zebra/c.png"), grey(2, 2, 1, 2, 3, 4));
    DatasetFiles f = DatasetFiles.open(dir, "fine");
    assertEquals(DatasetFormat.IMAGE_FOLDER, f.format());
    assertEquals(2, f.numClasses());
    assertArrayEquals(new int[] {0, 1, 1}, f.train().labels());
    assertArrayEquals(new int[] {1}, f.test().labels());
    assertEquals(new ImageSource.StoredShape(1, 0, 0), f.train().shape());
    Dataset d = f.train().read("x", range(3), new ImageShape(1, 2, 2), 2);
    assertEquals(255 / 255f, d.images().getFloat(0, 0, 1, 1), 0);
    assertEquals(50 / 255f, d.images().getFloat(1, 0, 0, 0), 0);   // zebra/a.png before zebra/b.png
    assertEquals(40 / 255f, d.images().getFloat(2, 0, 1, 1), 0);
  }

  @Test void aTestClassUnknownToTrainingIsNamed() throws IOException {
    png(dir.resolve("train/a/0.png"), grey(1, 1, 0));
    png(dir.resolve("test/b/0.png"), grey(1, 1, 0));
    var e = assertThrows(IllegalArgumentException.class, () -> DatasetFiles.open(dir, "fine"));
    assertEquals(dir.resolve("test").resolve("b") + ": class folder not among the training split's classes [a]", e.getMessage());
  }

  @Test void aCorruptImageIsNamedWhenRead() throws IOException {
    png(dir.resolve("train/a/0.png"), grey(1, 1, 0));
    Files.write(dir.resolve("train/a/1.png"), new byte[] {1, 2, 3});
    png(dir.resolve("test/a/0.png"), grey(1, 1, 0));
    DatasetFiles f = DatasetFiles.open(dir, "fine");
    var e = assertThrows(IllegalArgumentException.class, () -> f.train().read("x", new int[] {1}, new ImageShape(1, 1, 1), 1));
    assertEquals(dir.resolve("train/a/1.png") + ": not a PNG or JPEG image ImageIO can decode", e.getMessage());
  }

  @Test void resizeCentreCropsWithoutResamplingWhenOneSideFits() {
    // 4×2 to 2×2: s = max(2/2, 2/4) = 1, so no scaling; the centre columns 1 and 2 are kept
    BufferedImage img = grey(4, 2, 0, 10, 20, 30, 40, 50, 60, 70);
    float[] out = new float[4];
    ImageResize.toPixels(img, new ImageShape(1, 2, 2), out, 0);
    assertArrayEquals(new float[] {10 / 255f, 20 / 255f, 50 / 255f, 60 / 255f}, out, 0);
  }

  @Test void resizeScalesAConstantImageToTheSameConstant() {
    BufferedImage img = grey(3, 5, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90);
    float[] out = new float[8 * 8];
    ImageResize.toPixels(img, new ImageShape(1, 8, 8), out, 0);
    for (float v : out) assertEquals(90 / 255f, v, 0);
  }

  @Test void resizeConvertsGreyToRgbByRepeatingAndRgbToGreyByLuma() {
    float[] rgb = new float[3];
    ImageResize.toPixels(grey(1, 1, 100), new ImageShape(3, 1, 1), rgb, 0);
    assertArrayEquals(new float[] {100 / 255f, 100 / 255f, 100 / 255f}, rgb, 0);
    BufferedImage colour = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    colour.setRGB(0, 0, 200 << 16 | 100 << 8 | 50);
    float[] g = new float[1];
    ImageResize.toPixels(colour, new ImageShape(1, 1, 1), g, 0);
    assertEquals(Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50) / 255f, g[0], 0);
  }

  @Test void theThreeFormatsGiveTheSameImagesAndLabels() throws IOException {
    var train = split("train", RGB32, 20, 10);
    var test = split("test", RGB32, 6, 10);
    DatasetWriter.cifar10(dir.resolve("cifar"), train, test);
    DatasetWriter.npz(dir.resolve("d.npz"), List.of(train, test));
    DatasetWriter.imageFolder(dir.resolve("folder"), List.of(train, test), RgbFashion.CLASS_FOLDERS);
    ModelSignature m = new ModelSignature("m", RGB32, 10, null);
    DataSettings s = new DataSettings(dir, 4, 5, 3);
    DataSplits a = DataSplits.load(s.withDir(dir.resolve("cifar")), m), b = DataSplits.load(s.withDir(dir.resolve("d.npz")), m);
    assertEquals(SearchSplit.TEST_HALF, a.rule());
    for (String split : List.of("search", "calibration", "test", "train")) {
      assertArrayEquals(pick(a, split).labels(), pick(b, split).labels(), split);
      assertEquals(pick(a, split).images(), pick(b, split).images(), split);
    }
    // an image folder lists its images class by class: the whole test split is CIFAR's, ordered by label
    DataSettings all = s.withSearchSplit(SearchSplit.HOLDOUT);
    Dataset cifarTest = DataSplits.load(all.withDir(dir.resolve("cifar")), m).test();
    Dataset folderTest = DataSplits.load(all.withDir(dir.resolve("folder")), m).test();
    int[] byLabel = java.util.stream.IntStream.range(0, test.labels().length).boxed()
        .sorted(java.util.Comparator.comparingInt(i -> test.labels()[i])).mapToInt(Integer::intValue).toArray();
    Dataset reordered = cifarTest.select("test", byLabel);
    assertArrayEquals(reordered.labels(), folderTest.labels());
    assertEquals(reordered.images(), folderTest.images());
  }

  static Dataset pick(DataSplits s, String split) {
    return switch (split) {
      case "search" -> s.search();
      case "calibration" -> s.calibration();
      case "test" -> s.test();
      default -> s.train();
    };
  }
}
