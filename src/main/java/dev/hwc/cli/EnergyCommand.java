package dev.hwc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.Config;
import dev.hwc.energy.Accelerator;
import dev.hwc.energy.DataType;
import dev.hwc.energy.EnergyBreakdown;
import dev.hwc.energy.EnergySettings;
import dev.hwc.energy.LayerLoad;
import dev.hwc.energy.Level;
import dev.hwc.energy.ModelEnergy;
import dev.hwc.energy.RowStationaryModel;
import dev.hwc.model.LayerKind;
import dev.hwc.model.LayerShape;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hwc energy}: row-stationary energy of one layer given by its shape (per-level, per-datatype table), or of
 * several layers as a model (per-layer table, total and reduction against the dense baseline-bits baseline).
 */
@Command(name = "energy", mixinStandardHelpOptions = true,
    description = "Estimate Eyeriss row-stationary energy of a layer shape (or of several, as a model).")
public final class EnergyCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--layer", required = true, paramLabel = "SPEC",
        description = "layer shape and load, e.g. \"N=1,C=3,H=227,W=227,M=96,R=11,S=11,stride=4,pad=0,wbits=16,abits=16,density=1.0\""
            + " (W defaults to H, S to R, N to the hardware batch, stride 1, pad 0, groups 1, bits to the hardware word, density 1;"
            + " idensity/odensity: non-zero fraction of input/output activations, default 1;"
            + " name=... labels it). Repeat for a model.")
    List<String> layers;
    @Option(names = "--model", required = true, paramLabel = "M",
        description = "a model zip, or a reference architecture name (lenet5, vgg-small, resnet-small, mobilenet-small): its prunable layers")
    String model;
  }

  @Option(names = "--uniform", paramLabel = "R:ALG:W:A",
      description = "with --model: the same decision for every layer; R (pruning ratio) must be 0 (a pruned model's energy: hwc compress) (default: 0:none:B:B, B = baseline bits)")
  String uniform;
  @Option(names = "--hardware", paramLabel = "FILE", description = "hardware file (default hwc.energy.hardware)") Path hardware;
  @Mixin ConfigOption config;
  @Option(names = "--json", description = "print the result as JSON") boolean json;

  static final List<String> KEYS = List.of("NAME", "N", "C", "H", "W", "M", "R", "S", "STRIDE", "PAD", "GROUPS", "WBITS", "ABITS", "DENSITY",
      "IDENSITY", "ODENSITY");

  @Override
  public Integer call() throws Exception {
    Config cfg = config.load();
    EnergySettings settings = EnergySettings.fromConfig(cfg.getConfig("hwc.energy"));
    Path hwFile = hardware != null ? hardware : HwcConfig.resolve(settings.hardware());
    Accelerator hw = Accelerator.load(hwFile);
    RowStationaryModel model = new RowStationaryModel(hw, settings.densityStep());
    PrintStream out = System.out;
    if (source.model != null) {
      List<LayerShape> shapes = modelShapes(source.model);
      LayerLoad load = parseUniform(uniform, settings.baselineBits());
      ModelEnergy.Estimate est = estimateModel(new ModelEnergy(model, settings.baselineBits()),
          shapes.stream().map(s -> new ModelEnergy.LayerWork(s, load)).toList());
      if (json) out.println(json(est));
      else {
        out.printf("model %s: %d prunable layers, uniform wbits=%d abits=%d density=%.2f, batch %d%n", source.model, shapes.size(),
            load.weightBits(), load.activationBits(), load.weightDensity(), hw.batch());
        printModel(out, hw, hwFile, settings.baselineBits(), est);
      }
      return 0;
    }
    if (uniform != null) throw new IllegalArgumentException("--uniform needs --model");
    List<String> layers = source.layers;
    List<ModelEnergy.LayerWork> work = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) work.add(parseLayer(layers.get(i), i, hw));
    if (work.size() == 1) {
      EnergyBreakdown b = model.estimate(work.get(0).shape(), work.get(0).load());
      if (json) out.println(json(new LayerResult(hw.name(), hwFile.toString(), work.get(0).shape(), b, b.totalEnergy(), b.totalPj(), b.dramAccessesPerMac())));
      else printLayer(out, hw, hwFile, work.get(0).shape(), b);
    } else {
      ModelEnergy.Estimate est = estimateModel(new ModelEnergy(model, settings.baselineBits()), work);
      if (json) out.println(json(est));
      else printModel(out, hw, hwFile, settings.baselineBits(), est);
    }
    return 0;
  }

  /** A model zip's prunable layer shapes, or a reference architecture's (built only for its shapes). */
  static List<LayerShape> modelShapes(String model) {
    Path file = HwcConfig.resolve(model);
    if (java.nio.file.Files.isRegularFile(file)) return dev.hwc.model.ModelIO.load(file).layerShapes();
    if (dev.hwc.model.ReferenceArchitectures.NAMES.contains(model))
      return dev.hwc.model.ReferenceArchitectures.create(model, 0).layerShapes();
    throw new IllegalArgumentException("--model " + model + ": neither a model file nor a reference architecture (known: "
        + String.join(", ", dev.hwc.model.ReferenceArchitectures.NAMES) + ")");
  }

  /** {@code R:ALG:W:A}; only R = 0 until the compress package's pruning lands (fine R would be density 1 − R). */
  static LayerLoad parseUniform(String spec, int baselineBits) {
    if (spec == null) return LayerLoad.dense(baselineBits);
    String[] f = spec.split(":");
    if (f.length != 4) throw new IllegalArgumentException("--uniform \"" + spec + "\": expected R:ALG:W:A, e.g. 0:none:6:8");
    double ratio;
    int w, a;
    try {
      ratio = Double.parseDouble(f[0]);
      w = Integer.parseInt(f[2]);
      a = Integer.parseInt(f[3]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--uniform \"" + spec + "\": R must be a number and W, A integers");
    }
    if (ratio != 0)
      throw new IllegalArgumentException("--uniform \"" + spec + "\": pruning ratio " + f[0] + " needs the compressor (which weights and channels go depends on the "
          + "model's weights): use R=0 here, or 'hwc compress --uniform " + spec + "', which prints the compressed model's energy");
    try {
      return new LayerLoad(w, a, 1.0);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--uniform \"" + spec + "\": " + e.getMessage(), e);
    }
  }

  /**
   * The model form: any list of (shape, load), as the search or a model file yields it. Shapes of batch 1 get the
   * hardware's batch; others (a --layer's explicit N) keep theirs.
   */
  static ModelEnergy.Estimate estimateModel(ModelEnergy energy, List<ModelEnergy.LayerWork> work) {
    return energy.estimate(work);
  }

  record LayerResult(String hardware, String hardwareFile, LayerShape shape, EnergyBreakdown breakdown,
                     double totalEnergy, double totalPj, double dramAccessesPerMac) {}

  /** Parses a --layer spec; every problem is reported with the spec and the key. */
  static ModelEnergy.LayerWork parseLayer(String spec, int index, Accelerator hw) {
    Map<String, String> kv = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      if (part.isBlank()) continue;
      int eq = part.indexOf('=');
      if (eq < 0) throw new IllegalArgumentException("--layer \"" + spec + "\": expected KEY=VALUE, got '" + part.trim() + "'");
      String key = part.substring(0, eq).trim().toUpperCase(Locale.ROOT);
      if (!KEYS.contains(key))
        throw new IllegalArgumentException("--layer \"" + spec + "\": unknown key '" + part.substring(0, eq).trim() + "' (known: "
            + String.join(", ", KEYS) + ")");
      if (kv.put(key, part.substring(eq + 1).trim()) != null)
        throw new IllegalArgumentException("--layer \"" + spec + "\": key '" + key + "' given twice");
    }
    int c = intKey(spec, kv, "C", null), h = intKey(spec, kv, "H", null), m = intKey(spec, kv, "M", null);
    int r = intKey(spec, kv, "R", null);
    int w = intKey(spec, kv, "W", h), s = intKey(spec, kv, "S", r);
    int n = intKey(spec, kv, "N", hw.batch()), stride = intKey(spec, kv, "STRIDE", 1), pad = intKey(spec, kv, "PAD", 0);
    int groups = intKey(spec, kv, "GROUPS", 1);
    int wbits = intKey(spec, kv, "WBITS", hw.wordBits()), abits = intKey(spec, kv, "ABITS", hw.wordBits());
    double density = numberKey(spec, kv, "DENSITY"), inputDensity = numberKey(spec, kv, "IDENSITY"),
        outputDensity = numberKey(spec, kv, "ODENSITY");
    String name = kv.getOrDefault("NAME", "layer" + index);
    LayerKind kind = groups > 1 && groups == c && groups == m ? LayerKind.DEPTHWISE_CONV
        : (h == 1 && w == 1 && r == 1 && s == 1 ? LayerKind.DENSE : LayerKind.CONV);
    if (r > h + 2 * pad || s > w + 2 * pad)
      throw new IllegalArgumentException("--layer \"" + spec + "\": kernel " + r + "x" + s + " larger than the padded input "
          + (h + 2 * pad) + "x" + (w + 2 * pad));
    try {
      return new ModelEnergy.LayerWork(new LayerShape(index, name, kind, n, c, h, w, m, r, s, stride, pad, groups),
          new LayerLoad(wbits, abits, density, inputDensity, outputDensity));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--layer \"" + spec + "\": " + e.getMessage(), e);
    }
  }

  private static double numberKey(String spec, Map<String, String> kv, String key) {
    String v = kv.getOrDefault(key, "1");
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--layer \"" + spec + "\": " + key.toLowerCase(Locale.ROOT) + " must be a number, was '" + v + "'");
    }
  }

  private static int intKey(String spec, Map<String, String> kv, String key, Integer dflt) {
    String v = kv.get(key);
    if (v == null) {
      if (dflt == null) throw new IllegalArgumentException("--layer \"" + spec + "\": missing " + key);
      return dflt;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--layer \"" + spec + "\": " + key + " must be an integer, was '" + v + "'");
    }
  }

  static void printLayer(PrintStream out, Accelerator hw, Path hwFile, LayerShape shape, EnergyBreakdown b) {
    LayerLoad l = b.load();
    out.printf("hardware %s (%s)%n", hw.name(), hwFile);
    out.printf("layer %s: wbits=%d abits=%d density=%.2f, activation densities in %.2f out %.2f%n", shape, l.weightBits(),
        l.activationBits(), l.weightDensity(), l.inputDensity(), l.outputDensity());
    out.printf("mapping %s%n", b.mapping());
    out.printf("MACs %,.0f (executed %,.0f), DRAM words per MAC %.5f%n", b.macs(), b.accesses().mac(), b.dramAccessesPerMac());
    var min = b.minimumDram();
    out.printf("DRAM words %,.0f; minimum of any mapping %,.0f (weights %,.0f, inputs %,.0f, outputs %,.0f): %.2fx%n",
        b.accesses().level(Level.DRAM), min.total(), min.weights(), min.inputs(), min.psums(), b.accesses().level(Level.DRAM) / min.total());
    var t = b.latency();
    out.printf("cycles %,.0f (compute %,.0f, DRAM %,.0f), %.4f ms at %.0f MHz, PE utilisation %.1f%%%n", t.cycles(),
        t.computeCycles(), t.dramCycles(), t.millis(), t.clockMhz(), 100 * t.utilisation(b.macs()));
    out.printf("%-7s %14s %14s %14s | %14s %14s %14s | %14s %14s %6s%n", "level", "weights words", "inputs words",
        "psums words", "weights E", "inputs E", "psums E", "energy", "pJ", "share");
    double total = b.totalEnergy();
    for (Level lv : Level.values()) {
      if (lv == Level.MAC) {
        out.printf("%-7s %14s %14s %14s | %14s %14s %14s | %14.4g %14.4g %5.1f%%%n", "MAC", String.format("%,.0f ops", b.accesses().mac()),
            "", "", "", "", "", b.energy().mac(), b.energy().mac() * b.pjPerUnit(), 100 * b.energy().mac() / total);
        continue;
      }
      var a = b.accesses().at(lv);
      var e = b.energy().at(lv);
      out.printf("%-7s %14.4g %14.4g %14.4g | %14.4g %14.4g %14.4g | %14.4g %14.4g %5.1f%%%n", lv, a.weights(), a.inputs(), a.psums(),
          e.weights(), e.inputs(), e.psums(), e.total(), e.total() * b.pjPerUnit(), 100 * e.total() / total);
    }
    out.printf("%-7s %14s %14s %14s | %14.4g %14.4g %14.4g | %14.4g %14.4g %5.1f%%%n", "total", "", "", "",
        b.energy().type(DataType.WEIGHTS), b.energy().type(DataType.INPUTS), b.energy().type(DataType.PSUMS), total, b.totalPj(), 100.0);
    out.println("(words: native " + hw.wordBits() + "-bit words; E: normalised to one " + hw.wordBits() + "-bit MAC; pJ at "
        + hw.pjPerUnit() + " pJ per unit)");
  }

  static void printModel(PrintStream out, Accelerator hw, Path hwFile, int baselineBits, ModelEnergy.Estimate est) {
    out.printf("hardware %s (%s)%n", hw.name(), hwFile);
    out.printf("%-12s %14s %10s %8s %12s %12s %12s %12s %12s %12s %12s %14s %6s%n", "layer", "MACs", "DRAM/MAC", "DRAM/min",
        "DRAM", "BUFFER", "ARRAY", "RF", "MAC", "energy", "pJ", "cycles", "util");
    List<EnergyBreakdown> rows = new ArrayList<>(est.layers());
    rows.add(est.total());
    rows.add(est.baseline());
    for (EnergyBreakdown b : rows) {
      out.printf("%-12s %,14.0f %10.5f %8.2f %12.4g %12.4g %12.4g %12.4g %12.4g %12.4g %12.4g %,14.0f %5.1f%%%n", b.layer(), b.macs(),
          b.dramAccessesPerMac(), b.accesses().level(Level.DRAM) / b.minimumDram().total(),
          b.energy().level(Level.DRAM), b.energy().level(Level.BUFFER), b.energy().level(Level.ARRAY), b.energy().level(Level.RF),
          b.energy().mac(), b.totalEnergy(), b.totalPj(), b.latency().cycles(), 100 * b.latency().utilisation(b.macs()));
    }
    out.printf("latency %.3f ms per batch of %d at %.0f MHz (DRAM/min: DRAM words over the least any mapping moves)%n",
        est.total().latency().millis(), hw.batch(), hw.clockMhz());
    out.printf("energy reduction vs dense %d-bit baseline: %.1f%%%n", baselineBits, 100 * est.reduction());
  }

  static String json(Object o) throws Exception {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
  }
}
