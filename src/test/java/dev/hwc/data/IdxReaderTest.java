package dev.hwc.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class IdxReaderTest {
  @TempDir Path dir;

  static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
    var bytes = new ByteArrayOutputStream();
    var out = new DataOutputStream(bytes);
    out.writeInt(magic);
    for (int d : dims) out.writeInt(d);
    out.write(data);
    return bytes.toByteArray();
  }

  static Path write(Path file, byte[] content, boolean gzip) throws IOException {
    try (OutputStream o = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
      o.write(content);
    }
    return file;
  }

  @Test void readsRawAndGzipIdentically() throws IOException {
    byte[] content = idx(0x0803, new int[] {2, 2, 3}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 255});
    var raw = IdxReader.read(write(dir.resolve("a"), content, false));
    var gz = IdxReader.read(write(dir.resolve("a.gz"), content, true));
    assertArrayEquals(new int[] {2, 2, 3}, raw.dims());
    assertEquals(2, raw.count());
    assertEquals(255, raw.data()[11] & 0xff);
    assertArrayEquals(raw.data(), gz.data());
    assertArrayEquals(raw.dims(), gz.dims());
  }

  @Test void wrongMagicIsNamed() throws IOException {
    Path f = write(dir.resolve("bad"), idx(0x0D03, new int[] {1, 1, 1}, new byte[] {0}), false);
    var e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(f));
    assertEquals(f + ": bad IDX magic number 0x00000d03 (expected 0x00000801..: unsigned-byte data)", e.getMessage());
  }

  @Test void truncatedPayloadIsNamed() throws IOException {
    Path f = write(dir.resolve("short.gz"), idx(0x0803, new int[] {2, 2, 2}, new byte[5]), true);
    var e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(f));
    assertEquals(f + ": truncated: header promises 8 bytes of data", e.getMessage());
  }

  @Test void truncatedHeaderIsNamed() throws IOException {
    Path f = write(dir.resolve("hdr"), new byte[] {0, 0, 8, 3, 0, 0, 0, 2}, false);
    var e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(f));
    assertEquals(f + ": truncated IDX header", e.getMessage());
  }

  @Test void missingFileIsNamed() {
    Path f = dir.resolve("nope");
    var e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(f));
    assertEquals(f + ": file not found", e.getMessage());
  }

  /** A model of the tiny directories' shape: 1×2×2 images, 10 classes, trained elsewhere. */
  static final ModelSignature TINY = new ModelSignature("tiny", new ImageShape(1, 2, 2), 10, null);

  /** Writes a tiny MNIST-format directory: n train images (label i % 10), m test images. */
  static void writeDataset(Path d, int n, int m, byte badLabel) throws IOException {
    byte[] px = new byte[n * 4];
    for (int i = 0; i < px.length; i++) px[i] = (byte) i;
    byte[] lab = new byte[n];
    for (int i = 0; i < n; i++) lab[i] = (byte) (i % 10);
    if (badLabel != 0) lab[n - 1] = badLabel;
    write(d.resolve("train-images-idx3-ubyte.gz"), idx(0x0803, new int[] {n, 2, 2}, px), true);
    write(d.resolve("train-labels-idx1-ubyte.gz"), idx(0x0801, new int[] {n}, lab), true);
    write(d.resolve("t10k-images-idx3-ubyte"), idx(0x0803, new int[] {m, 2, 2}, Arrays.copyOf(px, m * 4)), false);
    write(d.resolve("t10k-labels-idx1-ubyte"), idx(0x0801, new int[] {m}, Arrays.copyOf(lab, m)), false);
  }

  @Test void loadsSplitsFromADirectory() throws IOException {
    writeDataset(dir, 40, 10, (byte) 0);
    var s = DataSplits.load(new DataSettings(dir, 8, 4, 7).withSearchSplit(SearchSplit.HOLDOUT), TINY);
    assertEquals(32, s.train().size());
    assertEquals(8, s.search().size());
    assertEquals(4, s.calibration().size());
    assertEquals(10, s.test().size());
    assertArrayEquals(new long[] {10, 1, 2, 2}, s.test().images().shape());
    // test image 1 holds bytes 4..7 -> 4/255 ...
    assertEquals(4 / 255f, s.test().images().getFloat(1, 0, 0, 0), 1e-7);
    assertEquals(7 / 255f, s.test().images().getFloat(1, 0, 1, 1), 1e-7);
    assertEquals(64, s.fingerprint().length());
  }

  @Test void countMismatchIsNamed() throws IOException {
    writeDataset(dir, 40, 10, (byte) 0);
    Path labels = dir.resolve("t10k-labels-idx1-ubyte");
    write(labels, idx(0x0801, new int[] {9}, new byte[9]), false);
    var e = assertThrows(IllegalArgumentException.class, () -> DataSplits.load(new DataSettings(dir, 8, 4, 7).withSearchSplit(SearchSplit.HOLDOUT), TINY));
    assertEquals(labels + ": 9 labels but t10k-images-idx3-ubyte has 10 images", e.getMessage());
  }

  @Test void labelOutOfRangeIsNamed() throws IOException {
    writeDataset(dir, 40, 10, (byte) 12);
    var e = assertThrows(IllegalArgumentException.class, () -> DataSplits.load(new DataSettings(dir, 8, 4, 7).withSearchSplit(SearchSplit.HOLDOUT), TINY));
    assertEquals("model tiny has 10 outputs but MNIST-format IDX " + dir + " has 13 classes (labels 0..12)", e.getMessage());
  }

  @Test void missingDirectorySaysHowToInstall() {
    Path none = dir.resolve("nonexistent");
    var e = assertThrows(IllegalArgumentException.class, () -> DataSplits.load(new DataSettings(none, 8, 4, 7), TINY));
    assertEquals("data " + none + " not found: install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) "
        + "or pass --data PATH (expected the four MNIST IDX files, CIFAR-10 data_batch_1..5.bin + test_batch.bin, "
        + "CIFAR-100 train.bin + test.bin, a .npz with x_train/y_train/x_test/y_test, or train/ and test/ image folders)", e.getMessage());
  }
}
