package dev.hwc.data;

import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class RgbFashionTest {

  @Test void aBlankImageIsItsBackgroundAndAWhiteOneItsForegroundAtItsOffset() {
    byte[] white = new byte[28 * 28];
    java.util.Arrays.fill(white, (byte) 255);
    byte[] out = RgbFashion.derive(white, 1, 7, 3);
    // the same draws, in the documented order
    SplittableRandom r = new SplittableRandom(3 ^ ((1L << 32) | 7));
    int dx = r.nextInt(5), dy = r.nextInt(5);
    int fg = Color.HSBtoRGB((float) r.nextDouble(), (float) (0.5 + 0.5 * r.nextDouble()), (float) (0.7 + 0.3 * r.nextDouble()));
    int bg = Color.HSBtoRGB((float) r.nextDouble(), (float) (0.6 * r.nextDouble()), (float) (0.4 * r.nextDouble()));
    int plane = 32 * 32;
    for (int y = 0; y < 32; y++)
      for (int x = 0; x < 32; x++) {
        boolean in = x >= dx && x < dx + 28 && y >= dy && y < dy + 28;
        int c = in ? fg : bg;
        assertEquals((c >> 16) & 0xff, out[y * 32 + x] & 0xff);
        assertEquals((c >> 8) & 0xff, out[plane + y * 32 + x] & 0xff);
        assertEquals(c & 0xff, out[2 * plane + y * 32 + x] & 0xff);
      }
  }

  @Test void derivationIsAFunctionOfSplitIndexAndSeed() {
    byte[] img = new byte[28 * 28];
    for (int i = 0; i < img.length; i++) img[i] = (byte) i;
    assertArrayEquals(RgbFashion.derive(img, 0, 5, 1), RgbFashion.derive(img, 0, 5, 1));
    assertFalse(java.util.Arrays.equals(RgbFashion.derive(img, 0, 5, 1), RgbFashion.derive(img, 0, 6, 1)));
    assertFalse(java.util.Arrays.equals(RgbFashion.derive(img, 0, 5, 1), RgbFashion.derive(img, 1, 5, 1)));
    assertFalse(java.util.Arrays.equals(RgbFashion.derive(img, 0, 5, 1), RgbFashion.derive(img, 0, 5, 2)));
  }
}
