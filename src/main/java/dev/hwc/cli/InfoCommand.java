package dev.hwc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hwc.model.LayerShape;
import dev.hwc.model.ModelGraph;
import dev.hwc.model.ModelIO;
import dev.hwc.model.ModelMetadata;
import dev.hwc.model.Network;
import dev.hwc.model.Node;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code hwc info}: the layer table of a model zip with its totals and provenance. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show a model's layers (shapes, kernels, params, MACs), totals and metadata.")
public final class InfoCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, description = "model zip") Path model;
  @Option(names = "--json", description = "print as JSON") boolean json;

  /** One node of the table; kernel/stride/groups are 0 where they do not apply, MACs only for prunable layers. */
  public record Row(String name, String type, String input, String output, int kernel, int stride, int groups, long params, long macs) {}

  /** {@code fineGrainedOnly}: the layers whose channels coarse pruning cannot follow, with why (ModelGraph). */
  public record Info(String model, List<Row> layers, long totalParams, long totalMacs, int prunableLayers,
                     Map<String, String> fineGrainedOnly, ModelMetadata metadata) {}

  public static Info describe(Network net, String source) {
    Map<String, int[]> shapes = net.outputShapes();
    Map<String, LayerShape> prunable = net.layerShapes().stream().collect(Collectors.toMap(LayerShape::name, s -> s));
    List<Row> rows = new ArrayList<>();
    for (Node n : net.nodes()) {
      String in = n.inputs().stream().map(i -> dims(shapes.get(i))).collect(Collectors.joining(" + "));
      long params = 0;
      for (Map.Entry<String, INDArray> e : net.params().entrySet()) if (e.getKey().startsWith(n.name() + "/")) params += e.getValue().length();
      int kernel = 0, stride = 0, groups = 0;
      String type = n.getClass().getSimpleName().toLowerCase();
      if (n instanceof Node.Conv2d c) {
        kernel = c.kernelH();
        stride = c.stride();
        groups = c.groups();
        type = c.depthwise() ? "depthwise-conv" : "conv";
      } else if (n instanceof Node.Pool p) {
        kernel = p.kernel();
        stride = p.stride();
        type = p.type().name().toLowerCase() + "-pool";
      } else if (n instanceof Node.Activation a) {
        type = a.kind().name().toLowerCase();
      } else if (n instanceof Node.Dense) {
        groups = 1;
      }
      LayerShape s = prunable.get(n.name());
      rows.add(new Row(n.name(), type, in.isEmpty() ? "-" : in, dims(shapes.get(n.name())), kernel, stride, groups, params, s == null ? 0 : s.macs()));
    }
    return new Info(source, rows, net.totalParams(), net.totalMacs(), prunable.size(), ModelGraph.of(net).coarseRestrictions(), net.metadata());
  }

  private static String dims(int[] s) {
    return Arrays.stream(s).mapToObj(Integer::toString).collect(Collectors.joining("x"));
  }

  @Override
  public Integer call() throws Exception {
    Info info = describe(ModelIO.load(model), model.toString());
    if (json) {
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info));
      return 0;
    }
    ModelMetadata m = info.metadata();
    System.out.printf("%s: %s, seed %d, %d epochs, test accuracy %.4f, trained %.1f s, data %s, created %s%n", model,
        m.architecture(), m.seed(), m.epochs(), m.testAccuracy(), m.trainingSeconds(),
        m.datasetFingerprint().isEmpty() ? "-" : m.datasetFingerprint().substring(0, Math.min(12, m.datasetFingerprint().length())),
        m.created().isEmpty() ? "-" : m.created());
    System.out.println("trained on: " + m.extra().getOrDefault("training-images",
        m.epochs() > 0 ? "the training split of its data less the search holdout (hwc train)" : "not stated"));
    String fmt = "%-18s %-15s %-14s %-10s %6s %6s %6s %10s %12s%n";
    System.out.printf(fmt, "layer", "type", "input", "output", "kernel", "stride", "groups", "params", "MACs");
    for (Row r : info.layers())
      System.out.printf(fmt, r.name(), r.type(), r.input(), r.output(), r.kernel() == 0 ? "" : r.kernel(),
          r.stride() == 0 ? "" : r.stride(), r.groups() == 0 ? "" : r.groups(), r.params() == 0 ? "" : String.format("%,d", r.params()),
          r.macs() == 0 ? "" : String.format("%,d", r.macs()));
    System.out.printf("total: %,d params, %,d MACs in %d prunable layers%n", info.totalParams(), info.totalMacs(), info.prunableLayers());
    java.io.PrintWriter out = new java.io.PrintWriter(System.out, true);
    printRestrictions(info.fineGrainedOnly(), info.prunableLayers(), Integer.MAX_VALUE, model, out);
    out.flush();
    return 0;
  }

  /**
   * The layers a search prunes only element-wise (a coarse choice there runs Magnitude), one line each up to
   * {@code limit}, then a count and where to see them all.
   */
  static void printRestrictions(Map<String, String> restricted, int layers, int limit, Path model, java.io.PrintWriter out) {
    if (restricted.isEmpty()) return;
    out.printf("fine-grained pruning only on %d of %d layers (coarse pruning cannot follow their channels, so a coarse "
        + "choice prunes their weights element-wise):%n", restricted.size(), layers);
    int shown = 0;
    for (var e : restricted.entrySet()) {
      if (shown++ == limit) {
        out.printf("  ... and %d more (hwc info --model %s lists them)%n", restricted.size() - limit, model);
        break;
      }
      out.printf("  %s: %s%n", e.getKey(), e.getValue());
    }
  }
}
