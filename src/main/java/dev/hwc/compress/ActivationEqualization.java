package dev.hwc.compress;

import dev.hwc.model.Network;
import dev.hwc.model.Node;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-channel range equalization between a layer's input activations and its weights (SmoothQuant, Xiao et al.
 * 2023, on ReLU networks): the same function, reparametrized so that a per-tensor activation quantizer wastes less of
 * its grid on a few wide channels.
 *
 * <p>Where a prunable layer reads BatchNorm → ReLU (→ max/average/global pooling)* and each of those nodes has one
 * consumer, input channel c is divided by s_c (the BatchNorm's gamma and beta: ReLU and pooling commute with a
 * positive scale) and the layer's weights on channel c are multiplied by s_c, with
 * s_c = a_c^α / w_c^(1−α) (a_c: the channel's largest calibration activation, w_c: the largest |weight| on it), so
 * both ranges become a_c^(1−α)·w_c^α. A dead channel (a_c = 0) or one without weight keeps s_c = 1. Other layers (the
 * first, which reads the images; those behind a residual Add or a Flatten) are left as they are. Pure: the network
 * given is not touched.
 */
public final class ActivationEqualization {
  private static final double MIN_SCALE = 1e-3, MAX_SCALE = 1e3;

  private ActivationEqualization() {}

  /** One equalized layer: its name, the BatchNorm it rescales, and s_c per input channel. */
  public record Scales(String layer, String batchNorm, double[] s) {}

  /**
   * The scales of every layer that can be equalized, from each layer's calibration input (a_c: its per-unit max |x|,
   * {@link Calibration#stats}; a unit is a channel of a conv's input or a feature of a dense layer's, which behind
   * global pooling is a channel), with {@code alpha} in [0, 1) (0: no layer but, with {@code depthwisePerChannel},
   * the depthwise ones). With {@code depthwisePerChannel} every depthwise layer is at alpha = 1: s_c = a_c, so that
   * each of its input channels reaches 1 and a per-tensor activation grid is one per channel (exact there: a
   * depthwise filter reads one channel, so its scale folds into the weights, which then need their own per-channel
   * grid, {@link CompressionSettings#perChannelWeights(dev.hwc.model.LayerKind)}).
   */
  public static List<Scales> scales(Network net, Calibration calibration, double alpha, boolean depthwisePerChannel) {
    if (!(alpha >= 0 && alpha < 1)) throw new IllegalArgumentException("activation equalization alpha must be in [0, 1), was " + alpha);
    List<Scales> out = new ArrayList<>();
    for (Map.Entry<Node, String> e : equalizable(net).entrySet()) {
      Node n = e.getKey();
      double al = depthwisePerChannel && isDepthwise(n) ? 1 : alpha;
      if (al == 0) continue;
      float[] a = calibration.stats(n.name()).maxAbs();
      double[] w = weightMax(n, net.params().get(n.name() + "/W"));
      double[] s = new double[a.length];
      for (int c = 0; c < s.length; c++)
        s[c] = a[c] > 0 && w[c] > 0 ? Math.min(MAX_SCALE, Math.max(MIN_SCALE, Math.pow(a[c], al) / Math.pow(w[c], 1 - al))) : 1;
      out.add(new Scales(n.name(), e.getValue(), s));
    }
    return out;
  }

  /**
   * Whether {@link #scales(Network, Calibration, double, boolean)} with these settings rescales any layer of {@code net}
   * (none in a network without BatchNorm, e.g. lenet5).
   */
  public static boolean appliesTo(Network net, double alpha, boolean depthwisePerChannel) {
    return equalizable(net).keySet().stream().anyMatch(n -> alpha > 0 || depthwisePerChannel && isDepthwise(n));
  }

  private static boolean isDepthwise(Node n) {
    return n instanceof Node.Conv2d c && c.depthwise();
  }

  /** The layers that can be equalized, in node order, each with the BatchNorm behind its input. */
  private static Map<Node, String> equalizable(Network net) {
    Map<Node, String> out = new LinkedHashMap<>();
    for (Node n : net.nodes()) {
      String input;
      if (n instanceof Node.Conv2d c && (c.groups() == 1 || c.depthwise())) input = c.input();
      else if (n instanceof Node.Dense d) input = d.input();
      else continue;
      String bn = batchNormBehind(net, input);
      if (bn != null) out.put(n, bn);
    }
    return out;
  }

  /** The network with {@code scales} applied: the same function (up to float rounding), other parameters shared. */
  public static Network apply(Network net, List<Scales> scales) {
    Map<String, INDArray> p = new HashMap<>(net.params());
    for (Scales sc : scales) {
      float[] gamma = Tensors.floats(p.get(sc.batchNorm() + "/gamma")), beta = Tensors.floats(p.get(sc.batchNorm() + "/beta"));
      for (int c = 0; c < sc.s().length; c++) {
        gamma[c] /= (float) sc.s()[c];
        beta[c] /= (float) sc.s()[c];
      }
      p.put(sc.batchNorm() + "/gamma", Tensors.array(gamma, gamma.length));
      p.put(sc.batchNorm() + "/beta", Tensors.array(beta, beta.length));
      INDArray w0 = p.get(sc.layer() + "/W");
      float[] w = Tensors.floats(w0);
      Node layer = net.node(sc.layer());
      for (int i = 0; i < w.length; i++) w[i] *= (float) sc.s()[inputChannel(layer, w0.shape(), i)];
      p.put(sc.layer() + "/W", Tensors.array(w, w0.shape()));
    }
    return new Network(net.nodes(), p, net.metadata());
  }

  /** The BatchNorm a layer's input comes from through ReLU and pooling only, each with this one consumer; or null. */
  static String batchNormBehind(Network net, String input) {
    String at = input;
    while (true) {
      Node n = net.node(at);
      if (net.consumers(at).size() != 1) return null;
      if (n instanceof Node.Pool || n instanceof Node.GlobalAvgPool) {
        at = n.inputs().get(0);
      } else if (n instanceof Node.Activation act && act.kind() == Node.Activation.Kind.RELU) {
        Node src = net.node(act.input());
        return src instanceof Node.BatchNorm && net.consumers(src.name()).size() == 1 ? src.name() : null;
      } else {
        return null;
      }
    }
  }

  /** max |w| per input channel of a conv ([M, C/groups, kh, kw]; depthwise: filter c) or a dense layer ([in, out]). */
  static double[] weightMax(Node layer, INDArray w) {
    int channels = layer instanceof Node.Conv2d c ? c.inChannels() : ((Node.Dense) layer).inFeatures();
    float[] v = Tensors.floats(w);
    double[] m = new double[channels];
    for (int i = 0; i < v.length; i++) {
      int c = inputChannel(layer, w.shape(), i);
      m[c] = Math.max(m[c], Math.abs(v[i]));
    }
    return m;
  }

  /** The input channel weight {@code i} (C-order) multiplies. */
  private static int inputChannel(Node layer, long[] shape, int i) {
    if (layer instanceof Node.Dense) return (int) (i / shape[1]);
    Node.Conv2d c = (Node.Conv2d) layer;
    long k = shape[2] * shape[3];
    if (c.groups() == 1) return (int) ((i / k) % shape[1]);
    return (int) (i / (shape[1] * k));   // depthwise: filter m reads channel m
  }
}
