package dev.hwc.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a Keras 2 model saved as HDF5 ({@code model.save("x.h5")}: Sequential or Functional) into a
 * {@link Network}. The file is read through DL4J's {@link Hdf5Archive} (the {@code model_config} JSON attribute and the
 * {@code model_weights} datasets); the layers are mapped onto the IR here rather than through DL4J's Keras model
 * import, whose DL4J networks would need a second translation.
 *
 * <p>Keras is NHWC, the IR NCHW: conv kernels [kh, kw, in, out] become OIHW, depthwise kernels [kh, kw, C, 1] become
 * [C, 1, kh, kw], and the first Dense after a Flatten of a [H, W, C] map has its kernel rows reordered from Keras's
 * (h, w, c) flatten order to the IR's (c, h, w). {@code padding="same"} is accepted where it pads symmetrically.
 */
public final class KerasImport {
  static final Set<String> SUPPORTED = Set.of("InputLayer", "Conv2D", "DepthwiseConv2D", "Dense", "BatchNormalization",
      "Activation", "ReLU", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "Add", "Flatten", "Dropout", "Rescaling");

  private KerasImport() {}

  /** The weights of one layer by short name ("kernel", "bias", "gamma", ...). */
  public interface Weights {
    Map<String, INDArray> of(String layer);
  }

  public static Network read(Path file, InputNormalisation norm) {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": Keras file not found");
    String name = file.getFileName().toString();
    try (Hdf5Archive h5 = open(file)) {
      if (!h5.hasAttribute("model_config"))
        throw new IllegalArgumentException(file + ": no model_config attribute (a weights-only file? save the whole model with model.save)");
      JsonNode config;
      try {
        config = new ObjectMapper().readTree(h5.readAttributeAsJson("model_config"));
      } catch (Exception e) {
        throw new IllegalArgumentException(file + ": cannot read model_config: " + e.getMessage());
      }
      boolean nested = h5.getGroups().contains("model_weights");
      Weights weights = layer -> readWeights(h5, nested ? new String[]{"model_weights", layer} : new String[]{layer}, 0);
      return translate(config, weights, name, norm);
    }
  }

  private static Hdf5Archive open(Path file) {
    try {
      return new Hdf5Archive(file.toString());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": not an HDF5 file (" + e.getMessage() + ")");
    }
  }

  /** Datasets of a layer's group and its subgroups (Keras nests them as {@code <layer>/<layer>/kernel:0}). */
  private static Map<String, INDArray> readWeights(Hdf5Archive h5, String[] groups, int depth) {
    Map<String, INDArray> out = new HashMap<>();
    List<String> all = h5.getGroups(groups.length > 1 ? Arrays.copyOf(groups, groups.length - 1) : new String[0]);
    if (!all.contains(groups[groups.length - 1])) return out;
    try {
      for (String d : h5.getDataSets(groups)) {
        String key = d.contains(":") ? d.substring(0, d.indexOf(':')) : d;
        out.put(key, h5.readDataSet(d, groups));
      }
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot read weights of " + String.join("/", groups) + ": " + e.getMessage());
    }
    if (depth < 3)
      for (String g : h5.getGroups(groups)) {
        String[] sub = Arrays.copyOf(groups, groups.length + 1);
        sub[groups.length] = g;
        readWeights(h5, sub, depth + 1).forEach(out::putIfAbsent);
      }
    return out;
  }

  /** Translates a parsed {@code model_config}; {@code source} names the model in errors and the metadata. */
  public static Network translate(JsonNode modelConfig, Weights weights, String source, InputNormalisation norm) {
    return new Translator(modelConfig, weights, source, norm == null ? InputNormalisation.none() : norm).run();
  }

  /** A Keras tensor in the IR: the node computing it, and the [C, H, W] map it is a Keras-order flatten of (or null). */
  private record Value(String node, int[] flattenedFrom) {}

  private static final class Translator {
    private final JsonNode root;
    private final Weights weights;
    private final String source;
    private final InputNormalisation norm;
    private final Map<String, Value> values = new HashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, INDArray> params = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();
    private Map<String, int[]> shapes = Map.of();

    Translator(JsonNode root, Weights weights, String source, InputNormalisation norm) {
      this.root = root;
      this.weights = weights;
      this.source = source;
      this.norm = norm;
    }

    Network run() {
      String cls = root.path("class_name").asText();
      JsonNode layers = root.path("config").path("layers");
      if (!layers.isArray()) layers = root.path("config"); // very old Sequential configs are a bare list
      if (!layers.isArray() || layers.isEmpty()) throw new IllegalArgumentException(source + ": model_config has no layers");
      boolean sequential = cls.equals("Sequential");
      if (!sequential && !cls.equals("Functional") && !cls.equals("Model"))
        throw new IllegalArgumentException(source + ": unsupported model class " + cls + " (Sequential or Functional)");
      String previous = null;
      for (int i = 0; i < layers.size(); i++) {
        JsonNode layer = layers.get(i);
        String type = layer.path("class_name").asText();
        JsonNode cfg = layer.path("config");
        String name = cfg.path("name").asText(layer.path("name").asText("layer_" + i));
        List<String> inputs = new ArrayList<>();
        if (sequential) {
          if (i == 0 && !type.equals("InputLayer")) previous = input(name + "_input", cfg.path("batch_input_shape"), name, type);
          if (!type.equals("InputLayer")) inputs.add(previous);
        } else {
          for (JsonNode in : inboundNames(layer)) inputs.add(in.asText());
        }
        layer(type, name, cfg, inputs);
        previous = name;
      }
      String output = sequential ? previous : outputLayer();
      if (!values.get(output).node().equals(nodes.get(nodes.size() - 1).name()))
        throw new IllegalArgumentException(source + ": the output layer " + output + " is not the last layer computed");
      return Network.imported("keras", source, nodes, params, Map.of("keras-model-class", cls), norm);
    }

    private List<JsonNode> inboundNames(JsonNode layer) {
      List<JsonNode> out = new ArrayList<>();
      JsonNode nodesIn = layer.path("inbound_nodes");
      if (nodesIn.size() > 1) throw fail(layer.path("config").path("name").asText(), layer.path("class_name").asText(), "shared layers (called more than once) are not supported");
      if (nodesIn.isEmpty()) return out;
      for (JsonNode in : nodesIn.get(0)) out.add(in.isArray() ? in.get(0) : in.path("args"));
      return out;
    }

    private String outputLayer() {
      JsonNode outs = root.path("config").path("output_layers");
      if (outs.size() != 1) throw new IllegalArgumentException(source + ": the model has " + outs.size() + " outputs, expected exactly one");
      JsonNode o = outs.get(0);
      return o.isArray() ? o.get(0).asText() : o.asText();
    }

    private void layer(String type, String name, JsonNode cfg, List<String> inputs) {
      if (!SUPPORTED.contains(type))
        throw fail(name, type, "unsupported layer " + type + " (supported: " + String.join(", ", SUPPORTED.stream().sorted().toList()) + ")");
      if (!type.equals("InputLayer") && !type.equals("Add") && inputs.size() != 1) throw fail(name, type, "expects one input, has " + inputs.size());
      String df = cfg.path("data_format").asText("channels_last");
      if (!df.equals("channels_last")) throw fail(name, type, "unsupported data_format=" + df + " (only channels_last)");
      switch (type) {
        case "InputLayer" -> input(name, cfg.path("batch_input_shape").isMissingNode() ? cfg.path("batch_shape") : cfg.path("batch_input_shape"), name, type);
        case "Conv2D", "DepthwiseConv2D" -> conv(type, name, cfg, in(name, type, inputs.get(0)));
        case "Dense" -> dense(name, cfg, inputs.get(0));
        case "BatchNormalization" -> batchNorm(name, cfg, in(name, type, inputs.get(0)));
        case "Activation" -> activation(name, type, cfg.path("activation").asText(), in(name, type, inputs.get(0)), name, inputs.get(0));
        case "ReLU" -> relu(name, cfg, inputs.get(0));
        case "MaxPooling2D", "AveragePooling2D" -> pool(type, name, cfg, in(name, type, inputs.get(0)));
        case "GlobalAveragePooling2D" -> {
          if (cfg.path("keepdims").asBoolean(false)) throw fail(name, type, "unsupported keepdims=true");
          emit(name, type, new Node.GlobalAvgPool(unique(name), spatial(name, type, inputs.get(0))), null);
        }
        case "Add" -> {
          if (inputs.size() < 2) throw fail(name, type, "needs at least two inputs");
          List<String> srcs = new ArrayList<>();
          for (String i : inputs) {
            Value v = value(name, type, i);
            if (v.flattenedFrom() != null && !trivial(v.flattenedFrom())) throw fail(name, type, "adding flattened maps is not supported");
            srcs.add(v.node());
          }
          emit(name, type, new Node.Add(unique(name), srcs), null);
        }
        case "Flatten" -> {
          Value v = value(name, type, inputs.get(0));
          int[] s = shapes.get(v.node());
          if (s.length == 1) values.put(name, v);
          else emit(name, type, new Node.Flatten(unique(name), v.node()), s);
        }
        case "Dropout" -> values.put(name, value(name, type, inputs.get(0)));
        case "Rescaling" -> rescaling(name, cfg, in(name, type, inputs.get(0)));
        default -> throw fail(name, type, "unsupported layer " + type);
      }
    }

    private String input(String name, JsonNode shape, String layer, String type) {
      if (!shape.isArray()) throw fail(layer, type, "no batch_input_shape: cannot tell the input size");
      if (shape.size() != 4)
        throw fail(layer, type, "input shape " + shape + " is not an image [batch, H, W, C]");
      int h = shape.get(1).asInt(-1), w = shape.get(2).asInt(-1), c = shape.get(3).asInt(-1);
      if (h < 1 || w < 1 || c < 1) throw fail(layer, type, "input shape " + shape + " must be fixed (no None but the batch)");
      String n = unique(name);
      append(new Node.Input(n, c, h, w), layer, type);
      String current = n;
      if (!norm.isIdentity()) {
        params.putAll(norm.batchNormParams(c));
        used.add(InputNormalisation.NODE);
        append(new Node.BatchNorm(InputNormalisation.NODE, current, c, 0.0), layer, type);
        current = InputNormalisation.NODE;
      }
      values.put(name, new Value(current, null));
      return name;
    }

    private void conv(String type, String name, JsonNode cfg, String x) {
      boolean depthwise = type.equals("DepthwiseConv2D");
      int[] xs = shapes.get(x);
      if (xs.length != 3) throw fail(name, type, "input is not a [H, W, C] map");
      int[] k = pair(name, type, cfg, "kernel_size");
      int stride = equalPair(name, type, cfg, "strides");
      for (int d : pairOrOnes(cfg, "dilation_rate")) if (d != 1) throw fail(name, type, "unsupported dilation_rate=" + cfg.path("dilation_rate") + " (only 1)");
      if (cfg.path("groups").asInt(1) != 1) throw fail(name, type, "unsupported groups=" + cfg.path("groups").asInt());
      if (depthwise && cfg.path("depth_multiplier").asInt(1) != 1)
        throw fail(name, type, "unsupported depth_multiplier=" + cfg.path("depth_multiplier").asInt() + " (only 1)");
      int pad = padding(name, type, cfg.path("padding").asText("valid"), xs, k, stride);
      boolean bias = cfg.path("use_bias").asBoolean(true);
      Map<String, INDArray> w = weights.of(name);
      INDArray kernel = need(name, type, w, depthwise ? "depthwise_kernel" : "kernel");
      int c = xs[0];
      int out;
      INDArray oihw;
      if (depthwise) {
        requireShape(name, type, "depthwise_kernel", kernel, k[0], k[1], c, 1);
        out = c;
        oihw = kernel.permute(2, 3, 0, 1); // [kh,kw,C,1] -> [C,1,kh,kw]
      } else {
        out = cfg.path("filters").asInt();
        requireShape(name, type, "kernel", kernel, k[0], k[1], c, out);
        oihw = kernel.permute(3, 2, 0, 1); // [kh,kw,in,out] -> [out,in,kh,kw]
      }
      String n = unique(name);
      params.put(n + "/W", floats(oihw));
      if (bias) params.put(n + "/b", floats(vector(name, type, need(name, type, w, "bias"), "bias", out)));
      String act = cfg.path("activation").asText("linear");
      emitWithActivation(name, type, new Node.Conv2d(n, x, c, out, k[0], k[1], stride, pad, depthwise ? c : 1, bias), act);
    }

    private void dense(String name, JsonNode cfg, String input) {
      String type = "Dense";
      Value v = value(name, type, input);
      int[] xs = shapes.get(v.node());
      if (xs.length != 1) throw fail(name, type, "input is not flat (Flatten first; Dense on [H, W, C] maps is not supported)");
      int units = cfg.path("units").asInt();
      boolean bias = cfg.path("use_bias").asBoolean(true);
      Map<String, INDArray> w = weights.of(name);
      INDArray kernel = need(name, type, w, "kernel");
      requireShape(name, type, "kernel", kernel, xs[0], units);
      INDArray kw = floats(kernel);
      if (v.flattenedFrom() != null && !trivial(v.flattenedFrom())) kw = reorderRows(kw, v.flattenedFrom());
      String n = unique(name);
      params.put(n + "/W", kw);
      if (bias) params.put(n + "/b", floats(vector(name, type, need(name, type, w, "bias"), "bias", units)));
      emitWithActivation(name, type, new Node.Dense(n, v.node(), xs[0], units, bias), cfg.path("activation").asText("linear"));
    }

    /** Keras flattens [H, W, C] as (h, w, c), the IR flattens [C, H, W] as (c, h, w): move kernel rows accordingly. */
    private static INDArray reorderRows(INDArray kernel, int[] chw) {
      int c = chw[0], h = chw[1], wd = chw[2];
      long out = kernel.size(1);
      float[] src = kernel.dup('c').data().asFloat(), dst = new float[src.length];
      for (int ci = 0; ci < c; ci++)
        for (int hi = 0; hi < h; hi++)
          for (int wi = 0; wi < wd; wi++) {
            int keras = (hi * wd + wi) * c + ci, ir = (ci * h + hi) * wd + wi;
            System.arraycopy(src, (int) (keras * out), dst, (int) (ir * out), (int) out);
          }
      return Nd4j.createFromArray(dst).reshape('c', kernel.size(0), out);
    }

    private void batchNorm(String name, JsonNode cfg, String x) {
      String type = "BatchNormalization";
      int[] xs = shapes.get(x);
      JsonNode axisNode = cfg.path("axis");
      int axis = axisNode.isArray() ? (axisNode.size() == 1 ? axisNode.get(0).asInt() : 99) : axisNode.asInt(-1);
      int rank = xs.length + 1;
      if (axis < 0) axis += rank;
      if (axis != rank - 1) throw fail(name, type, "unsupported axis=" + axisNode + " (only the channel axis, -1)");
      int c = xs[0];
      Map<String, INDArray> w = weights.of(name);
      INDArray gamma = cfg.path("scale").asBoolean(true) ? vector(name, type, need(name, type, w, "gamma"), "gamma", c) : Nd4j.ones(DataType.FLOAT, c);
      INDArray beta = cfg.path("center").asBoolean(true) ? vector(name, type, need(name, type, w, "beta"), "beta", c) : Nd4j.zeros(DataType.FLOAT, c);
      String n = unique(name);
      params.put(n + "/gamma", floats(gamma));
      params.put(n + "/beta", floats(beta));
      params.put(n + "/mean", floats(vector(name, type, need(name, type, w, "moving_mean"), "moving_mean", c)));
      params.put(n + "/var", floats(vector(name, type, need(name, type, w, "moving_variance"), "moving_variance", c)));
      emit(name, type, new Node.BatchNorm(n, x, c, cfg.path("epsilon").asDouble(1e-3)), null);
    }

    /** {@code x · scale + offset} (scalars) as an inference BatchNorm node: mean 0, var 1, eps 0, gamma scale, beta offset. */
    private void rescaling(String name, JsonNode cfg, String x) {
      String type = "Rescaling";
      if (!cfg.path("scale").isNumber() || !(cfg.path("offset").isNumber() || cfg.path("offset").isMissingNode()))
        throw fail(name, type, "only scalar scale and offset are supported");
      int c = shapes.get(x)[0];
      String n = unique(name);
      params.put(n + "/gamma", Nd4j.valueArrayOf(new long[]{c}, (float) cfg.path("scale").asDouble()));
      params.put(n + "/beta", Nd4j.valueArrayOf(new long[]{c}, (float) cfg.path("offset").asDouble(0)));
      params.put(n + "/mean", Nd4j.zeros(DataType.FLOAT, c));
      params.put(n + "/var", Nd4j.ones(DataType.FLOAT, c));
      emit(name, type, new Node.BatchNorm(n, x, c, 0.0), null);
    }

    private void relu(String name, JsonNode cfg, String input) {
      String type = "ReLU";
      if (cfg.path("negative_slope").asDouble(0) != 0 || cfg.path("threshold").asDouble(0) != 0)
        throw fail(name, type, "unsupported negative_slope/threshold (only 0)");
      JsonNode max = cfg.path("max_value");
      String x = in(name, type, input);
      if (max.isMissingNode() || max.isNull()) activation(name, type, "relu", x, name, input);
      else if (max.asDouble() == 6) activation(name, type, "relu6", x, name, input);
      else throw fail(name, type, "unsupported max_value=" + max + " (only none or 6)");
    }

    private void activation(String name, String type, String act, String x, String layer, String input) {
      Node.Activation.Kind kind = kind(name, type, act);
      if (kind == null) {
        values.put(layer, value(name, type, input));
        return;
      }
      emit(name, type, new Node.Activation(unique(name), x, kind), values.get(input).flattenedFrom());
    }

    private Node.Activation.Kind kind(String name, String type, String act) {
      return switch (act) {
        case "linear" -> null;
        case "relu" -> Node.Activation.Kind.RELU;
        case "relu6" -> Node.Activation.Kind.RELU6;
        case "softmax" -> Node.Activation.Kind.SOFTMAX;
        default -> throw fail(name, type, "unsupported activation " + act + " (relu, relu6, softmax, linear)");
      };
    }

    private void emitWithActivation(String name, String type, Node layer, String act) {
      Node.Activation.Kind kind = kind(name, type, act);
      append(layer, name, type);
      if (kind == null) {
        values.put(name, new Value(layer.name(), null));
        return;
      }
      Node a = new Node.Activation(unique(name + "_" + act), layer.name(), kind);
      append(a, name, type);
      values.put(name, new Value(a.name(), null));
    }

    private void pool(String type, String name, JsonNode cfg, String x) {
      int[] xs = shapes.get(x);
      if (xs.length != 3) throw fail(name, type, "input is not a [H, W, C] map");
      int[] k = pair(name, type, cfg, "pool_size");
      if (k[0] != k[1]) throw fail(name, type, "unsupported pool_size=" + cfg.path("pool_size") + " (only square windows)");
      int stride = cfg.path("strides").isNull() || cfg.path("strides").isMissingNode() ? k[0] : equalPair(name, type, cfg, "strides");
      int pad = padding(name, type, cfg.path("padding").asText("valid"), xs, k, stride);
      boolean max = type.equals("MaxPooling2D");
      // TF's "same" average pooling divides by the real (unpadded) elements, as the IR does
      emit(name, type, new Node.Pool(unique(name), x, max ? Node.Pool.Type.MAX : Node.Pool.Type.AVG, k[0], stride, pad), null);
    }

    /** "valid" → 0; "same" → the symmetric padding that gives TF's output size, if there is one. */
    private int padding(String name, String type, String mode, int[] xs, int[] k, int stride) {
      if (mode.equals("valid")) return 0;
      if (!mode.equals("same")) throw fail(name, type, "unsupported padding=" + mode);
      int pad = -1;
      for (int d = 0; d < 2; d++) {
        int n = xs[d + 1];
        int out = (n + stride - 1) / stride;
        int total = Math.max((out - 1) * stride + k[d] - n, 0);
        if (total % 2 != 0 || (pad >= 0 && pad != total / 2))
          throw fail(name, type, "padding=same pads unevenly here (input " + xs[1] + "x" + xs[2] + ", kernel " + k[0] + "x" + k[1]
              + ", stride " + stride + "); only symmetric padding is supported");
        pad = total / 2;
      }
      return pad;
    }

    // --- bookkeeping ---------------------------------------------------------------------------------------------

    private void emit(String layer, String type, Node node, int[] flattenedFrom) {
      append(node, layer, type);
      values.put(layer, new Value(node.name(), flattenedFrom));
    }

    private void append(Node node, String layer, String type) {
      nodes.add(node);
      try {
        shapes = Network.inferShapes(nodes);
      } catch (IllegalArgumentException e) {
        throw fail(layer, type, e.getMessage());
      }
    }

    private Value value(String layer, String type, String input) {
      Value v = values.get(input);
      if (v == null) throw fail(layer, type, "input " + input + " is not computed before it (or is not a supported layer)");
      return v;
    }

    private String in(String layer, String type, String input) {
      Value v = value(layer, type, input);
      if (v.flattenedFrom() != null && !trivial(v.flattenedFrom()) && !type.equals("Activation") && !type.equals("ReLU"))
        throw fail(layer, type, "works on a flattened map; only Dense, Dropout and activations may follow a Flatten");
      return v.node();
    }

    private String spatial(String layer, String type, String input) {
      String x = in(layer, type, input);
      if (shapes.get(x).length != 3) throw fail(layer, type, "input is not a [H, W, C] map");
      return x;
    }

    private static boolean trivial(int[] chw) {
      return chw[1] == 1 && chw[2] == 1;
    }

    private String unique(String kerasName) {
      String s = kerasName.replaceAll("[^A-Za-z0-9_.-]", "_");
      if (s.isEmpty() || !Character.isLetter(s.charAt(0))) s = "k" + s;
      s = ImportNames.safe(s);
      String n = s;
      for (int i = 2; used.contains(n) || n.equals(InputNormalisation.NODE); i++) n = s + "_" + i;
      used.add(n);
      return n;
    }

    private int[] pair(String name, String type, JsonNode cfg, String key) {
      JsonNode v = cfg.path(key);
      if (v.isInt()) return new int[]{v.asInt(), v.asInt()};
      if (!v.isArray() || v.size() != 2) throw fail(name, type, key + " must be two numbers, is " + v);
      return new int[]{v.get(0).asInt(), v.get(1).asInt()};
    }

    private static int[] pairOrOnes(JsonNode cfg, String key) {
      JsonNode v = cfg.path(key);
      if (v.isMissingNode() || v.isNull()) return new int[]{1, 1};
      if (v.isInt()) return new int[]{v.asInt(), v.asInt()};
      int[] out = new int[v.size()];
      for (int i = 0; i < out.length; i++) out[i] = v.get(i).asInt();
      return out;
    }

    private int equalPair(String name, String type, JsonNode cfg, String key) {
      int[] s = cfg.path(key).isMissingNode() ? new int[]{1, 1} : pair(name, type, cfg, key);
      if (s[0] != s[1]) throw fail(name, type, "unsupported " + key + "=" + cfg.path(key) + " (only equal along height and width)");
      return s[0];
    }

    private INDArray need(String name, String type, Map<String, INDArray> w, String key) {
      INDArray a = w.get(key);
      if (a == null) throw fail(name, type, "weight " + key + " not found in the file (has " + new java.util.TreeSet<>(w.keySet()) + ")");
      return a;
    }

    private INDArray vector(String name, String type, INDArray a, String key, int n) {
      if (a.length() != n) throw fail(name, type, "weight " + key + " has " + a.length() + " values, expected " + n);
      return a.reshape(n);
    }

    private void requireShape(String name, String type, String key, INDArray a, long... shape) {
      if (!Arrays.equals(a.shape(), shape))
        throw fail(name, type, "weight " + key + " has shape " + Arrays.toString(a.shape()) + ", expected " + Arrays.toString(shape));
    }

    private static INDArray floats(INDArray a) {
      return a.castTo(DataType.FLOAT).dup('c');
    }

    private IllegalArgumentException fail(String layer, String type, String message) {
      return new IllegalArgumentException(source + ": keras layer '" + layer + "' (" + type + "): " + message);
    }
  }
}
