package dev.hwc.energy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * An Eyeriss-like row-stationary accelerator as described by a {@code conf/hardware/*.conf} file: PE array, global
 * buffer, per-PE scratch pads, normalised energy per access (one native-width MAC = 1), bit-width and sparsity
 * rules, batch size. Capacities are in native words of {@code wordBits} bits.
 *
 * @param source the file it came from (for messages and provenance), or "config" when built from a Config
 */
public record Accelerator(
    String name, String source,
    int peRows, int peColumns, long globalBufferBytes,
    int filterSpadWords, int ifmapSpadWords, int psumSpadWords, int wordBits,
    double dramEnergy, double bufferEnergy, double arrayEnergy, double rfEnergy, double macEnergy, double pjPerUnit,
    boolean packing, MacLaw macLaw, int psumBits,
    SparseFormat sparseFormat, int indexBits, boolean zeroGating,
    int batch) {

  /** How MAC energy scales with operand widths, relative to a wordBits × wordBits MAC. */
  public enum MacLaw {
    /** (wbits · abits) / wordBits²: an array multiplier's switched capacitance grows with the product of widths. */
    PRODUCT,
    /** (wbits + abits) / (2 · wordBits). */
    LINEAR
  }

  /** Storage format of fine-pruned weights. */
  public enum SparseFormat { NONE, RLC, CSR }

  public Accelerator {
    positive(source, "array.rows", peRows);
    positive(source, "array.columns", peColumns);
    positive(source, "global-buffer-bytes", globalBufferBytes);
    positive(source, "scratchpad-words.filter", filterSpadWords);
    positive(source, "scratchpad-words.ifmap", ifmapSpadWords);
    positive(source, "scratchpad-words.psum", psumSpadWords);
    positive(source, "word-bits", wordBits);
    nonNegative(source, "energy.dram", dramEnergy);
    nonNegative(source, "energy.global-buffer", bufferEnergy);
    nonNegative(source, "energy.array", arrayEnergy);
    nonNegative(source, "energy.rf", rfEnergy);
    nonNegative(source, "energy.mac", macEnergy);
    if (!(pjPerUnit > 0)) throw bad(source, "energy.pj-per-unit", "must be > 0, was " + pjPerUnit);
    positive(source, "bit-scaling.psum-bits", psumBits);
    if (indexBits < 0) throw bad(source, "sparse-weights.index-bits", "must be >= 0, was " + indexBits);
    positive(source, "batch", batch);
  }

  /** Reads a hardware file; any missing or bad key fails with the key and the file named. */
  public static Accelerator load(Path file) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("hardware file not found: " + file);
    Config c;
    try {
      c = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    } catch (ConfigException e) {
      throw new IllegalArgumentException("hardware file " + file + ": " + e.getMessage(), e);
    }
    return fromConfig(c, file.toString());
  }

  /** Builds from a Config holding the keys of a hardware file at its root. */
  public static Accelerator fromConfig(Config c) {
    return fromConfig(c, "config");
  }

  static Accelerator fromConfig(Config c, String source) {
    return new Accelerator(
        string(c, source, "name"), source,
        integer(c, source, "array.rows"), integer(c, source, "array.columns"),
        longValue(c, source, "global-buffer-bytes"),
        integer(c, source, "scratchpad-words.filter"), integer(c, source, "scratchpad-words.ifmap"),
        integer(c, source, "scratchpad-words.psum"), integer(c, source, "word-bits"),
        number(c, source, "energy.dram"), number(c, source, "energy.global-buffer"), number(c, source, "energy.array"),
        number(c, source, "energy.rf"), number(c, source, "energy.mac"), number(c, source, "energy.pj-per-unit"),
        bool(c, source, "bit-scaling.packing"), choice(c, source, "bit-scaling.mac-law", MacLaw.class),
        integer(c, source, "bit-scaling.psum-bits"),
        choice(c, source, "sparse-weights.format", SparseFormat.class), integer(c, source, "sparse-weights.index-bits"),
        bool(c, source, "sparse-weights.zero-gating"),
        integer(c, source, "batch"));
  }

  /** The same hardware with another batch size. */
  public Accelerator withBatch(int n) {
    return new Accelerator(name, source, peRows, peColumns, globalBufferBytes, filterSpadWords, ifmapSpadWords,
        psumSpadWords, wordBits, dramEnergy, bufferEnergy, arrayEnergy, rfEnergy, macEnergy, pjPerUnit, packing,
        macLaw, psumBits, sparseFormat, indexBits, zeroGating, n);
  }

  /** Normalised energy of one access of one native word at a level (MAC: one native-width MAC). */
  public double energyPerWord(Level level) {
    return switch (level) {
      case DRAM -> dramEnergy;
      case BUFFER -> bufferEnergy;
      case ARRAY -> arrayEnergy;
      case RF -> rfEnergy;
      case MAC -> macEnergy;
    };
  }

  /** Cost of one datum of the given width in native words: bits/wordBits with packing, else one word. */
  public double wordsPerDatum(double bits) {
    return packing ? bits / wordBits : Math.ceil(bits / wordBits);
  }

  /** How many data of the given width fit in {@code words} native words. */
  public long capacity(long words, int bits) {
    return packing ? words * wordBits / bits : words / ((bits + wordBits - 1) / wordBits);
  }

  /** Energy of one MAC with the given operand widths, relative to one native-width MAC. */
  public double macScale(int weightBits, int activationBits) {
    return switch (macLaw) {
      case PRODUCT -> (double) weightBits * activationBits / ((double) wordBits * wordBits);
      case LINEAR -> (weightBits + activationBits) / (2.0 * wordBits);
    };
  }

  /**
   * Stored bits per weight of a layer whose weights have the given density: dense {@code wbits}, or with a sparse
   * format {@code density · (wbits + indexBits)} (one index field per non-zero), never more than dense.
   */
  public double storedWeightBits(int weightBits, double density) {
    if (sparseFormat == SparseFormat.NONE) return weightBits;
    return Math.min(weightBits, density * (weightBits + indexBits));
  }

  public long globalBufferBits() {
    return globalBufferBytes * 8;
  }

  private static IllegalArgumentException bad(String source, String key, String problem) {
    return new IllegalArgumentException("hardware file " + source + ": " + key + " " + problem);
  }

  private static void positive(String source, String key, long v) {
    if (v < 1) throw bad(source, key, "must be >= 1, was " + v);
  }

  private static void nonNegative(String source, String key, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) throw bad(source, key, "must be >= 0, was " + v);
  }

  private static void present(Config c, String source, String key) {
    if (!c.hasPath(key)) throw bad(source, key, "is missing");
  }

  private static String string(Config c, String source, String key) {
    present(c, source, key);
    try { return c.getString(key); } catch (ConfigException e) { throw bad(source, key, "must be a string"); }
  }

  private static int integer(Config c, String source, String key) {
    present(c, source, key);
    try { return c.getInt(key); } catch (ConfigException e) { throw bad(source, key, "must be an integer, was " + c.getValue(key).render()); }
  }

  private static long longValue(Config c, String source, String key) {
    present(c, source, key);
    try { return c.getLong(key); } catch (ConfigException e) { throw bad(source, key, "must be an integer, was " + c.getValue(key).render()); }
  }

  private static double number(Config c, String source, String key) {
    present(c, source, key);
    try { return c.getDouble(key); } catch (ConfigException e) { throw bad(source, key, "must be a number, was " + c.getValue(key).render()); }
  }

  private static boolean bool(Config c, String source, String key) {
    present(c, source, key);
    try { return c.getBoolean(key); } catch (ConfigException e) { throw bad(source, key, "must be true or false, was " + c.getValue(key).render()); }
  }

  private static <E extends Enum<E>> E choice(Config c, String source, String key, Class<E> type) {
    String v = string(c, source, key);
    try {
      return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad(source, key, "must be one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT) + ", was \"" + v + "\"");
    }
  }
}
