package dev.hwc.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a labelled uint8 image set in the formats {@link DatasetFiles} reads: CIFAR-10 binary, NumPy {@code .npz}
 * ({@code keras.datasets} layout: images [N, H, W, C] uint8, labels [N, 1] uint8) and an image folder of PNGs.
 */
public final class DatasetWriter {
  private DatasetWriter() {}

  /** One split: {@code images} holds N records of C×H×W bytes (planes), {@code labels} N labels in [0, 255]. */
  public record Split(String name, ImageShape shape, byte[] images, int[] labels) {
    public Split {
      if (images.length != (long) labels.length * shape.pixels())
        throw new IllegalArgumentException(name + ": " + images.length + " bytes for " + labels.length + " images of " + shape);
    }

    int size() {
      return labels.length;
    }
  }

  /** {@code data_batch_1..5.bin} (train cut in five equal batches, as CIFAR-10's) and {@code test_batch.bin}. */
  public static void cifar10(Path dir, Split train, Split test) throws IOException {
    if (!train.shape().equals(CifarSource.SHAPE) || !test.shape().equals(CifarSource.SHAPE))
      throw new IllegalArgumentException("CIFAR-10 binary records hold 3×32×32 images, not " + train.shape());
    Files.createDirectories(dir);
    int batches = DatasetFiles.CIFAR10_FILES.size(), n = train.size();
    for (int b = 0; b < batches; b++)
      cifarRecords(dir.resolve(DatasetFiles.CIFAR10_FILES.get(b)), train, b * n / batches, (b + 1) * n / batches);
    cifarRecords(dir.resolve("test_batch.bin"), test, 0, test.size());
  }

  private static void cifarRecords(Path file, Split s, int from, int to) throws IOException {
    int px = s.shape().pixels();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (int i = from; i < to; i++) {
        out.write(s.labels()[i]);
        out.write(s.images(), i * px, px);
      }
    }
  }

  /** {@code x_<split>} uint8 [N, H, W, C] and {@code y_<split>} uint8 [N, 1] for each split, deflated. */
  public static void npz(Path file, List<Split> splits) throws IOException {
    if (file.getParent() != null) Files.createDirectories(file.getParent());
    try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
      for (Split s : splits) {
        int c = s.shape().channels(), h = s.shape().height(), w = s.shape().width(), px = s.shape().pixels();
        byte[] nhwc = new byte[s.images().length];
        for (int i = 0; i < s.size(); i++)
          for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < h * w; p++) nhwc[i * px + p * c + ch] = s.images()[i * px + ch * h * w + p];
        npy(zip, "x_" + s.name(), nhwc, new int[] {s.size(), h, w, c});
        byte[] lab = new byte[s.size()];
        for (int i = 0; i < lab.length; i++) lab[i] = (byte) s.labels()[i];
        npy(zip, "y_" + s.name(), lab, new int[] {s.size(), 1});
      }
    }
  }

  /** One {@code .npy} member of format version 1.0 holding uint8 ({@code |u1}) data in C order. */
  private static void npy(ZipOutputStream zip, String name, byte[] data, int[] shape) throws IOException {
    StringBuilder dims = new StringBuilder();
    for (int d : shape) dims.append(d).append(", ");
    String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (" + dims.substring(0, dims.length() - 2) + (shape.length == 1 ? "," : "") + "), }";
    // magic (6) + version (2) + length (2) + dict, padded with spaces to a multiple of 64 and ended by a newline
    int total = ((10 + dict.length() + 1 + 63) / 64) * 64;
    String header = dict + " ".repeat(total - 10 - dict.length() - 1) + "\n";
    ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    pre.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) header.length());
    zip.putNextEntry(new ZipEntry(name + ".npy"));
    zip.write(pre.array());
    zip.write(header.getBytes(StandardCharsets.US_ASCII));
    zip.write(data);
    zip.closeEntry();
  }

  /** {@code <split>/<class folder>/<index>.png} for each split, class folder {@code classFolders[label]}. */
  public static void imageFolder(Path dir, List<Split> splits, String[] classFolders) throws IOException {
    for (Split s : splits) {
      for (String c : classFolders) Files.createDirectories(dir.resolve(s.name()).resolve(c));
      int c = s.shape().channels(), h = s.shape().height(), w = s.shape().width(), px = s.shape().pixels();
      for (int i = 0; i < s.size(); i++) {
        BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++) {
            int o = i * px + y * w + x;
            if (c == 1) img.getRaster().setSample(x, y, 0, s.images()[o] & 0xff);
            else img.setRGB(x, y, (s.images()[o] & 0xff) << 16 | (s.images()[o + h * w] & 0xff) << 8 | (s.images()[o + 2 * h * w] & 0xff));
          }
        ImageIO.write(img, "png", dir.resolve(s.name()).resolve(classFolders[s.labels()[i]]).resolve(String.format("%05d.png", i)).toFile());
      }
    }
  }
}
