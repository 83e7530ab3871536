package dev.hwc.model;

import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * Translates an ONNX model (a CNN as PyTorch exports it, opsets 11–17) into a {@link Network}. The protobuf is read
 * with the {@code onnx.Onnx} classes that ship in nd4j-api and each node is mapped onto the IR directly; DL4J's
 * samediff-import-onnx is not used because M2.1 mis-imports MatMul and Gemm (shared STACK.md §7).
 *
 * <p>Mapping: Conv → {@link Node.Conv2d} (group 1 or depthwise, symmetric pads, dilation 1); Gemm and MatMul (+ a
 * following constant Add as bias) → {@link Node.Dense} with W stored [in, out]; BatchNormalization → an explicit
 * {@link Node.BatchNorm} (not folded, so the graph keeps the source's layers); Relu, Clip(0,6) → ReLU / ReLU6;
 * Sigmoid, Tanh, HardSigmoid (PyTorch's 1/6, 1/2), HardSwish, LeakyRelu; Softmax over features; MaxPool (ceil
 * rounding too) / AveragePool (square window); GlobalAveragePool and ReduceMean over H, W; Add of two tensors
 * (residual); Mul of two tensors of one shape or of a map and a [C, 1, 1] gate (SiLU, hard-swish,
 * squeeze-and-excitation); Concat of maps on channels; Slice / Split of channels; ShuffleNet's Reshape–Transpose–
 * Reshape → {@link Node.ChannelShuffle}; Flatten (axis 1) and Reshape to [N, -1]; Add/Sub/Mul/Div of a tensor and a
 * scalar or per-channel constant → a BatchNorm node (a model normalising its own input); Identity and Dropout are
 * skipped; Constant and shape arithmetic are folded. Anything else fails with one message naming the node and its
 * operator, before anything is written.
 */
public final class OnnxImport {
  static final Set<String> SUPPORTED = Set.of("Conv", "Gemm", "MatMul", "Add", "BatchNormalization", "Relu", "Clip",
      "Softmax", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Reshape", "Identity", "Dropout", "Constant", "Pad", "Sub", "Mul", "Div",
      "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "LeakyRelu",
      "Slice", "Split", "Transpose", "ReduceMean");

  /** The batch size inside folded shape arithmetic (Shape → Gather → Unsqueeze → Concat → Reshape). */
  private static final double BATCH = Double.NaN;

  private static final int FLOAT = 1, INT32 = 6, INT64 = 7, DOUBLE = 11;

  private OnnxImport() {}

  /** Reads and translates {@code file}; {@code inputShape} ([C,H,W]) is needed only for a flat or symbolic input. */
  public static Network read(Path file, InputNormalisation norm, int[] inputShape) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": ONNX file not found");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read ONNX file: " + e.getMessage());
    }
    Onnx.ModelProto model;
    try {
      model = Onnx.ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(file + ": not an ONNX model (" + e.getMessage() + ")");
    }
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0)
      throw new IllegalArgumentException(file + ": not an ONNX model (no graph)");
    return translate(model, file.getFileName().toString(), norm, inputShape);
  }

  /** Translates a parsed model; {@code source} names it in errors and in the metadata. */
  public static Network translate(Onnx.ModelProto model, String source, InputNormalisation norm, int[] inputShape) {
    return new Translator(model, source, norm == null ? InputNormalisation.none() : norm, inputShape).run();
  }

  /**
   * A constant tensor (initializer or Constant node), values widened to double; {@code integral} for integer data
   * (shape arithmetic divides it as integers).
   */
  record Const(long[] dims, double[] values, boolean integral) {
    Const(long[] dims, double[] values) {
      this(dims, values, false);
    }

    long size() {
      return values.length;
    }

    float[] floats() {
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
      return f;
    }
  }

  private static final class Translator {
    private final Onnx.ModelProto model;
    private final Onnx.GraphProto graph;
    private final String source;
    private final InputNormalisation norm;
    private final int[] inputShapeOverride;
    private final long opset;

    private final Map<String, Const> consts = new HashMap<>();
    /** ONNX tensor name → the IR node that produces it. */
    private final Map<String, String> producer = new HashMap<>();
    /** ONNX tensor name → its ONNX shape without the batch dimension (differs from the IR's after GlobalAveragePool). */
    private final Map<String, int[]> onnxShape = new HashMap<>();
    private final Map<String, Integer> consumers = new HashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, INDArray> params = new LinkedHashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private Map<String, int[]> irShapes = Map.of();

    Translator(Onnx.ModelProto model, String source, InputNormalisation norm, int[] inputShape) {
      this.model = model;
      this.graph = model.getGraph();
      this.source = source;
      this.norm = norm;
      this.inputShapeOverride = inputShape;
      long v = 0;
      for (Onnx.OperatorSetIdProto o : model.getOpsetImportList())
        if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) v = o.getVersion();
      this.opset = v;
    }

    Network run() {
      for (Onnx.TensorProto t : graph.getInitializerList()) consts.put(t.getName(), tensor(t, "initializer " + t.getName()));
      for (Onnx.NodeProto n : graph.getNodeList())
        for (String in : n.getInputList()) if (!in.isEmpty()) consumers.merge(in, 1, Integer::sum);
      for (Onnx.ValueInfoProto o : graph.getOutputList()) consumers.merge(o.getName(), 1, Integer::sum);
      input();
      for (Onnx.NodeProto n : graph.getNodeList()) node(n);
      if (graph.getOutputCount() != 1)
        throw new IllegalArgumentException(source + ": the graph has " + graph.getOutputCount() + " outputs, expected exactly one (the logits)");
      String out = graph.getOutput(0).getName();
      String last = producer.get(out);
      if (last == null) throw new IllegalArgumentException(source + ": graph output " + out + " is not computed by any supported node");
      if (!last.equals(nodes.get(nodes.size() - 1).name()))
        throw new IllegalArgumentException(source + ": graph output " + out + " (node " + last + ") is not the last node; nodes after it are unused");
      Map<String, String> onnx = new LinkedHashMap<>();
      onnx.put("onnx-producer", (model.getProducerName() + " " + model.getProducerVersion()).trim());
      onnx.put("onnx-opset", Long.toString(opset));
      return Network.imported("onnx", source, nodes, params, onnx, norm);
    }

    private void input() {
      Set<String> init = consts.keySet();
      List<Onnx.ValueInfoProto> inputs = graph.getInputList().stream().filter(v -> !init.contains(v.getName())).toList();
      if (inputs.size() != 1)
        throw new IllegalArgumentException(source + ": the graph has " + inputs.size() + " inputs, expected exactly one (the image batch)");
      Onnx.ValueInfoProto in = inputs.get(0);
      String who = source + ": graph input " + in.getName() + ": ";
      if (!in.getType().hasTensorType()) throw new IllegalArgumentException(who + "not a tensor");
      Onnx.TypeProto.Tensor tt = in.getType().getTensorType();
      if (tt.getElemType() != FLOAT) throw new IllegalArgumentException(who + "element type " + tt.getElemType() + " is not float32");
      List<Onnx.TensorShapeProto.Dimension> dims = tt.getShape().getDimList();
      int[] chw = inputShapeOverride;
      boolean flat = dims.size() == 2;
      if (dims.size() != 4 && !flat)
        throw new IllegalArgumentException(who + "rank " + dims.size() + " is not supported (expected [N,C,H,W] or [N,features])");
      if (chw == null) {
        if (flat) throw new IllegalArgumentException(who + "is flat [N,features]: give the image shape with --input-shape C,H,W");
        chw = new int[3];
        for (int i = 0; i < 3; i++) {
          Onnx.TensorShapeProto.Dimension d = dims.get(i + 1);
          if (!d.hasDimValue() || d.getDimValue() < 1)
            throw new IllegalArgumentException(who + "dimension " + (i + 1) + " is symbolic (" + d.getDimParam() + "): give --input-shape C,H,W");
          chw[i] = (int) d.getDimValue();
        }
      } else {
        if (chw.length != 3 || chw[0] < 1 || chw[1] < 1 || chw[2] < 1)
          throw new IllegalArgumentException(who + "--input-shape must be three positive numbers C,H,W, was " + Arrays.toString(chw));
        long expected = flat ? (long) chw[0] * chw[1] * chw[2] : -1;
        Onnx.TensorShapeProto.Dimension f = flat ? dims.get(1) : null;
        if (flat && f.hasDimValue() && f.getDimValue() != expected)
          throw new IllegalArgumentException(who + "has " + f.getDimValue() + " features, --input-shape gives " + expected);
        for (int i = 0; !flat && i < 3; i++) {
          Onnx.TensorShapeProto.Dimension d = dims.get(i + 1);
          if (d.hasDimValue() && d.getDimValue() != chw[i])
            throw new IllegalArgumentException(who + "dimension " + (i + 1) + " is " + d.getDimValue() + ", --input-shape gives " + chw[i]);
        }
      }
      String name = uniqueName(in.getName(), "input");
      append(new Node.Input(name, chw[0], chw[1], chw[2]), "graph input " + in.getName());
      String current = name;
      if (!norm.isIdentity()) {
        params.putAll(norm.batchNormParams(chw[0]));
        usedNames.add(InputNormalisation.NODE);
        // eps 0: the node computes exactly (x - mean/scale) · scale/std
        append(new Node.BatchNorm(InputNormalisation.NODE, current, chw[0], 0.0), "input normalisation");
        current = InputNormalisation.NODE;
      }
      if (flat) {
        String f = uniqueName(name + "_flat", "input_flat");
        append(new Node.Flatten(f, current), "graph input " + in.getName());
        current = f;
      }
      producer.put(in.getName(), current);
      onnxShape.put(in.getName(), irShapes.get(current));
    }

    private void node(Onnx.NodeProto n) {
      String op = n.getOpType();
      if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx"))
        throw fail(n, "unsupported operator " + n.getDomain() + "." + op + " (custom domain)");
      if (!SUPPORTED.contains(op))
        throw fail(n, "unsupported operator " + op + " (supported: " + String.join(", ", SUPPORTED.stream().sorted().toList()) + ")");
      switch (op) {
        case "Constant" -> constant(n);
        case "Identity" -> {
          allowAttributes(n);
          // PyTorch's exporter shares equal initializers through Identity nodes: the output is the same constant
          if (consts.containsKey(tensorIn(n, 0))) consts.put(n.getOutput(0), consts.get(tensorIn(n, 0)));
          else alias(n, n.getOutput(0), tensorIn(n, 0));
        }
        case "Dropout" -> { allowAttributes(n, "ratio", "seed"); onlyFirstOutput(n); alias(n, n.getOutput(0), tensorIn(n, 0)); }
        case "Conv" -> conv(n);
        case "Gemm" -> gemm(n);
        case "MatMul" -> matmul(n);
        case "Add", "Sub", "Mul", "Div" -> {
          allowAttributes(n);
          boolean c0 = consts.containsKey(n.getInput(0)), c1 = n.getInputCount() > 1 && consts.containsKey(n.getInput(1));
          if (c0 && c1) foldArithmetic(n);
          else if (op.equals("Add")) add(n);
          else if (op.equals("Mul") && n.getInputCount() == 2 && !c0 && !c1) mul(n);
          else affine(n, op, 0);
        }
        case "Slice" -> slice(n);
        case "Split" -> split(n);
        case "Transpose" -> transpose(n);
        case "ReduceMean" -> reduceMean(n);
        case "Sigmoid" -> { allowAttributes(n); activation(n, Node.Activation.Kind.SIGMOID); }
        case "Tanh" -> { allowAttributes(n); activation(n, Node.Activation.Kind.TANH); }
        case "HardSwish" -> { allowAttributes(n); activation(n, Node.Activation.Kind.HARD_SWISH); }
        case "HardSigmoid" -> hardSigmoid(n);
        case "BatchNormalization" -> batchNorm(n);
        case "Relu" -> { allowAttributes(n); activation(n, Node.Activation.Kind.RELU); }
        case "Clip" -> clip(n);
        case "Softmax" -> softmax(n);
        case "MaxPool", "AveragePool" -> pool(n);
        case "GlobalAveragePool" -> globalAvgPool(n);
        case "Flatten" -> flatten(n);
        case "Reshape" -> reshape(n);
        case "Pad" -> pad(n);
        case "Concat" -> {
          if (consts.containsKey(n.getInput(0)) || onnxShape.get(n.getInput(0)) == null || onnxShape.get(n.getInput(0)).length != 3) shapeArithmetic(n);
          else concat(n);
        }
        case "LeakyRelu" -> leakyRelu(n);
        case "Shape", "Gather", "Unsqueeze", "Squeeze", "Cast" -> shapeArithmetic(n);
        default -> throw fail(n, "unsupported operator " + op);
      }
    }

    // --- operators -------------------------------------------------------------------------------------------

    private void constant(Onnx.NodeProto n) {
      allowAttributes(n, "value");
      Onnx.AttributeProto v = attr(n, "value");
      if (v == null || !v.hasT()) throw fail(n, "only the 'value' tensor form of Constant is supported");
      consts.put(n.getOutput(0), tensor(v.getT(), "node " + n.getName()));
    }

    private void conv(Onnx.NodeProto n) {
      allowAttributes(n, "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
      String x = spatialInput(n, 0);
      int[] xs = irShapes.get(x);
      Const w = constIn(n, 1, "weight");
      Const b = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? constIn(n, 2, "bias") : null;
      if (w.dims().length != 4) throw fail(n, "weight has rank " + w.dims().length + "; only 2-D convolution is supported");
      int out = (int) w.dims()[0], inPerGroup = (int) w.dims()[1], kh = (int) w.dims()[2], kw = (int) w.dims()[3];
      int group = (int) intAttr(n, "group", 1);
      int c = xs[0];
      if (inPerGroup * group != c) throw fail(n, "weight expects " + inPerGroup * group + " input channels, input has " + c);
      if (group != 1 && !(group == c && out == c))
        throw fail(n, "unsupported attribute group=" + group + " (only 1, or depthwise with group = input channels = output channels)");
      long[] ks = intsAttr(n, "kernel_shape", new long[]{kh, kw});
      if (ks.length != 2 || ks[0] != kh || ks[1] != kw) throw fail(n, "kernel_shape " + Arrays.toString(ks) + " does not match the weight " + kh + "x" + kw);
      requireOnes(n, "dilations");
      int stride = equalPair(n, "strides", 1);
      int pad = symmetricPads(n);
      if (b != null && b.size() != out) throw fail(n, "bias has " + b.size() + " values, expected " + out);
      String name = uniqueName(n.getName(), "conv");
      params.put(name + "/W", array(w.floats(), w.dims()));
      if (b != null) params.put(name + "/b", array(b.floats(), new long[]{out}));
      emit(n, new Node.Conv2d(name, x, c, out, kh, kw, stride, pad, group, b != null));
    }

    private void gemm(Onnx.NodeProto n) {
      allowAttributes(n, "alpha", "beta", "transA", "transB");
      String a = flatInput(n, 0);
      if (intAttr(n, "transA", 0) != 0) throw fail(n, "unsupported attribute transA=1");
      Const b = constIn(n, 1, "weight B");
      Const c = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? constIn(n, 2, "bias C") : null;
      if (b.dims().length != 2) throw fail(n, "weight B must be 2-D, is " + Arrays.toString(b.dims()));
      boolean transB = intAttr(n, "transB", 0) != 0;
      double alpha = floatAttr(n, "alpha", 1), beta = floatAttr(n, "beta", 1);
      int in = (int) b.dims()[transB ? 1 : 0], out = (int) b.dims()[transB ? 0 : 1];
      int features = irShapes.get(a)[0];
      if (features != in) throw fail(n, "weight B expects " + in + " input features, input has " + features);
      float[] wt = new float[in * out];
      // PyTorch's nn.Linear exports transB=1 with B = weight [out, in]; the IR keeps W as [in, out]
      for (int i = 0; i < in; i++)
        for (int o = 0; o < out; o++)
          wt[i * out + o] = (float) (alpha * (transB ? b.values()[o * in + i] : b.values()[i * out + o]));
      String name = uniqueName(n.getName(), "dense");
      params.put(name + "/W", array(wt, new long[]{in, out}));
      if (c != null) params.put(name + "/b", array(scaled(bias(n, c, out, "bias C"), beta), new long[]{out}));
      emit(n, new Node.Dense(name, a, in, out, c != null));
    }

    private void matmul(Onnx.NodeProto n) {
      allowAttributes(n);
      String a = flatInput(n, 0);
      Const b = constIn(n, 1, "weight B");
      if (b.dims().length != 2) throw fail(n, "weight B must be 2-D, is " + Arrays.toString(b.dims()));
      int in = (int) b.dims()[0], out = (int) b.dims()[1];
      int features = irShapes.get(a)[0];
      if (features != in) throw fail(n, "weight B expects " + in + " input features, input has " + features);
      String name = uniqueName(n.getName(), "dense");
      params.put(name + "/W", array(b.floats(), new long[]{in, out}));
      emit(n, new Node.Dense(name, a, in, out, false));
    }

    private void add(Onnx.NodeProto n) {
      allowAttributes(n);
      if (n.getInputCount() != 2) throw fail(n, "expects two inputs, has " + n.getInputCount());
      boolean c0 = consts.containsKey(n.getInput(0)), c1 = consts.containsKey(n.getInput(1));
      if (!c0 && !c1) {
        String a = nodeIn(n, 0), b = nodeIn(n, 1);
        if (!Arrays.equals(irShapes.get(a), irShapes.get(b)))
          throw fail(n, "inputs have different shapes " + Arrays.toString(onnxShape.get(n.getInput(0))) + " and "
              + Arrays.toString(onnxShape.get(n.getInput(1))) + " (broadcasting is not supported)");
        emit(n, new Node.Add(uniqueName(n.getName(), "add"), List.of(a, b)));
        return;
      }
      if (c0 && c1) throw fail(n, "adds two constants");
      String tensor = n.getInput(c0 ? 1 : 0);
      Const k = consts.get(n.getInput(c0 ? 0 : 1));
      String p = nodeIn(n, c0 ? 1 : 0);
      Node prev = nodes.get(nodes.size() - 1);
      boolean onlyUse = consumers.getOrDefault(tensor, 0) == 1 && prev.name().equals(p);
      // a constant Add is accepted only as the missing bias of the layer just before it (MatMul + Add, Conv + Add)
      if (onlyUse && prev instanceof Node.Dense d && !d.bias()) {
        params.put(d.name() + "/b", array(bias(n, k, d.outFeatures(), "bias"), new long[]{d.outFeatures()}));
        nodes.set(nodes.size() - 1, new Node.Dense(d.name(), d.input(), d.inFeatures(), d.outFeatures(), true));
      } else if (onlyUse && prev instanceof Node.Conv2d cv && !cv.bias()) {
        params.put(cv.name() + "/b", array(bias(n, k, cv.outChannels(), "bias"), new long[]{cv.outChannels()}));
        nodes.set(nodes.size() - 1, new Node.Conv2d(cv.name(), cv.input(), cv.inChannels(), cv.outChannels(), cv.kernelH(),
            cv.kernelW(), cv.stride(), cv.padding(), cv.groups(), true));
      } else {
        affine(n, "Add", c0 ? 1 : 0);
        return;
      }
      alias(n, n.getOutput(0), tensor);
    }

    /**
     * A tensor and a per-channel (or scalar) constant combined by Add, Sub, Mul or Div: an inference BatchNorm node with
     * mean 0, var 1, eps 0 and the constant as gamma or beta. This is how a model that normalises its own input
     * ({@code (x - mean) / std} in forward) comes in.
     */
    private void affine(Onnx.NodeProto n, String op, int tensorIndex) {
      if (n.getInputCount() != 2) throw fail(n, "expects two inputs, has " + n.getInputCount());
      if (consts.containsKey(n.getInput(tensorIndex)))
        throw fail(n, "input " + n.getInput(tensorIndex) + " is a constant; only a tensor with a constant is supported");
      if (!op.equals("Add") && !op.equals("Mul") && tensorIndex != 0)
        throw fail(n, "a constant " + (op.equals("Sub") ? "minus" : "divided by") + " a tensor is not supported");
      String x = nodeIn(n, tensorIndex);
      Const k = consts.get(n.getInput(1 - tensorIndex));
      if (k == null) throw fail(n, "input " + n.getInput(1 - tensorIndex) + " must be a constant (two computed tensors: only Add)");
      int[] xs = irShapes.get(x);
      int c = xs[0];
      long inner = 1;
      for (int i = 1; i < xs.length; i++) inner *= xs[i];
      // broadcastable to one value per channel: a scalar, [C], [C,1,1] or [1,C,1,1] (for [N,F]: a scalar or [F])
      long[] kd = k.dims();
      boolean perChannel = k.size() == c && (xs.length == 1 || inner == 1 || Arrays.equals(kd, new long[]{c, 1, 1})
          || Arrays.equals(kd, new long[]{1, c, 1, 1}));
      if (k.size() != 1 && !perChannel)
        throw fail(n, "constant " + n.getInput(1 - tensorIndex) + " of shape " + Arrays.toString(k.dims()) + " is not a scalar or per-channel");
      float[] gamma = new float[c], beta = new float[c], zeros = new float[c], ones = new float[c];
      for (int i = 0; i < c; i++) {
        double v = k.values()[k.size() == 1 ? 0 : i];
        ones[i] = 1;
        gamma[i] = 1;
        switch (op) {
          case "Add" -> beta[i] = (float) v;
          case "Sub" -> beta[i] = (float) -v;
          case "Mul" -> gamma[i] = (float) v;
          default -> {
            if (v == 0) throw fail(n, "division by zero in " + n.getInput(1));
            gamma[i] = (float) (1 / v);
          }
        }
      }
      String name = uniqueName(n.getName(), op.toLowerCase());
      params.put(name + "/gamma", array(gamma, new long[]{c}));
      params.put(name + "/beta", array(beta, new long[]{c}));
      params.put(name + "/mean", array(zeros, new long[]{c}));
      params.put(name + "/var", array(ones, new long[]{c}));
      emit(n, new Node.BatchNorm(name, x, c, 0.0));
    }

    private void batchNorm(Onnx.NodeProto n) {
      allowAttributes(n, "epsilon", "momentum", "training_mode", "spatial");
      if (intAttr(n, "training_mode", 0) != 0) throw fail(n, "unsupported attribute training_mode=1 (export the model in eval mode)");
      if (intAttr(n, "spatial", 1) != 1) throw fail(n, "unsupported attribute spatial=0");
      onlyFirstOutput(n);
      String x = nodeIn(n, 0);
      int c = irShapes.get(x)[0];
      String name = uniqueName(n.getName(), "batchnorm");
      String[] keys = {"gamma", "beta", "mean", "var"};
      for (int i = 0; i < 4; i++) {
        Const k = constIn(n, i + 1, keys[i]);
        if (k.size() != c) throw fail(n, keys[i] + " has " + k.size() + " values, the input has " + c + " channels");
        params.put(name + "/" + keys[i], array(k.floats(), new long[]{c}));
      }
      emit(n, new Node.BatchNorm(name, x, c, floatAttr(n, "epsilon", 1e-5)));
    }

    private void activation(Onnx.NodeProto n, Node.Activation.Kind kind) {
      String x = nodeIn(n, 0);
      emit(n, new Node.Activation(uniqueName(n.getName(), kind.name().toLowerCase()), x, kind));
    }

    /** Two computed tensors multiplied: same shape, or a map and its [C, 1, 1] gate, in either order. */
    private void mul(Onnx.NodeProto n) {
      String a = nodeIn(n, 0), b = nodeIn(n, 1);
      int[] sa = irShapes.get(a), sb = irShapes.get(b);
      if (!Arrays.equals(sa, sb) && !Network.isGate(sa, sb) && !Network.isGate(sb, sa))
        throw fail(n, "inputs have shapes " + Arrays.toString(onnxShape.get(n.getInput(0))) + " and "
            + Arrays.toString(onnxShape.get(n.getInput(1))) + " (only equal shapes, or a [C,H,W] map by a [C,1,1] gate)");
      emit(n, new Node.Mul(uniqueName(n.getName(), "mul"), List.of(a, b)));
    }

    /** Channel concatenation (axis 1) of computed [N, C_i, H, W] maps. */
    private void concat(Onnx.NodeProto n) {
      allowAttributes(n, "axis");
      long axis = intAttr(n, "axis", 1);
      if (axis != 1 && axis != -3) throw fail(n, "unsupported attribute axis=" + axis + " (only the channels of [N, C, H, W] maps, axis 1)");
      List<String> in = new ArrayList<>();
      for (int i = 0; i < n.getInputCount(); i++) {
        if (consts.containsKey(n.getInput(i))) throw fail(n, "input " + n.getInput(i) + " is a constant; only computed maps are concatenated");
        in.add(spatialInput(n, i));
      }
      if (in.size() == 1) alias(n, n.getOutput(0), n.getInput(0));
      else emit(n, new Node.Concat(uniqueName(n.getName(), "concat"), in));
    }

    private void leakyRelu(Onnx.NodeProto n) {
      allowAttributes(n, "alpha");
      double alpha = attr(n, "alpha") != null ? attr(n, "alpha").getF() : 0.01;
      if (!(alpha > 0 && alpha < 1)) throw fail(n, "unsupported attribute alpha=" + alpha + " (only 0 < alpha < 1)");
      String x = nodeIn(n, 0);
      emit(n, new Node.Activation(uniqueName(n.getName(), "leaky_relu"), x, Node.Activation.Kind.LEAKY_RELU, alpha));
    }

    /** HardSigmoid as PyTorch exports it (alpha 1/6, beta 1/2: relu6(x + 3) / 6); other slopes are refused. */
    private void hardSigmoid(Onnx.NodeProto n) {
      allowAttributes(n, "alpha", "beta");
      double alpha = attr(n, "alpha") != null ? attr(n, "alpha").getF() : 0.2, beta = attr(n, "beta") != null ? attr(n, "beta").getF() : 0.5;
      if (Math.abs(alpha - 1 / 6.0) > 1e-6 || Math.abs(beta - 0.5) > 1e-6)
        throw fail(n, "unsupported attribute alpha=" + alpha + ", beta=" + beta + " (only PyTorch's Hardsigmoid: alpha 1/6, beta 0.5)");
      activation(n, Node.Activation.Kind.HARD_SIGMOID);
    }

    private void clip(Onnx.NodeProto n) {
      allowAttributes(n, "min", "max");
      // opset < 11 carries min/max as attributes, later opsets as optional constant inputs
      Double lo = attr(n, "min") != null ? (double) attr(n, "min").getF() : null;
      Double hi = attr(n, "max") != null ? (double) attr(n, "max").getF() : null;
      if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) lo = scalar(n, constIn(n, 1, "min"), "min");
      if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) hi = scalar(n, constIn(n, 2, "max"), "max");
      if (lo != null && lo == 0 && hi != null && hi == 6) activation(n, Node.Activation.Kind.RELU6);
      else if (lo != null && lo == 0 && (hi == null || hi == Double.POSITIVE_INFINITY || hi >= Float.MAX_VALUE)) activation(n, Node.Activation.Kind.RELU);
      else throw fail(n, "unsupported attribute min=" + lo + ", max=" + hi + " (only Clip(0, 6) as ReLU6 or Clip(0) as ReLU)");
    }

    private void softmax(Onnx.NodeProto n) {
      allowAttributes(n, "axis");
      String x = nodeIn(n, 0);
      int rank = onnxShape.get(n.getInput(0)).length + 1;
      long axis = intAttr(n, "axis", opset >= 13 ? -1 : 1);
      if (axis < 0) axis += rank;
      if (rank != 2 || axis != 1) throw fail(n, "unsupported attribute axis=" + intAttr(n, "axis", opset >= 13 ? -1 : 1)
          + " on a rank-" + rank + " input (only over the features of [N, features])");
      emit(n, new Node.Activation(uniqueName(n.getName(), "softmax"), x, Node.Activation.Kind.SOFTMAX));
    }

    private void pool(Onnx.NodeProto n) {
      boolean max = n.getOpType().equals("MaxPool");
      if (max) allowAttributes(n, "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides");
      else allowAttributes(n, "auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides");
      onlyFirstOutput(n);
      String x = spatialInput(n, 0);
      int[] xs = irShapes.get(x);
      long[] ks = intsAttr(n, "kernel_shape", null);
      if (ks == null || ks.length != 2) throw fail(n, "kernel_shape must have two values");
      if (ks[0] != ks[1]) throw fail(n, "unsupported attribute kernel_shape=" + Arrays.toString(ks) + " (only square windows)");
      int k = (int) ks[0];
      int stride = equalPair(n, "strides", 1);
      int pad = symmetricPads(n);
      requireOnes(n, "dilations");
      if (intAttr(n, "storage_order", 0) != 0) throw fail(n, "unsupported attribute storage_order=1");
      if (!max && pad > 0 && intAttr(n, "count_include_pad", 0) != 0)
        throw fail(n, "unsupported attribute count_include_pad=1 with pads " + pad + " (the IR averages over the unpadded window)");
      boolean ceil = false;
      if (intAttr(n, "ceil_mode", 0) != 0) {
        Node.Pool floor = new Node.Pool("floor", x, Node.Pool.Type.MAX, k, stride, pad);
        Node.Pool up = new Node.Pool("ceil", x, Node.Pool.Type.MAX, k, stride, pad, true);
        ceil = up.outputSize(xs[1]) != floor.outputSize(xs[1]) || up.outputSize(xs[2]) != floor.outputSize(xs[2]);
        // an average's last window would be partial: ONNX and PyTorch divide it differently than the IR does
        if (ceil && !max) throw fail(n, "unsupported attribute ceil_mode=1 (it changes the output size here; only max pooling rounds up)");
      }
      emit(n, new Node.Pool(uniqueName(n.getName(), max ? "maxpool" : "avgpool"), x, max ? Node.Pool.Type.MAX : Node.Pool.Type.AVG, k, stride, pad, ceil));
    }

    private void globalAvgPool(Onnx.NodeProto n) {
      allowAttributes(n);
      String x = spatialInput(n, 0);
      int[] s = irShapes.get(x);
      if (!flattenedOnly(n.getOutput(0))) {
        // read as a [C, 1, 1] map (a squeeze-and-excitation branch)
        wholeMapAverage(n, x, "a global average over a non-square %dx%d map that is not flattened");
        return;
      }
      emit(n, new Node.GlobalAvgPool(uniqueName(n.getName(), "gap"), x));
      // ONNX keeps [N, C, 1, 1]; the IR node gives [N, C]
      onnxShape.put(n.getOutput(0), new int[]{s[0], 1, 1});
    }

    /** Whether every reader of {@code tensor} flattens it (Flatten, Reshape), or it is the graph's output. */
    private boolean flattenedOnly(String tensor) {
      for (Onnx.NodeProto r : graph.getNodeList())
        if (r.getInputList().contains(tensor) && !r.getOpType().equals("Flatten") && !r.getOpType().equals("Reshape")) return false;
      return true;
    }

    private void flatten(Onnx.NodeProto n) {
      allowAttributes(n, "axis");
      long axis = intAttr(n, "axis", 1);
      if (axis != 1) throw fail(n, "unsupported attribute axis=" + axis + " (only 1: [N, rest])");
      flattenTo(n, nodeIn(n, 0));
    }

    private void reshape(Onnx.NodeProto n) {
      allowAttributes(n, "allowzero");
      if (!consts.containsKey(tensorIn(n, 1)))
        throw fail(n, "the target shape " + n.getInput(1) + " is computed, not a constant (export with torch.flatten or constant folding on)");
      Const s = consts.get(n.getInput(1));
      GroupedView view = views.get(n.getInput(0));
      if (view != null || s.size() == 5) {
        channelShuffleStep(n, view, s.values());
        return;
      }
      String x = nodeIn(n, 0);
      long size = 1;
      for (int d : onnxShape.get(n.getInput(0))) size *= d;
      double[] v = s.values();
      // [N, -1] or [N, size], N given as 0 (copy), as -1 beside an explicit size, or as the batch of a static export
      boolean ok = v.length == 2 && (v[1] == -1 || v[1] == size) && (Double.isNaN(v[0]) || v[0] == 0 || v[0] >= 1 || v[0] == -1 && v[1] == size);
      if (!ok) throw fail(n, "unsupported target shape " + Arrays.stream(v).mapToObj(d -> Double.isNaN(d) ? "N" : Long.toString((long) d)).toList()
          + " (only flattening to [N, -1])");
      flattenTo(n, x);
    }

    /** A Pad that pads nothing (PyTorch emits one before AveragePool at opset 11) is skipped; real padding is refused. */
    private void pad(Onnx.NodeProto n) {
      allowAttributes(n, "mode", "pads", "value");
      Onnx.AttributeProto mode = attr(n, "mode");
      if (mode != null && !mode.getS().toStringUtf8().equals("constant"))
        throw fail(n, "unsupported attribute mode=" + mode.getS().toStringUtf8());
      double[] pads = n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? constIn(n, 1, "pads").values()
          : Arrays.stream(intsAttr(n, "pads", new long[0])).asDoubleStream().toArray();
      for (double p : pads)
        if (p != 0) throw fail(n, "unsupported attribute pads=" + Arrays.toString(Arrays.stream(pads).mapToLong(d -> (long) d).toArray())
            + " (only a Pad that pads nothing; put the padding into the Conv or pool)");
      nodeIn(n, 0);
      alias(n, n.getOutput(0), n.getInput(0));
    }

    /**
     * Shape arithmetic as PyTorch exports {@code x.view(x.size(0), -1)} with a dynamic batch: folded to constants here,
     * with the batch size as {@link #BATCH}. Only constant inputs (or Shape of a computed tensor) are accepted.
     */
    private void shapeArithmetic(Onnx.NodeProto n) {
      String op = n.getOpType();
      Const r;
      if (op.equals("Shape")) {
        allowAttributes(n, "start", "end");
        nodeIn(n, 0);
        int[] s = onnxShape.get(n.getInput(0));
        double[] v = new double[s.length + 1];
        v[0] = BATCH;
        for (int i = 0; i < s.length; i++) v[i + 1] = s[i];
        int start = (int) intAttr(n, "start", 0), end = (int) intAttr(n, "end", v.length);
        if (start < 0) start += v.length;
        if (end < 0) end += v.length;
        start = Math.max(0, Math.min(start, v.length));
        end = Math.max(start, Math.min(end, v.length));
        v = Arrays.copyOfRange(v, start, end);
        r = new Const(new long[]{v.length}, v, true);
      } else {
        for (String in : n.getInputList())
          if (!in.isEmpty() && !consts.containsKey(in))
            throw fail(n, "input " + in + " is a computed tensor; " + op + " is supported only on constant shape values");
        Const x = consts.get(n.getInput(0));
        switch (op) {
          case "Cast" -> {
            allowAttributes(n, "to", "saturate");
            long to = intAttr(n, "to", 1);
            boolean integral = to >= 2 && to <= 7 || to == 12 || to == 13;   // the (u)int8..64 element types
            r = new Const(x.dims(), integral ? Arrays.stream(x.values()).map(d -> Double.isNaN(d) ? d : (long) d).toArray() : x.values(), integral);
          }
          case "Gather" -> {
            allowAttributes(n, "axis");
            if (x.dims().length != 1 || intAttr(n, "axis", 0) != 0) throw fail(n, "only gathering from a 1-D constant is supported");
            Const idx = constIn(n, 1, "indices");
            double[] v = new double[(int) idx.size()];
            for (int i = 0; i < v.length; i++) {
              int k = (int) idx.values()[i];
              if (k < 0) k += x.values().length;
              if (k < 0 || k >= x.values().length) throw fail(n, "index " + (long) idx.values()[i] + " out of range");
              v[i] = x.values()[k];
            }
            r = new Const(idx.dims(), v, x.integral());
          }
          case "Unsqueeze", "Squeeze" -> {
            allowAttributes(n, "axes");
            long[] axes = n.getInputCount() > 1 && !n.getInput(1).isEmpty()
                ? Arrays.stream(constIn(n, 1, "axes").values()).mapToLong(d -> (long) d).toArray() : intsAttr(n, "axes", new long[0]);
            List<Long> dims = new ArrayList<>(Arrays.stream(x.dims()).boxed().toList());
            if (op.equals("Unsqueeze")) {
              int rank = dims.size() + axes.length;
              long[] sorted = Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
              for (long a : sorted) dims.add((int) a, 1L);
            } else {
              if (axes.length == 0) dims.removeIf(d -> d == 1);
              else {
                int rank = dims.size();
                long[] sorted = Arrays.stream(axes).map(a -> a < 0 ? a + rank : a).sorted().toArray();
                for (int i = sorted.length - 1; i >= 0; i--) dims.remove((int) sorted[i]);
              }
            }
            r = new Const(dims.stream().mapToLong(Long::longValue).toArray(), x.values(), x.integral());
          }
          default -> { // Concat
            allowAttributes(n, "axis");
            List<Double> v = new ArrayList<>();
            boolean integral = true;
            for (String in : n.getInputList()) {
              Const c = consts.get(in);
              integral &= c.integral();
              if (c.dims().length != 1) throw fail(n, "only concatenating 1-D constants is supported");
              for (double d : c.values()) v.add(d);
            }
            r = new Const(new long[]{v.size()}, v.stream().mapToDouble(Double::doubleValue).toArray(), integral);
          }
        }
      }
      consts.put(n.getOutput(0), r);
    }

    private void flattenTo(Onnx.NodeProto n, String x) {
      if (irShapes.get(x).length == 1) {
        alias(n, n.getOutput(0), n.getInput(0));
      } else {
        emit(n, new Node.Flatten(uniqueName(n.getName(), "flatten"), x));
      }
    }

    // --- channel shuffle, slices, reductions ---------------------------------------------------------------------

    /**
     * A [N, g, C/g, H, W] view of a computed [N, C, H, W] map (after the channel shuffle's first Reshape), transposed
     * to [N, C/g, g, H, W] or not. Only the shuffle's Transpose and final Reshape may read it.
     */
    private record GroupedView(String node, int groups, boolean transposed) {}

    private final Map<String, GroupedView> views = new HashMap<>();

    /**
     * ShuffleNet's channel shuffle as PyTorch exports it: Reshape [N, C, H, W] → [N, g, C/g, H, W], Transpose
     * perm [0, 2, 1, 3, 4], Reshape → [N, C, H, W]; the three become one {@link Node.ChannelShuffle}.
     */
    private void channelShuffleStep(Onnx.NodeProto n, GroupedView view, double[] v) {
      if (view == null) {
        String x = spatialInput(n, 0);
        int[] xs = irShapes.get(x);
        int g = (int) v[1];
        boolean ok = g >= 1 && xs[0] % g == 0 && (v[2] == -1 || v[2] == xs[0] / g) && v[3] == xs[1] && v[4] == xs[2];
        if (!ok) throw fail(n, "unsupported target shape " + shapeText(v) + " of a " + Arrays.toString(xs) + " map (only [N, groups, C/groups, H, W] of a channel shuffle)");
        views.put(n.getOutput(0), new GroupedView(x, g, false));
        return;
      }
      int[] xs = irShapes.get(view.node());
      boolean back = view.transposed() && v.length == 4 && (v[1] == -1 || v[1] == xs[0]) && v[2] == xs[1] && v[3] == xs[2];
      if (!back) throw fail(n, "unsupported target shape " + shapeText(v) + " of a grouped channel view (only back to [N, C, H, W] after Transpose perm [0, 2, 1, 3, 4])");
      emit(n, new Node.ChannelShuffle(uniqueName(n.getName(), "shuffle"), view.node(), view.groups()));
    }

    private static String shapeText(double[] v) {
      return Arrays.stream(v).mapToObj(d -> Double.isNaN(d) ? "N" : Long.toString((long) d)).toList().toString();
    }

    private void transpose(Onnx.NodeProto n) {
      allowAttributes(n, "perm");
      GroupedView view = views.get(tensorIn(n, 0));
      long[] perm = intsAttr(n, "perm", null);
      if (view == null || view.transposed() || !Arrays.equals(perm, new long[]{0, 2, 1, 3, 4}))
        throw fail(n, "unsupported transpose perm=" + Arrays.toString(perm) + " (only the channel shuffle's [0, 2, 1, 3, 4] of a [N, g, C/g, H, W] view)");
      views.put(n.getOutput(0), new GroupedView(view.node(), view.groups(), true));
    }

    /** Slice of the channels (axis 1) of a computed map, constant bounds, step 1. */
    private void slice(Onnx.NodeProto n) {
      allowAttributes(n);
      if (opset < 10) throw fail(n, "Slice with attributes (opset < 10) is not supported");
      String x = spatialInput(n, 0);
      int c = irShapes.get(x)[0];
      double[] starts = constIn(n, 1, "starts").values(), ends = constIn(n, 2, "ends").values();
      double[] axes = n.getInputCount() > 3 && !n.getInput(3).isEmpty() ? constIn(n, 3, "axes").values() : new double[]{0};
      double[] steps = n.getInputCount() > 4 && !n.getInput(4).isEmpty() ? constIn(n, 4, "steps").values() : new double[]{1};
      if (starts.length != 1 || axes.length != 1 || !(axes[0] == 1 || axes[0] == -3) || steps.length != 1 || steps[0] != 1)
        throw fail(n, "unsupported slice (axes " + Arrays.toString(axes) + ", steps " + Arrays.toString(steps) + "; only channels, axis 1, step 1)");
      int from = clampIndex(starts[0], c), to = clampIndex(ends[0], c);
      if (to <= from) throw fail(n, "slice [" + from + ", " + to + ") of " + c + " channels is empty");
      emit(n, new Node.ChannelSlice(uniqueName(n.getName(), "slice"), x, from, to));
    }

    private static int clampIndex(double i, int size) {
      long k = (long) i;
      if (k < 0) k += size;
      return (int) Math.max(0, Math.min(size, k));
    }

    /** Split of the channels (axis 1) of a computed map into consecutive parts, one slice node per output. */
    private void split(Onnx.NodeProto n) {
      allowAttributes(n, "axis", "split", "num_outputs");
      String x = spatialInput(n, 0);
      int c = irShapes.get(x)[0];
      long axis = intAttr(n, "axis", 0);
      if (axis != 1 && axis != -3) throw fail(n, "unsupported attribute axis=" + axis + " (only channels, axis 1)");
      int parts = n.getOutputCount();
      long[] sizes = n.getInputCount() > 1 && !n.getInput(1).isEmpty()
          ? Arrays.stream(constIn(n, 1, "split").values()).mapToLong(d -> (long) d).toArray() : intsAttr(n, "split", null);
      if (sizes == null) {
        if (c % parts != 0) throw fail(n, c + " channels do not split into " + parts + " equal parts");
        sizes = new long[parts];
        Arrays.fill(sizes, c / parts);
      }
      if (sizes.length != parts || Arrays.stream(sizes).sum() != c)
        throw fail(n, "split sizes " + Arrays.toString(sizes) + " do not cover " + c + " channels in " + parts + " outputs");
      int from = 0;
      for (int i = 0; i < parts; i++) {
        int to = from + (int) sizes[i];
        Node.ChannelSlice part = new Node.ChannelSlice(uniqueName(n.getName() + "_" + i, "split"), x, from, to);
        append(part, "onnx node '" + n.getName() + "' (Split)");
        producer.put(n.getOutput(i), part.name());
        onnxShape.put(n.getOutput(i), irShapes.get(part.name()));
        from = to;
      }
    }

    /** ReduceMean over H and W: a global average pool ([C] without keepdims, [C, 1, 1] with). */
    private void reduceMean(Onnx.NodeProto n) {
      allowAttributes(n, "axes", "keepdims");
      String x = spatialInput(n, 0);
      long[] axes = n.getInputCount() > 1 && !n.getInput(1).isEmpty()
          ? Arrays.stream(constIn(n, 1, "axes").values()).mapToLong(d -> (long) d).toArray() : intsAttr(n, "axes", null);
      long[] sorted = axes == null ? null : Arrays.stream(axes).map(a -> a < 0 ? a + 4 : a).sorted().toArray();
      if (sorted == null || !Arrays.equals(sorted, new long[]{2, 3}))
        throw fail(n, "unsupported attribute axes=" + Arrays.toString(axes) + " (only the spatial axes [2, 3])");
      if (intAttr(n, "keepdims", 1) == 0) {
        emit(n, new Node.GlobalAvgPool(uniqueName(n.getName(), "gap"), x));
      } else {
        wholeMapAverage(n, x, "a mean over a non-square %dx%d map that keeps its dimensions");
      }
    }

    /** An average pool over the whole (square) map: the mean per channel, keeping [C, 1, 1]. */
    private void wholeMapAverage(Onnx.NodeProto n, String x, String nonSquare) {
      int[] s = irShapes.get(x);
      if (s[1] != s[2]) throw fail(n, String.format(nonSquare, s[1], s[2]));
      emit(n, new Node.Pool(uniqueName(n.getName(), "gap"), x, Node.Pool.Type.AVG, s[1], s[1], 0));
    }

    /** Add, Sub, Mul or Div of two constants (shape arithmetic): a scalar with anything, or equal sizes. */
    private void foldArithmetic(Onnx.NodeProto n) {
      Const a = consts.get(n.getInput(0)), b = consts.get(n.getInput(1));
      if (a.size() != 1 && b.size() != 1 && a.size() != b.size())
        throw fail(n, "constants of shapes " + Arrays.toString(a.dims()) + " and " + Arrays.toString(b.dims()) + " (only a scalar with anything, or equal shapes)");
      Const big = a.size() >= b.size() ? a : b;
      boolean integral = a.integral() && b.integral();
      double[] v = new double[(int) big.size()];
      for (int i = 0; i < v.length; i++) {
        double x = a.values()[a.size() == 1 ? 0 : i], y = b.values()[b.size() == 1 ? 0 : i];
        v[i] = switch (n.getOpType()) {
          case "Add" -> x + y;
          case "Sub" -> x - y;
          case "Mul" -> x * y;
          default -> {
            if (y == 0) throw fail(n, "division by zero in " + n.getInput(1));
            // ONNX divides integer tensors as integers, truncating
            yield integral && !Double.isNaN(x) ? (double) ((long) x / (long) y) : x / y;
          }
        };
      }
      consts.put(n.getOutput(0), new Const(big.dims(), v, integral));
    }

    // --- graph bookkeeping -------------------------------------------------------------------------------------

    /** Appends an IR node computing the ONNX node's first output. */
    private void emit(Onnx.NodeProto n, Node node) {
      onlyFirstOutput(n);
      append(node, "onnx node '" + n.getName() + "' (" + n.getOpType() + ")");
      producer.put(n.getOutput(0), node.name());
      onnxShape.put(n.getOutput(0), irShapes.get(node.name()));
    }

    private void append(Node node, String who) {
      nodes.add(node);
      try {
        irShapes = Network.inferShapes(nodes);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + ": " + who + ": " + e.getMessage());
      }
    }

    private void alias(Onnx.NodeProto n, String out, String in) {
      String p = producer.get(in);
      if (p == null) throw fail(n, "input " + in + " is not computed by any supported node");
      producer.put(out, p);
      onnxShape.put(out, onnxShape.get(in));
    }

    private String tensorIn(Onnx.NodeProto n, int i) {
      if (n.getInputCount() <= i || n.getInput(i).isEmpty()) throw fail(n, "input " + i + " is missing");
      return n.getInput(i);
    }

    /** The IR node computing input {@code i}. */
    private String nodeIn(Onnx.NodeProto n, int i) {
      String t = tensorIn(n, i);
      String p = producer.get(t);
      if (p == null) {
        if (consts.containsKey(t)) throw fail(n, "input " + t + " is a constant; only computed tensors are supported there");
        if (views.containsKey(t)) throw fail(n, "input " + t + " is a 5-d grouped view of channels; only a channel shuffle (Transpose perm [0, 2, 1, 3, 4], Reshape back) may read it");
        throw fail(n, "input " + t + " is not computed by any supported node");
      }
      return p;
    }

    private String spatialInput(Onnx.NodeProto n, int i) {
      String p = nodeIn(n, i);
      if (irShapes.get(p).length != 3)
        throw fail(n, "input " + n.getInput(i) + " has shape " + Arrays.toString(onnxShape.get(n.getInput(i))) + " without batch; expected [C, H, W]");
      return p;
    }

    private String flatInput(Onnx.NodeProto n, int i) {
      String p = nodeIn(n, i);
      if (irShapes.get(p).length != 1)
        throw fail(n, "input " + n.getInput(i) + " has shape " + Arrays.toString(onnxShape.get(n.getInput(i)))
            + " without batch; expected [features] (Flatten first)");
      return p;
    }

    private Const constIn(Onnx.NodeProto n, int i, String what) {
      String t = tensorIn(n, i);
      Const c = consts.get(t);
      if (c == null) throw fail(n, what + " " + t + " must be a constant initializer");
      return c;
    }

    private void onlyFirstOutput(Onnx.NodeProto n) {
      for (int i = 1; i < n.getOutputCount(); i++)
        if (!n.getOutput(i).isEmpty() && consumers.getOrDefault(n.getOutput(i), 0) > 0)
          throw fail(n, "output " + i + " (" + n.getOutput(i) + ") is used; only the first output is supported");
    }

    private String uniqueName(String onnxName, String fallback) {
      String s = onnxName == null ? "" : onnxName.replaceAll("[^A-Za-z0-9_.-]", "_").replaceAll("_+", "_");
      s = s.replaceAll("^[_.]+|[_.]+$", "");
      if (s.isEmpty()) s = fallback + "_" + nodes.size();
      if (!Character.isLetter(s.charAt(0))) s = "n" + s;
      s = ImportNames.safe(s);
      String name = s;
      for (int i = 2; usedNames.contains(name) || name.equals(InputNormalisation.NODE); i++) name = s + "_" + i;
      usedNames.add(name);
      return name;
    }

    // --- attributes and tensors --------------------------------------------------------------------------------

    private void allowAttributes(Onnx.NodeProto n, String... allowed) {
      Set<String> ok = Set.of(allowed);
      for (Onnx.AttributeProto a : n.getAttributeList())
        if (!ok.contains(a.getName())) throw fail(n, "unsupported attribute " + a.getName());
    }

    private static Onnx.AttributeProto attr(Onnx.NodeProto n, String name) {
      for (Onnx.AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a;
      return null;
    }

    private static long intAttr(Onnx.NodeProto n, String name, long dflt) {
      Onnx.AttributeProto a = attr(n, name);
      return a == null ? dflt : a.getI();
    }

    private static double floatAttr(Onnx.NodeProto n, String name, double dflt) {
      Onnx.AttributeProto a = attr(n, name);
      return a == null ? dflt : a.getF();
    }

    private static long[] intsAttr(Onnx.NodeProto n, String name, long[] dflt) {
      Onnx.AttributeProto a = attr(n, name);
      return a == null ? dflt : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    private void requireOnes(Onnx.NodeProto n, String name) {
      long[] d = intsAttr(n, name, new long[0]);
      for (long v : d) if (v != 1) throw fail(n, "unsupported attribute " + name + "=" + Arrays.toString(d) + " (only 1)");
    }

    private int equalPair(Onnx.NodeProto n, String name, int dflt) {
      long[] s = intsAttr(n, name, new long[]{dflt, dflt});
      if (s.length != 2 || s[0] != s[1] || s[0] < 1)
        throw fail(n, "unsupported attribute " + name + "=" + Arrays.toString(s) + " (only equal values along height and width)");
      return (int) s[0];
    }

    private int symmetricPads(Onnx.NodeProto n) {
      Onnx.AttributeProto ap = attr(n, "auto_pad");
      String autoPad = ap == null ? "NOTSET" : ap.getS().toStringUtf8();
      if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID"))
        throw fail(n, "unsupported attribute auto_pad=" + autoPad + " (only explicit pads)");
      long[] p = intsAttr(n, "pads", new long[]{0, 0, 0, 0});
      if (autoPad.equals("VALID")) p = new long[]{0, 0, 0, 0};
      if (p.length != 4 || p[0] != p[1] || p[0] != p[2] || p[0] != p[3])
        throw fail(n, "unsupported attribute pads=" + Arrays.toString(p) + " (only the same padding on all four sides)");
      return (int) p[0];
    }

    private float[] bias(Onnx.NodeProto n, Const c, int size, String what) {
      if (c.size() == size) return c.floats();
      if (c.size() == 1) {
        float[] f = new float[size];
        Arrays.fill(f, (float) c.values()[0]);
        return f;
      }
      throw fail(n, what + " has shape " + Arrays.toString(c.dims()) + ", expected " + size + " values");
    }

    private static float[] scaled(float[] v, double k) {
      if (k == 1) return v;
      float[] o = new float[v.length];
      for (int i = 0; i < v.length; i++) o[i] = (float) (v[i] * k);
      return o;
    }

    private double scalar(Onnx.NodeProto n, Const c, String what) {
      if (c.size() != 1) throw fail(n, what + " must be a scalar");
      return c.values()[0];
    }

    private Const tensor(Onnx.TensorProto t, String who) {
      if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0)
        throw new IllegalArgumentException(source + ": " + who + ": external tensor data is not supported (save the model as one file)");
      long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
      long n = 1;
      for (long d : dims) n *= d;
      double[] v = new double[(int) n];
      ByteBuffer raw = t.getRawData().isEmpty() ? null : t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      int dt = t.getDataType();
      int count = switch (dt) {
        case FLOAT -> raw != null ? raw.remaining() / 4 : t.getFloatDataCount();
        case DOUBLE -> raw != null ? raw.remaining() / 8 : t.getDoubleDataCount();
        case INT64 -> raw != null ? raw.remaining() / 8 : t.getInt64DataCount();
        case INT32 -> raw != null ? raw.remaining() / 4 : t.getInt32DataCount();
        default -> throw new IllegalArgumentException(source + ": " + who + ": tensor data type " + dt + " is not supported (float, double, int32, int64)");
      };
      if (count != n) throw new IllegalArgumentException(source + ": " + who + ": has " + count + " values for shape " + Arrays.toString(dims));
      for (int i = 0; i < n; i++) {
        v[i] = switch (dt) {
          case FLOAT -> raw != null ? raw.getFloat() : t.getFloatData(i);
          case DOUBLE -> raw != null ? raw.getDouble() : t.getDoubleData(i);
          case INT64 -> raw != null ? raw.getLong() : t.getInt64Data(i);
          default -> raw != null ? raw.getInt() : t.getInt32Data(i);
        };
      }
      return new Const(dims, v, dt == INT64 || dt == INT32);
    }

    private static INDArray array(float[] data, long[] shape) {
      return Nd4j.createFromArray(data).castTo(DataType.FLOAT).reshape('c', shape);
    }

    private IllegalArgumentException fail(Onnx.NodeProto n, String message) {
      return new IllegalArgumentException(source + ": onnx node '" + n.getName() + "' (" + n.getOpType() + "): " + message);
    }
  }
}
