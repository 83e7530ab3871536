package dev.hwc.compress;

import dev.hwc.model.Node;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A plain eager ND4J forward pass of the IR, for tests that need no executable form. */
final class EagerForward {
  private EagerForward() {}

  /** Every node's output; layers in {@code quant} see their input fake-quantized first. */
  static Map<String, INDArray> run(List<Node> nodes, Map<String, INDArray> p, INDArray input, Map<String, ActivationQuant> quant) {
    Map<String, INDArray> t = new HashMap<>();
    for (Node n : nodes) {
      INDArray out;
      if (n instanceof Node.Input) {
        out = input;
      } else if (n instanceof Node.Conv2d c) {
        INDArray x = q(t.get(c.input()), quant.get(c.name()));
        Conv2DConfig cfg = Conv2DConfig.builder().kH(c.kernelH()).kW(c.kernelW()).sH(c.stride()).sW(c.stride())
            .pH(c.padding()).pW(c.padding()).dataFormat("NCHW").weightsFormat(WeightsFormat.OIYX).build();
        INDArray w = p.get(c.name() + "/W");
        if (c.depthwise()) {
          out = Nd4j.cnn().depthWiseConv2d(x, w.permute(2, 3, 0, 1).dup('c'), cfg);
        } else {
          out = Nd4j.cnn().conv2d(x, w, cfg);
        }
        if (c.bias()) out = out.add(p.get(c.name() + "/b").reshape(1, c.outChannels(), 1, 1));
      } else if (n instanceof Node.Dense d) {
        INDArray x = q(t.get(d.input()), quant.get(d.name()));
        out = x.mmul(p.get(d.name() + "/W"));
        if (d.bias()) out = out.addRowVector(p.get(d.name() + "/b"));
      } else if (n instanceof Node.BatchNorm b) {
        long c = b.channels();
        INDArray x = t.get(b.input());
        INDArray std = Transforms.sqrt(p.get(b.name() + "/var").add(b.eps())).reshape(1, c, 1, 1);
        out = x.sub(p.get(b.name() + "/mean").reshape(1, c, 1, 1)).div(std)
            .mul(p.get(b.name() + "/gamma").reshape(1, c, 1, 1)).add(p.get(b.name() + "/beta").reshape(1, c, 1, 1));
      } else if (n instanceof Node.Activation a) {
        INDArray x = t.get(a.input());
        out = switch (a.kind()) {
          case RELU -> Transforms.relu(x, true);
          case RELU6 -> Transforms.min(Transforms.relu(x, true), 6.0);
          case SOFTMAX -> Transforms.softmax(x, true);
          case IDENTITY -> x;
          case SIGMOID -> Transforms.sigmoid(x, true);
          case TANH -> Transforms.tanh(x, true);
          case HARD_SIGMOID -> Transforms.min(Transforms.relu(x.add(3.0), false), 6.0).div(6.0);
          case HARD_SWISH -> x.mul(Transforms.min(Transforms.relu(x.add(3.0), false), 6.0).div(6.0));
          case LEAKY_RELU -> Transforms.max(x, x.mul(a.alpha()), true);
        };
      } else if (n instanceof Node.Pool pl) {
        Pooling2DConfig cfg = Pooling2DConfig.builder().kH(pl.kernel()).kW(pl.kernel()).sH(pl.stride()).sW(pl.stride())
            .pH(pl.padding()).pW(pl.padding()).isNHWC(false).build();
        INDArray x = t.get(pl.input());
        int eh = pl.overhang((int) x.size(2)), ew = pl.overhang((int) x.size(3));
        if (eh > 0 || ew > 0) x = Nd4j.pad(x, new int[][]{{0, 0}, {0, 0}, {0, eh}, {0, ew}}, org.nd4j.linalg.api.ops.impl.transforms.Pad.Mode.CONSTANT, -Float.MAX_VALUE);
        out = pl.type() == Node.Pool.Type.MAX ? Nd4j.cnn().maxPooling2d(x, cfg) : Nd4j.cnn().avgPooling2d(x, cfg);
      } else if (n instanceof Node.GlobalAvgPool g) {
        out = t.get(g.input()).mean(2, 3);
      } else if (n instanceof Node.Flatten f) {
        INDArray x = t.get(f.input());
        out = x.dup('c').reshape('c', x.size(0), x.length() / x.size(0));
      } else if (n instanceof Node.ChannelSlice c) {
        out = t.get(c.input()).get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(c.from(), c.to()),
            org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
      } else if (n instanceof Node.ChannelShuffle c) {
        INDArray x = t.get(c.input());
        int ch = (int) x.size(1);
        out = Nd4j.createUninitialized(x.dataType(), x.shape());
        for (int j = 0; j < ch; j++)
          out.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(j))
              .assign(x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c.source(j, ch))));
      } else if (n instanceof Node.Concat c) {
        out = Nd4j.concat(1, c.sources().stream().map(t::get).toArray(INDArray[]::new));
      } else if (n instanceof Node.Mul m) {
        INDArray a = t.get(m.sources().get(0)), b = t.get(m.sources().get(1));
        out = a.length() >= b.length() ? a.mul(b.broadcast(a.shape())) : b.mul(a.broadcast(b.shape()));
      } else if (n instanceof Node.Add a) {
        out = t.get(a.sources().get(0)).dup();
        for (int i = 1; i < a.sources().size(); i++) out.addi(t.get(a.sources().get(i)));
      } else {
        throw new IllegalArgumentException("unsupported " + n);
      }
      t.put(n.name(), out);
    }
    return t;
  }

  static INDArray output(List<Node> nodes, Map<String, INDArray> p, INDArray input, Map<String, ActivationQuant> quant) {
    return run(nodes, p, input, quant).get(nodes.get(nodes.size() - 1).name());
  }

  /** The input of every prunable layer (for {@link Calibration}). */
  static Map<String, INDArray> layerInputs(List<Node> nodes, Map<String, INDArray> p, INDArray input) {
    return layerInputs(nodes, p, input, Map.of());
  }

  /** The input of every prunable layer before its own quantization, layers in {@code quant} quantizing theirs. */
  static Map<String, INDArray> layerInputs(List<Node> nodes, Map<String, INDArray> p, INDArray input, Map<String, ActivationQuant> quant) {
    Map<String, INDArray> t = run(nodes, p, input, quant);
    Map<String, INDArray> in = new HashMap<>();
    for (Node n : nodes) {
      if (n instanceof Node.Conv2d c) in.put(c.name(), t.get(c.input()));
      if (n instanceof Node.Dense d) in.put(d.name(), t.get(d.input()));
    }
    return in;
  }

  private static INDArray q(INDArray x, ActivationQuant aq) {
    if (aq == null) return x;
    INDArray r = Transforms.round(x.div(aq.scale()), true);
    return Transforms.min(Transforms.max(r, aq.lo(), false), aq.hi(), false).muli(aq.scale());
  }
}
