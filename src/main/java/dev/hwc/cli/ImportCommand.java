package dev.hwc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.InputNormalisation;
import dev.hwc.model.KerasImport;
import dev.hwc.model.ModelIO;
import dev.hwc.model.ModelMetadata;
import dev.hwc.model.Network;
import dev.hwc.model.OnnxImport;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hwc import}: converts a model trained elsewhere (ONNX from PyTorch, Keras h5) into an hwc model zip, which {@code info}, {@code evaluate},
 * {@code energy}, {@code compress} and {@code search} then take unchanged. The translated network is built and run
 * once on a zero batch before anything is written, so a model that cannot execute leaves no file behind.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Import an ONNX model (as exported from PyTorch) or a Keras h5 model into an hwc model zip.")
public final class ImportCommand implements Callable<Integer> {
  static final class Source {
    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "ONNX model file (opsets 11-17)") Path onnx;
    @Option(names = "--keras", required = true, paramLabel = "FILE", description = "Keras 2 model saved as HDF5 (model.save(\"x.h5\"))") Path keras;

    Path file() {
      return onnx != null ? onnx : keras;
    }
  }

  @ArgGroup(exclusive = true, multiplicity = "1") Source source;
  @Option(names = "--out", required = true, description = "output model zip, e.g. models/x.zip") Path out;
  @Option(names = "--input-scale", defaultValue = "1", paramLabel = "S",
      description = "the model takes (pixel/255 * S - mean) / std; S = 255 for a model trained on raw 0..255 pixels (default 1)") double scale;
  @Option(names = "--input-mean", split = ",", paramLabel = "M", description = "per-channel mean subtracted after scaling (one value or one per channel; default 0)")
  List<Double> mean;
  @Option(names = "--input-std", split = ",", paramLabel = "S", description = "per-channel std divided by (one value or one per channel; default 1)")
  List<Double> std;
  @Option(names = "--input-shape", split = ",", paramLabel = "C,H,W", description = "image shape, needed only when the model's input is flat or symbolic")
  int[] inputShape;
  @Option(names = "--trained-on", paramLabel = "TEXT", description = "the images the model was trained on, recorded in its metadata "
      + "(default: \"" + TRAINED_ELSEWHERE + "\"); searches never steer by the training split of a model hwc did not train")
  String trainedOn = TRAINED_ELSEWHERE;
  @Option(names = "--json", description = "print the result as JSON") boolean json;

  static final String TRAINED_ELSEWHERE = "outside hwc, not stated";

  public record Imported(String model, String source, int nodes, int prunableLayers, ModelMetadata metadata) {}

  @Override
  public Integer call() throws Exception {
    InputNormalisation norm = new InputNormalisation(scale, mean, std);
    if (source.keras != null && inputShape != null) throw new IllegalArgumentException("--input-shape applies to --onnx only");
    Network net = source.onnx != null ? OnnxImport.read(source.onnx, norm, inputShape) : KerasImport.read(source.keras, norm);
    var in = net.input();
    try {
      ExecutableNetwork.of(net).output(Nd4j.zeros(DataType.FLOAT, 1, in.channels(), in.height(), in.width()));
    } catch (RuntimeException e) {
      throw new IllegalStateException(source.file() + ": the translated network does not run: " + e.getMessage(), e);
    }
    java.util.Map<String, String> extra = new java.util.TreeMap<>(net.metadata().extra());
    extra.put("training-images", trainedOn);
    var m = net.metadata();
    net = net.withMetadata(new ModelMetadata(m.architecture(), m.seed(), m.epochs(), m.testAccuracy(), m.params(), m.macs(),
        m.trainingSeconds(), m.datasetFingerprint(), m.hwcVersion(), m.created(), extra));
    Path target = HwcConfig.resolve(out.toString());
    ModelIO.save(net, target);
    Imported r = new Imported(out.toString(), source.file().toString(), net.nodes().size(), net.layerShapes().size(), net.metadata());
    if (json) {
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
    } else {
      System.out.printf("%s: %d nodes, %d prunable layers, %,d params, %,d MACs, input %dx%dx%d, normalisation %s -> %s%n",
          source.file(), r.nodes(), r.prunableLayers(), net.metadata().params(), net.metadata().macs(), in.channels(), in.height(),
          in.width(), net.metadata().extra().get(InputNormalisation.METADATA_KEY), out);
    }
    return 0;
  }
}
