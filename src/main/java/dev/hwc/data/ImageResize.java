package dev.hwc.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * How an image file becomes a model input of C × H × W:
 * <ol>
 *   <li>Channels: an image with the wanted channel count is taken as stored; a colour image wanted grey becomes its
 *       ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B, as PIL's {@code convert("L")}), a grey image wanted in colour
 *       repeats its value in R, G and B. Alpha is dropped.</li>
 *   <li>Size: an image of exactly H × W is used unchanged. Otherwise it is scaled by {@code s = max(H / h, W / w)} so
 *       that it covers H × W (to {@code round(w·s)} × {@code round(h·s)}, at least W × H) with Java2D's bilinear
 *       interpolation, then the centre H × W is cut out (offsets rounded down): torchvision's {@code Resize} of the
 *       shorter side followed by {@code CenterCrop}, for square inputs.</li>
 *   <li>Values: 8-bit samples divided by 255.</li>
 * </ol>
 */
public final class ImageResize {
  private ImageResize() {}

  /** {@code image} at {@code shape}, as floats in [0, 1] in C, H, W order, written at {@code out[offset..]}. */
  public static void toPixels(BufferedImage image, ImageShape shape, float[] out, int offset) {
    BufferedImage work = withChannels(image, shape.channels());
    int h = work.getHeight(), w = work.getWidth(), th = shape.height(), tw = shape.width();
    int x0 = 0, y0 = 0;
    if (h != th || w != tw) {
      double s = Math.max(th / (double) h, tw / (double) w);
      int sw = Math.max(tw, (int) Math.round(w * s)), sh = Math.max(th, (int) Math.round(h * s));
      BufferedImage scaled = new BufferedImage(sw, sh, work.getType());
      Graphics2D g = scaled.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(work, 0, 0, sw, sh, null);
      g.dispose();
      work = scaled;
      x0 = (sw - tw) / 2;
      y0 = (sh - th) / 2;
    }
    Raster r = work.getRaster();
    int plane = th * tw;
    if (shape.channels() == 1) {
      for (int y = 0; y < th; y++)
        for (int x = 0; x < tw; x++) out[offset + y * tw + x] = r.getSample(x0 + x, y0 + y, 0) / 255f;
    } else {
      for (int y = 0; y < th; y++)
        for (int x = 0; x < tw; x++) {
          int rgb = work.getRGB(x0 + x, y0 + y);
          out[offset + y * tw + x] = ((rgb >> 16) & 0xff) / 255f;
          out[offset + plane + y * tw + x] = ((rgb >> 8) & 0xff) / 255f;
          out[offset + 2 * plane + y * tw + x] = (rgb & 0xff) / 255f;
        }
    }
  }

  /** The channel count of a decoded image: 1 for grey, 3 for colour (alpha not counted). */
  public static int channels(BufferedImage image) {
    return image.getColorModel().getNumColorComponents() == 1 ? 1 : 3;
  }

  /** {@code image} as 8-bit grey ({@code channels} 1) or 8-bit RGB (3), converted as the class comment says. */
  static BufferedImage withChannels(BufferedImage image, int channels) {
    int h = image.getHeight(), w = image.getWidth();
    if (channels == 1) {
      if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) return image;
      BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
      var out = grey.getRaster();
      boolean isGrey = channels(image) == 1;
      int max = (1 << image.getColorModel().getComponentSize(0)) - 1;
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
          int v;
          if (isGrey) {
            v = (int) Math.round(image.getRaster().getSample(x, y, 0) * 255.0 / max);
          } else {
            int rgb = image.getRGB(x, y);
            v = (int) Math.round(0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff));
          }
          out.setSample(x, y, 0, v);
        }
      return grey;
    }
    if (image.getType() == BufferedImage.TYPE_INT_RGB) return image;
    BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    if (channels(image) == 1) {
      BufferedImage grey = withChannels(image, 1);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
          int v = grey.getRaster().getSample(x, y, 0);
          rgb.setRGB(x, y, (v << 16) | (v << 8) | v);
        }
    } else {
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) rgb.setRGB(x, y, image.getRGB(x, y) & 0xffffff);
    }
    return rgb;
  }
}
