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
 * buffer, per-PE scratch pads, normalised energy per read and per write at each level (one native-width MAC = 1),
 * bit-width and sparsity rules, timing, batch size. Capacities are in native words of {@code wordBits} bits.
 *
 * @param source     the file it came from (for messages and provenance), or "config" when built from a Config
 * @param dram       energy per DRAM word read / written, per data type
 * @param buffer     the same for the global buffer
 * @param array      energy per word delivered over the array network (one direction: a transfer)
 * @param rf         energy per scratch-pad word read / written, per data type (the filter, ifmap and psum pads)
 * @param activationGating   zero input activations skip their MAC and its weight and psum scratch-pad accesses
 * @param activationFormat   how activations move to and from DRAM: dense, or run-length coded
 * @param runLengthBits      run-length bits carried by each stored non-zero activation (RLC)
 * @param clockMhz           core clock, to turn cycles into time
 * @param dramWordsPerCycle  DRAM bandwidth in native words per core cycle (0: unbounded)
 */
public record Accelerator(
    String name, String source,
    int peRows, int peColumns, long globalBufferBytes,
    int filterSpadWords, int ifmapSpadWords, int psumSpadWords, int wordBits,
    AccessCosts dram, AccessCosts buffer, AccessCosts array, AccessCosts rf, double macEnergy, double pjPerUnit,
    boolean packing, MacLaw macLaw, int psumBits,
    SparseFormat sparseFormat, int indexBits, boolean zeroGating,
    boolean activationGating, SparseFormat activationFormat, int runLengthBits,
    double clockMhz, double dramWordsPerCycle,
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
    nonNegative(source, "energy.mac", macEnergy);
    if (!(pjPerUnit > 0)) throw bad(source, "energy.pj-per-unit", "must be > 0, was " + pjPerUnit);
    positive(source, "bit-scaling.psum-bits", psumBits);
    if (indexBits < 0) throw bad(source, "sparse-weights.index-bits", "must be >= 0, was " + indexBits);
    if (activationFormat == SparseFormat.CSR)
      throw bad(source, "sparse-activations.format", "must be none or rlc, was csr");
    if (runLengthBits < 0) throw bad(source, "sparse-activations.run-length-bits", "must be >= 0, was " + runLengthBits);
    if (!(clockMhz > 0) || Double.isInfinite(clockMhz)) throw bad(source, "timing.clock-mhz", "must be > 0, was " + clockMhz);
    nonNegative(source, "timing.dram-words-per-cycle", dramWordsPerCycle);
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
        accessCosts(c, source, "energy.dram", true), accessCosts(c, source, "energy.global-buffer", true),
        accessCosts(c, source, "energy.array", false), accessCosts(c, source, "energy.rf", true),
        number(c, source, "energy.mac"), number(c, source, "energy.pj-per-unit"),
        bool(c, source, "bit-scaling.packing"), choice(c, source, "bit-scaling.mac-law", MacLaw.class),
        integer(c, source, "bit-scaling.psum-bits"),
        choice(c, source, "sparse-weights.format", SparseFormat.class), integer(c, source, "sparse-weights.index-bits"),
        bool(c, source, "sparse-weights.zero-gating"),
        // Optional sections: a file without them models dense activations and no time limit from DRAM.
        c.hasPath("sparse-activations.zero-gating") && bool(c, source, "sparse-activations.zero-gating"),
        c.hasPath("sparse-activations.format") ? choice(c, source, "sparse-activations.format", SparseFormat.class) : SparseFormat.NONE,
        c.hasPath("sparse-activations.run-length-bits") ? integer(c, source, "sparse-activations.run-length-bits") : 0,
        c.hasPath("timing.clock-mhz") ? number(c, source, "timing.clock-mhz") : DEFAULT_CLOCK_MHZ,
        c.hasPath("timing.dram-words-per-cycle") ? number(c, source, "timing.dram-words-per-cycle") : 0,
        integer(c, source, "batch"));
  }

  /** Core clock assumed by a file without {@code timing.clock-mhz} (Eyeriss v1 runs at 100–250 MHz). */
  public static final double DEFAULT_CLOCK_MHZ = 200;

  /** The same hardware with another batch size. */
  public Accelerator withBatch(int n) {
    return new Accelerator(name, source, peRows, peColumns, globalBufferBytes, filterSpadWords, ifmapSpadWords,
        psumSpadWords, wordBits, dram, buffer, array, rf, macEnergy, pjPerUnit, packing,
        macLaw, psumBits, sparseFormat, indexBits, zeroGating, activationGating, activationFormat, runLengthBits,
        clockMhz, dramWordsPerCycle, n);
  }

  /** Normalised energy per word read and written at a storage level. */
  public AccessCosts costs(Level level) {
    return switch (level) {
      case DRAM -> dram;
      case BUFFER -> buffer;
      case ARRAY -> array;
      case RF -> rf;
      case MAC -> throw new IllegalArgumentException("the MAC is not a storage level: use macEnergy()");
    };
  }

  /**
   * Bits per activation moved to or from DRAM at the given density (fraction of non-zeros): dense {@code bits}, or
   * with run-length coding {@code density · (bits + runLengthBits)} (one run field per non-zero), never more than dense.
   */
  public double storedActivationBits(int bits, double density) {
    if (activationFormat == SparseFormat.NONE) return bits;
    return Math.min(bits, density * (bits + runLengthBits));
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

  /**
   * A level's energies: a number (every data type, read and write), {@code { read = R, write = W }}, or one entry per
   * data type ({@code weights}, {@code inputs}, {@code psums}), each a number or {@code { read, write }}. The array
   * network moves words between levels: one energy per transfer, no read/write split.
   */
  private static AccessCosts accessCosts(Config c, String source, String key, boolean readWrite) {
    present(c, source, key);
    if (c.getValue(key).valueType() != com.typesafe.config.ConfigValueType.OBJECT) {
      double e = number(c, source, key);
      nonNegative(source, key, e);
      return AccessCosts.uniform(e);
    }
    Config level = c.getConfig(key);
    java.util.Set<String> keys = level.root().keySet();
    java.util.List<String> types = java.util.List.of("weights", "inputs", "psums");
    for (String k : keys)
      if (!types.contains(k) && !k.equals("read") && !k.equals("write"))
        throw bad(source, key + "." + k, "is not a known key (read, write, weights, inputs, psums)");
    boolean perType = keys.stream().anyMatch(types::contains);
    if (perType && (keys.contains("read") || keys.contains("write")))
      throw bad(source, key, "gives read/write for all data types and per data type at once: give one or the other");
    if (!perType) {
      double[] rw = readWrite(c, source, key, readWrite);
      return new AccessCosts(new DataCosts(rw[0], rw[0], rw[0]), new DataCosts(rw[1], rw[1], rw[1]));
    }
    double[][] t = new double[3][];
    for (int i = 0; i < 3; i++) {
      String tk = key + "." + types.get(i);
      present(c, source, tk);
      if (c.getValue(tk).valueType() == com.typesafe.config.ConfigValueType.OBJECT) {
        for (String k : c.getConfig(tk).root().keySet())
          if (!k.equals("read") && !k.equals("write")) throw bad(source, tk + "." + k, "is not a known key (read, write)");
        t[i] = readWrite(c, source, tk, readWrite);
      } else {
        double e = number(c, source, tk);
        nonNegative(source, tk, e);
        t[i] = new double[] {e, e};
      }
    }
    return new AccessCosts(new DataCosts(t[0][0], t[1][0], t[2][0]), new DataCosts(t[0][1], t[1][1], t[2][1]));
  }

  private static double[] readWrite(Config c, String source, String key, boolean allowed) {
    if (!allowed)
      throw bad(source, key, "is one energy per transfer: give a number (or one number per data type), not read/write");
    double r = number(c, source, key + ".read"), w = number(c, source, key + ".write");
    nonNegative(source, key + ".read", r);
    nonNegative(source, key + ".write", w);
    return new double[] {r, w};
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
