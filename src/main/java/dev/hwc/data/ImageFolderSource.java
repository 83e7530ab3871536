package dev.hwc.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * One split of an image folder in torchvision's {@code ImageFolder} convention: {@code <split>/<class>/<image>}, PNG or
 * JPEG, decoded by the JDK's ImageIO. The class index is the position of the folder's name among the training split's
 * class folders in sorted order; within a class, files are taken in sorted order. Images are decoded only when read,
 * and brought to the model's input by {@link ImageResize}.
 */
final class ImageFolderSource implements ImageSource {
  private final Path dir;
  private final List<Path> files = new ArrayList<>();
  private final int[] labels;
  private StoredShape shape;

  ImageFolderSource(Path dir, List<String> classes) {
    this.dir = dir;
    List<Integer> lab = new ArrayList<>();
    for (String folder : classNames(dir)) {
      int c = classes.indexOf(folder);
      if (c < 0)
        throw new IllegalArgumentException(dir.resolve(folder) + ": class folder not among the training split's classes " + preview(classes));
      for (Path f : images(dir.resolve(folder))) {
        files.add(f);
        lab.add(c);
      }
    }
    if (files.isEmpty()) throw new IllegalArgumentException(dir + ": no PNG or JPEG images in its class folders");
    labels = lab.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The sub-folder names of {@code dir}, sorted: the classes of an image folder. */
  static List<String> classNames(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
      if (names.isEmpty()) throw new IllegalArgumentException(dir + ": no class folders (expected one sub-folder per class)");
      return names;
    } catch (IOException e) {
      throw new IllegalArgumentException(dir + ": cannot list (" + e.getMessage() + ")", e);
    }
  }

  private static List<Path> images(Path classDir) {
    try (Stream<Path> s = Files.list(classDir)) {
      return s.filter(Files::isRegularFile).filter(p -> {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
      }).sorted().toList();
    } catch (IOException e) {
      throw new IllegalArgumentException(classDir + ": cannot list (" + e.getMessage() + ")", e);
    }
  }

  private static String preview(List<String> classes) {
    return classes.size() <= 8 ? classes.toString() : classes.subList(0, 8) + " … (" + classes.size() + ")";
  }

  /** Every image file of the split, in index order. */
  List<Path> files() {
    return files;
  }

  @Override public String describe() {
    return "image folder " + dir.getFileName() + "/";
  }

  @Override public int[] labels() {
    return labels;
  }

  /** The first image's channel count; every image is resized, so height and width are 0. */
  @Override public synchronized StoredShape shape() {
    if (shape == null) shape = new StoredShape(ImageResize.channels(decode(files.get(0))), 0, 0);
    return shape;
  }

  @Override public Dataset read(String name, int[] indices, ImageShape target, int numClasses) {
    float[] pixels = new float[indices.length * target.pixels()];
    int[] lab = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      ImageResize.toPixels(decode(files.get(indices[i])), target, pixels, i * target.pixels());
      lab[i] = labels[indices[i]];
    }
    return Dataset.of(name, pixels, target, lab, numClasses);
  }

  static BufferedImage decode(Path file) {
    try {
      BufferedImage img = ImageIO.read(file.toFile());
      if (img == null) throw new IllegalArgumentException(file + ": not a PNG or JPEG image ImageIO can decode");
      return img;
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot decode image (" + e.getMessage() + ")", e);
    }
  }
}
