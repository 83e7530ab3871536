package dev.hwc.model;

import onnx.Onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * An independent forward pass of an ONNX graph in plain Java loops (double accumulation), following the ONNX operator
 * definitions, for the operators the import tests use. It shares no code with {@link OnnxImport} or SameDiff.
 */
final class OnnxReference {
  /** A tensor with its full shape (batch included), row-major. */
  record T(int[] shape, double[] v) {
    int size() { return v.length; }
  }

  private OnnxReference() {}

  static T run(Onnx.ModelProto model, T input) {
    Onnx.GraphProto g = model.getGraph();
    Map<String, T> env = new HashMap<>();
    for (Onnx.TensorProto t : g.getInitializerList()) env.put(t.getName(), tensor(t));
    env.put(g.getInput(0).getName(), input);
    for (Onnx.NodeProto n : g.getNodeList()) {
      T x = env.get(n.getInput(0));
      T y = switch (n.getOpType()) {
        case "Conv" -> conv(n, x, env.get(n.getInput(1)), n.getInputCount() > 2 ? env.get(n.getInput(2)) : null);
        case "Gemm" -> gemm(n, x, env.get(n.getInput(1)), n.getInputCount() > 2 ? env.get(n.getInput(2)) : null);
        case "MatMul" -> gemmPlain(x, env.get(n.getInput(1)), false, 1);
        case "Add", "Sub", "Mul", "Div" -> arith(n.getOpType(), x, env.get(n.getInput(1)));
        case "BatchNormalization" -> bn(n, x, env.get(n.getInput(1)), env.get(n.getInput(2)), env.get(n.getInput(3)), env.get(n.getInput(4)));
        case "Relu" -> map(x, v -> Math.max(0, v));
        case "Clip" -> { double lo = env.get(n.getInput(1)).v()[0], hi = env.get(n.getInput(2)).v()[0]; yield map(x, v -> Math.min(hi, Math.max(lo, v))); }
        case "Softmax" -> softmax(x);
        case "MaxPool", "AveragePool" -> pool(n, x, n.getOpType().equals("MaxPool"));
        case "GlobalAveragePool" -> gap(x);
        case "Flatten", "Reshape" -> new T(new int[]{x.shape()[0], x.size() / x.shape()[0]}, x.v());
        case "Identity", "Dropout" -> x;
        default -> throw new IllegalArgumentException("reference: no " + n.getOpType());
      };
      env.put(n.getOutput(0), y);
    }
    return env.get(g.getOutput(0).getName());
  }

  private static T conv(Onnx.NodeProto n, T x, T w, T b) {
    int N = x.shape()[0], C = x.shape()[1], H = x.shape()[2], W = x.shape()[3];
    int O = w.shape()[0], Cg = w.shape()[1], K = w.shape()[2], L = w.shape()[3];
    int s = (int) ints(n, "strides")[0], p = (int) ints(n, "pads")[0], groups = (int) intAttr(n, "group", 1);
    int Ho = (H + 2 * p - K) / s + 1, Wo = (W + 2 * p - L) / s + 1, Og = O / groups;
    double[] y = new double[N * O * Ho * Wo];
    for (int nn = 0; nn < N; nn++)
      for (int o = 0; o < O; o++) {
        int g = o / Og;
        for (int i = 0; i < Ho; i++)
          for (int j = 0; j < Wo; j++) {
            double acc = b == null ? 0 : b.v()[o];
            for (int c = 0; c < Cg; c++)
              for (int ki = 0; ki < K; ki++)
                for (int kj = 0; kj < L; kj++) {
                  int r = i * s - p + ki, q = j * s - p + kj;
                  if (r < 0 || r >= H || q < 0 || q >= W) continue;
                  acc += x.v()[((nn * C + g * Cg + c) * H + r) * W + q] * w.v()[((o * Cg + c) * K + ki) * L + kj];
                }
            y[((nn * O + o) * Ho + i) * Wo + j] = acc;
          }
      }
    return new T(new int[]{N, O, Ho, Wo}, y);
  }

  private static T gemm(Onnx.NodeProto n, T a, T b, T c) {
    double alpha = floatAttr(n, "alpha", 1), beta = floatAttr(n, "beta", 1);
    T y = gemmPlain(a, b, intAttr(n, "transB", 0) == 1, alpha);
    if (c == null) return y;
    double[] v = y.v().clone();
    int out = y.shape()[1];
    for (int i = 0; i < v.length; i++) v[i] += beta * c.v()[i % out];
    return new T(y.shape(), v);
  }

  private static T gemmPlain(T a, T b, boolean transB, double alpha) {
    int N = a.shape()[0], in = a.shape()[1], out = transB ? b.shape()[0] : b.shape()[1];
    double[] y = new double[N * out];
    for (int r = 0; r < N; r++)
      for (int o = 0; o < out; o++) {
        double acc = 0;
        for (int i = 0; i < in; i++) acc += a.v()[r * in + i] * (transB ? b.v()[o * in + i] : b.v()[i * out + o]);
        y[r * out + o] = alpha * acc;
      }
    return new T(new int[]{N, out}, y);
  }

  /** Same shapes, a scalar, or one value per channel (dimension 1; for [N, F] that is a bias over F). */
  private static T arith(String op, T a, T b) {
    if (b.size() > a.size()) { // constant first: Add and Mul commute
      T t = a;
      a = b;
      b = t;
    }
    double[] v = a.v().clone();
    int C = a.shape()[1], inner = a.size() / a.shape()[0] / C;
    for (int i = 0; i < v.length; i++) {
      double k = b.size() == a.size() ? b.v()[i] : b.size() == 1 ? b.v()[0] : b.v()[(i / inner) % C];
      v[i] = switch (op) {
        case "Add" -> v[i] + k;
        case "Sub" -> v[i] - k;
        case "Mul" -> v[i] * k;
        default -> v[i] / k;
      };
    }
    return new T(a.shape(), v);
  }

  private static T bn(Onnx.NodeProto n, T x, T gamma, T beta, T mean, T var) {
    double eps = floatAttr(n, "epsilon", 1e-5);
    int C = x.shape()[1], inner = x.size() / x.shape()[0] / C;
    double[] v = new double[x.size()];
    for (int i = 0; i < v.length; i++) {
      int c = (i / inner) % C;
      v[i] = (x.v()[i] - mean.v()[c]) / Math.sqrt(var.v()[c] + eps) * gamma.v()[c] + beta.v()[c];
    }
    return new T(x.shape(), v);
  }

  private static T softmax(T x) {
    int N = x.shape()[0], F = x.shape()[1];
    double[] v = new double[x.size()];
    for (int r = 0; r < N; r++) {
      double max = Double.NEGATIVE_INFINITY, sum = 0;
      for (int j = 0; j < F; j++) max = Math.max(max, x.v()[r * F + j]);
      for (int j = 0; j < F; j++) sum += v[r * F + j] = Math.exp(x.v()[r * F + j] - max);
      for (int j = 0; j < F; j++) v[r * F + j] /= sum;
    }
    return new T(x.shape(), v);
  }

  /** Max ignores padding; average divides by the number of real (unpadded) elements (count_include_pad=0). */
  private static T pool(Onnx.NodeProto n, T x, boolean max) {
    int N = x.shape()[0], C = x.shape()[1], H = x.shape()[2], W = x.shape()[3];
    int k = (int) ints(n, "kernel_shape")[0];
    long[] st = ints(n, "strides"), pd = ints(n, "pads");
    int s = st.length == 0 ? 1 : (int) st[0], p = pd.length == 0 ? 0 : (int) pd[0];
    int Ho = (H + 2 * p - k) / s + 1, Wo = (W + 2 * p - k) / s + 1;
    double[] y = new double[N * C * Ho * Wo];
    for (int nc = 0; nc < N * C; nc++)
      for (int i = 0; i < Ho; i++)
        for (int j = 0; j < Wo; j++) {
          double acc = max ? Double.NEGATIVE_INFINITY : 0;
          int count = 0;
          for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++) {
              int r = i * s - p + a, q = j * s - p + b;
              if (r < 0 || r >= H || q < 0 || q >= W) continue;
              double v = x.v()[(nc * H + r) * W + q];
              acc = max ? Math.max(acc, v) : acc + v;
              count++;
            }
          y[(nc * Ho + i) * Wo + j] = max ? acc : acc / count;
        }
    return new T(new int[]{N, C, Ho, Wo}, y);
  }

  private static T gap(T x) {
    int N = x.shape()[0], C = x.shape()[1], hw = x.shape()[2] * x.shape()[3];
    double[] y = new double[N * C];
    for (int i = 0; i < N * C; i++) {
      double acc = 0;
      for (int j = 0; j < hw; j++) acc += x.v()[i * hw + j];
      y[i] = acc / hw;
    }
    return new T(new int[]{N, C, 1, 1}, y);
  }

  private static T map(T x, java.util.function.DoubleUnaryOperator f) {
    return new T(x.shape(), Arrays.stream(x.v()).map(f).toArray());
  }

  private static T tensor(Onnx.TensorProto t) {
    int[] shape = t.getDimsList().stream().mapToInt(Long::intValue).toArray();
    int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    double[] v = new double[n];
    ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      if (t.getDataType() == 7) v[i] = t.getRawData().isEmpty() ? t.getInt64Data(i) : raw.getLong();
      else v[i] = t.getRawData().isEmpty() ? t.getFloatData(i) : raw.getFloat();
    }
    return new T(shape, v);
  }

  private static Onnx.AttributeProto attr(Onnx.NodeProto n, String name) {
    for (Onnx.AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a;
    return null;
  }

  private static long intAttr(Onnx.NodeProto n, String name, long d) {
    Onnx.AttributeProto a = attr(n, name);
    return a == null ? d : a.getI();
  }

  private static double floatAttr(Onnx.NodeProto n, String name, double d) {
    Onnx.AttributeProto a = attr(n, name);
    return a == null ? d : a.getF();
  }

  private static long[] ints(Onnx.NodeProto n, String name) {
    Onnx.AttributeProto a = attr(n, name);
    return a == null ? new long[0] : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }
}
