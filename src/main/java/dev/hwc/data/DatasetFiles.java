package dev.hwc.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A labelled image set opened from disk: its training and test splits (and validation split, where it has one), its
 * class count and its fingerprint. The format is detected from the path:
 * <ul>
 *   <li>a {@code .npz} file: NumPy arrays {@code x_train, y_train, x_test, y_test} (and optionally {@code x_val, y_val});</li>
 *   <li>a directory with the four MNIST IDX files ({@code .gz} or not);</li>
 *   <li>a directory with {@code data_batch_1.bin … data_batch_5.bin, test_batch.bin} (CIFAR-10) or {@code train.bin,
 *       test.bin} (CIFAR-100), or holding the {@code cifar-10-batches-bin} / {@code cifar-100-binary} folder of the
 *       official archives;</li>
 *   <li>a directory with {@code train/} and {@code test/} (and optionally {@code val/}) image folders.</li>
 * </ul>
 * Opening reads labels, not images.
 */
public record DatasetFiles(DatasetFormat format, Path path, ImageSource train, ImageSource test, ImageSource val,
                           int numClasses, String fingerprint) {

  static final String[] IDX_FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};
  static final List<String> CIFAR10_FILES = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");

  public boolean hasVal() {
    return val != null;
  }

  /** {@code "CIFAR-10 binary /data/cifar"}: the format and the path, for messages. */
  public String describe() {
    return format.title() + " " + path;
  }

  /**
   * Opens the dataset at {@code path}.
   *
   * @param cifar100Labels {@code fine} or {@code coarse}: which label byte of a CIFAR-100 record is the class
   */
  public static DatasetFiles open(Path path, String cifar100Labels) {
    if (Files.isRegularFile(path)) {
      if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npz")) return npz(path);
      throw new IllegalArgumentException("data " + path + " is a file but not a .npz: " + EXPECTED);
    }
    if (!Files.isDirectory(path))
      throw new IllegalArgumentException("data " + path + " not found: install Debian's dataset-fashion-mnist "
          + "(apt-get install dataset-fashion-mnist) or pass --data PATH (" + EXPECTED + ")");
    if (locateIdx(path, IDX_FILES[0]) != null) return idx(path);
    for (String sub : new String[] {"cifar-10-batches-bin", "cifar-100-binary"})
      if (Files.isDirectory(path.resolve(sub))) return open(path.resolve(sub), cifar100Labels);
    if (Files.isRegularFile(path.resolve("data_batch_1.bin"))) return cifar10(path);
    if (Files.isRegularFile(path.resolve("train.bin"))) return cifar100(path, cifar100Labels);
    if (Files.isDirectory(path.resolve("train"))) return folder(path);
    throw new IllegalArgumentException("data directory " + path + " holds no dataset hwc reads: " + EXPECTED);
  }

  private static final String EXPECTED = "expected the four MNIST IDX files, CIFAR-10 data_batch_1..5.bin + test_batch.bin, "
      + "CIFAR-100 train.bin + test.bin, a .npz with x_train/y_train/x_test/y_test, or train/ and test/ image folders";

  private static DatasetFiles idx(Path dir) {
    Path[] f = new Path[IDX_FILES.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = locateIdx(dir, IDX_FILES[i]);
      if (f[i] == null) throw new IllegalArgumentException("data directory " + dir + " has no " + IDX_FILES[i] + "[.gz]: expected the four MNIST-format IDX files");
    }
    ImageSource train = new IdxSource(f[0], f[1]), test = new IdxSource(f[2], f[3]);
    if (!train.shape().equals(test.shape()))
      throw new IllegalArgumentException(f[2] + ": image size " + test.shape() + " differs from the training images " + train.shape());
    return of(DatasetFormat.IDX, dir, train, test, null, -1, digest(List.of(f)));
  }

  static Path locateIdx(Path dir, String base) {
    for (String name : new String[] {base + ".gz", base}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) return p;
    }
    return null;
  }

  private static DatasetFiles cifar10(Path dir) {
    List<Path> train = new ArrayList<>();
    for (String n : CIFAR10_FILES) train.add(required(dir, n, "CIFAR-10"));
    Path test = required(dir, "test_batch.bin", "CIFAR-10");
    List<Path> all = new ArrayList<>(train);
    all.add(test);
    return of(DatasetFormat.CIFAR10, dir, new CifarSource("CIFAR-10", train, 1, 0), new CifarSource("CIFAR-10", List.of(test), 1, 0),
        null, -1, digest(all));
  }

  private static DatasetFiles cifar100(Path dir, String labels) {
    int index = switch (labels) {
      case "fine" -> 1;
      case "coarse" -> 0;
      default -> throw new IllegalArgumentException("hwc.data.cifar100-labels '" + labels + "' is not fine or coarse");
    };
    Path train = required(dir, "train.bin", "CIFAR-100"), test = required(dir, "test.bin", "CIFAR-100");
    String kind = "CIFAR-100 (" + labels + " labels)";
    return of(DatasetFormat.CIFAR100, dir, new CifarSource(kind, List.of(train), 2, index), new CifarSource(kind, List.of(test), 2, index),
        null, -1, digest(List.of(train, test)));
  }

  private static Path required(Path dir, String name, String kind) {
    Path p = dir.resolve(name);
    if (!Files.isRegularFile(p)) throw new IllegalArgumentException("data directory " + dir + " has no " + name + ": a " + kind + " binary directory needs it");
    return p;
  }

  private static DatasetFiles npz(Path file) {
    List<String> members;
    try (var reader = new org.jetbrains.bio.npy.NpzFile.Reader(file)) {
      members = reader.introspect().stream().map(org.jetbrains.bio.npy.NpzEntry::getName).toList();
    } catch (Exception e) { // the Kotlin library throws java.util.zip's checked exceptions undeclared
      throw new IllegalArgumentException(file + ": not a readable .npz (" + e.getMessage() + ")", e);
    }
    for (String m : List.of("x_train", "y_train", "x_test", "y_test"))
      if (!members.contains(m))
        throw new IllegalArgumentException(file + ": no array " + m + " (keras.datasets convention: x_train, y_train, x_test, y_test; found " + members + ")");
    boolean val = members.contains("x_val") && members.contains("y_val");
    return of(DatasetFormat.NPZ, file, new NpzSource(file, "x_train", "y_train"), new NpzSource(file, "x_test", "y_test"),
        val ? new NpzSource(file, "x_val", "y_val") : null, -1, digest(List.of(file)));
  }

  private static DatasetFiles folder(Path dir) {
    if (!Files.isDirectory(dir.resolve("test")))
      throw new IllegalArgumentException("image folder " + dir + " has train/ but no test/ (expected train/, test/ and optionally val/)");
    List<String> classes = ImageFolderSource.classNames(dir.resolve("train"));
    var train = new ImageFolderSource(dir.resolve("train"), classes);
    var test = new ImageFolderSource(dir.resolve("test"), classes);
    var val = Files.isDirectory(dir.resolve("val")) ? new ImageFolderSource(dir.resolve("val"), classes) : null;
    // Hashing every image of a large folder would cost more than the search reads; names and sizes identify it.
    StringBuilder listing = new StringBuilder();
    for (ImageFolderSource s : val == null ? List.of(train, test) : List.of(train, test, val))
      for (Path f : s.files()) listing.append(dir.relativize(f).toString().replace('\\', '/')).append('\t').append(size(f)).append('\n');
    return of(DatasetFormat.IMAGE_FOLDER, dir, train, test, val, classes.size(), sha256(listing.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** Completes a dataset: the class count (max label + 1 unless given) and the check that every split is non-empty. */
  private static DatasetFiles of(DatasetFormat format, Path path, ImageSource train, ImageSource test, ImageSource val,
                                 int classes, String fingerprint) {
    int max = -1;
    for (ImageSource s : val == null ? List.of(train, test) : List.of(train, test, val)) {
      if (s.size() == 0) throw new IllegalArgumentException(s.describe() + " of " + path + ": no examples");
      for (int l : s.labels()) max = Math.max(max, l);
    }
    return new DatasetFiles(format, path, train, test, val, classes > 0 ? classes : max + 1, fingerprint);
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new IllegalArgumentException(f + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /** SHA-256 (hex) of the files' bytes, in the given order. */
  static String digest(List<Path> files) {
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

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
