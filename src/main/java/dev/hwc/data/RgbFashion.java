package dev.hwc.data;

import java.awt.Color;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The RGB 32×32 set hwc derives from Fashion-MNIST, so that colour models can be trained and searched on the only
 * real dataset these machines hold. For image {@code i} of split {@code s} (0 train, 1 test), a generator seeded with
 * {@code seed ^ (s << 32 | i)} (Java's {@link SplittableRandom}) draws, in this order:
 * <ol>
 *   <li>an offset {@code dx, dy} in {0..4}: the 28×28 image is placed at (dx, dy) on a 32×32 canvas;</li>
 *   <li>a foreground colour: HSB hue in [0, 1), saturation in [0.5, 1], brightness in [0.7, 1];</li>
 *   <li>a background colour: hue in [0, 1), saturation in [0, 0.6], brightness in [0, 0.4].</li>
 * </ol>
 * Each pixel is {@code bg + (fg − bg) · v / 255} per channel (v: the Fashion-MNIST grey value, 0 off the image),
 * rounded. Colours are drawn independently of the label, so the class is in the shape alone; the label is Fashion-MNIST's.
 */
public final class RgbFashion {
  public static final ImageShape SHAPE = new ImageShape(3, 32, 32);
  public static final long DEFAULT_SEED = 20231222L;
  /** The ten Fashion-MNIST classes, prefixed with their index so that sorted folder names keep label order. */
  public static final String[] CLASS_FOLDERS = {"0-tshirt", "1-trouser", "2-pullover", "3-dress", "4-coat", "5-sandal",
      "6-shirt", "7-sneaker", "8-bag", "9-ankle-boot"};

  private RgbFashion() {}

  /** The training and test splits derived from the Fashion-MNIST IDX directory {@code dir}. */
  public static DatasetWriter.Split[] fromIdx(Path dir, long seed) {
    DatasetFiles source = DatasetFiles.open(dir, "fine");
    if (source.format() != DatasetFormat.IDX || !source.train().shape().equals(new ImageSource.StoredShape(1, 28, 28)))
      throw new IllegalArgumentException("data " + dir + " is not a 28×28 MNIST-format IDX directory (" + source.describe() + ")");
    String[][] files = {{DatasetFiles.IDX_FILES[0], DatasetFiles.IDX_FILES[1]}, {DatasetFiles.IDX_FILES[2], DatasetFiles.IDX_FILES[3]}};
    DatasetWriter.Split[] out = new DatasetWriter.Split[2];
    for (int s = 0; s < 2; s++) {
      byte[] grey = IdxReader.read(DatasetFiles.locateIdx(dir, files[s][0])).data();
      int[] labels = s == 0 ? source.train().labels() : source.test().labels();
      byte[] rgb = new byte[labels.length * SHAPE.pixels()];
      byte[] one = new byte[28 * 28];
      for (int i = 0; i < labels.length; i++) {
        System.arraycopy(grey, i * one.length, one, 0, one.length);
        System.arraycopy(derive(one, s, i, seed), 0, rgb, i * SHAPE.pixels(), SHAPE.pixels());
      }
      out[s] = new DatasetWriter.Split(s == 0 ? "train" : "test", SHAPE, rgb, labels);
    }
    return out;
  }

  /**
   * Image {@code index} of split {@code split} from its 28×28 grey bytes: 3×32×32 bytes, R, G and B planes (the CIFAR
   * record layout).
   */
  public static byte[] derive(byte[] grey, int split, int index, long seed) {
    if (grey.length != 28 * 28) throw new IllegalArgumentException("expected a 28×28 image, got " + grey.length + " bytes");
    SplittableRandom r = new SplittableRandom(seed ^ (((long) split << 32) | index));
    int dx = r.nextInt(5), dy = r.nextInt(5);
    float[] fg = rgb(r.nextDouble(), 0.5 + 0.5 * r.nextDouble(), 0.7 + 0.3 * r.nextDouble());
    float[] bg = rgb(r.nextDouble(), 0.6 * r.nextDouble(), 0.4 * r.nextDouble());
    byte[] out = new byte[SHAPE.pixels()];
    int plane = 32 * 32;
    for (int y = 0; y < 32; y++)
      for (int x = 0; x < 32; x++) {
        int sx = x - dx, sy = y - dy;
        int v = sx >= 0 && sx < 28 && sy >= 0 && sy < 28 ? grey[sy * 28 + sx] & 0xff : 0;
        for (int c = 0; c < 3; c++) out[c * plane + y * 32 + x] = (byte) Math.round(bg[c] + (fg[c] - bg[c]) * v / 255f);
      }
    return out;
  }

  /** An HSB colour as R, G, B in [0, 255]. */
  private static float[] rgb(double hue, double saturation, double brightness) {
    int c = Color.HSBtoRGB((float) hue, (float) saturation, (float) brightness);
    return new float[] {(c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff};
  }
}
