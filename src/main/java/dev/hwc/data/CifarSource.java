package dev.hwc.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One split of a CIFAR binary directory: fixed-size records of label byte(s) then 3,072 bytes of 32×32 R, G and B
 * planes. CIFAR-10 records carry one label byte; CIFAR-100 records a coarse and a fine one. Images are read record by
 * record from the files, only those asked for.
 */
final class CifarSource implements ImageSource {
  static final ImageShape SHAPE = new ImageShape(3, 32, 32);
  private final String kind;
  private final List<Path> files;
  private final int labelBytes;
  private final int[] recordsBefore;
  private final int[] labels;

  /**
   * @param labelBytes 1 (CIFAR-10) or 2 (CIFAR-100)
   * @param labelIndex which label byte is the class: 0, or 1 for CIFAR-100's fine labels
   */
  CifarSource(String kind, List<Path> files, int labelBytes, int labelIndex) {
    this.kind = kind;
    this.files = files;
    this.labelBytes = labelBytes;
    int record = labelBytes + SHAPE.pixels();
    recordsBefore = new int[files.size() + 1];
    for (int f = 0; f < files.size(); f++) {
      long size = size(files.get(f));
      if (size == 0 || size % record != 0)
        throw new IllegalArgumentException(files.get(f) + ": " + size + " bytes is not a whole number of " + record
            + "-byte " + kind + " records (" + labelBytes + " label byte" + (labelBytes > 1 ? "s" : "") + " + 3072 pixel bytes)");
      recordsBefore[f + 1] = recordsBefore[f] + (int) (size / record);
    }
    labels = new int[recordsBefore[files.size()]];
    byte[] rec = new byte[record];
    for (int f = 0; f < files.size(); f++)
      try (InputStream in = new BufferedInputStream(Files.newInputStream(files.get(f)), 1 << 20)) {
        for (int k = recordsBefore[f]; k < recordsBefore[f + 1]; k++) {
          in.readNBytes(rec, 0, record);
          labels[k] = rec[labelIndex] & 0xff;
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(files.get(f) + ": cannot read (" + e.getMessage() + ")", e);
      }
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new IllegalArgumentException(f + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  @Override public String describe() {
    return kind + " " + String.join(", ", files.stream().map(p -> p.getFileName().toString()).toList());
  }

  @Override public int[] labels() {
    return labels;
  }

  @Override public StoredShape shape() {
    return new StoredShape(SHAPE.channels(), SHAPE.height(), SHAPE.width());
  }

  @Override public Dataset read(String name, int[] indices, ImageShape shape, int numClasses) {
    int px = SHAPE.pixels(), record = labelBytes + px;
    float[] pixels = new float[indices.length * px];
    int[] lab = new int[indices.length];
    ByteBuffer buf = ByteBuffer.allocate(px);
    FileChannel[] open = new FileChannel[files.size()];
    try {
      for (int i = 0; i < indices.length; i++) {
        int k = indices[i], f = file(k);
        if (open[f] == null) open[f] = FileChannel.open(files.get(f), StandardOpenOption.READ);
        buf.clear();
        long at = (long) (k - recordsBefore[f]) * record + labelBytes;
        while (buf.hasRemaining()) if (open[f].read(buf, at + buf.position()) < 0) throw new IOException("unexpected end of file");
        byte[] b = buf.array();
        for (int p = 0, d = i * px; p < px; p++) pixels[d + p] = (b[p] & 0xff) / 255f;
        lab[i] = labels[k];
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(describe() + ": cannot read (" + e.getMessage() + ")", e);
    } finally {
      for (FileChannel c : open)
        if (c != null) try { c.close(); } catch (IOException ignored) { /* read-only */ }
    }
    return Dataset.of(name, pixels, shape, lab, numClasses);
  }

  private int file(int k) {
    int f = 0;
    while (k >= recordsBefore[f + 1]) f++;
    return f;
  }
}
