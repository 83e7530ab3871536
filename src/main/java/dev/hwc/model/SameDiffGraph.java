package dev.hwc.model;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a {@link Network} into a SameDiff graph (the fast execution form here, shared STACK.md). Weights are
 * VARIABLEs named by their parameter key and kept in the IR's layouts (conv OIHW, depthwise [C,1,kh,kw]) so callers can
 * rewrite them in place; the layouts the ops need ([kh,kw,in,out], [kh,kw,C,1]) are permute ops in the graph. Dense layers are {@code x.mmul(W).add(b)} because
 * {@code sd.nn().linear} is wrong with oneDNN helpers (STACK.md pitfall 3).
 *
 * <p>In training mode BatchNorm normalises with the batch's own mean and (biased) variance over [0,2,3] and exposes
 * them as {@code <bn>/batch_mean}, {@code <bn>/batch_var}; its running statistics are not graph variables then.
 */
final class SameDiffGraph {
  static final String INPUT = "input";
  static final String LABEL = "label";
  static final String LOSS = "loss";

  private SameDiffGraph() {}

  /** -Dhwc.model.graph-rewrites=false builds evaluation graphs as written: the A/B switch of docs/performance.md. */
  static final boolean REWRITES = !"false".equals(System.getProperty("hwc.model.graph-rewrites"));
  static final boolean ELIDE_RELU = !"false".equals(System.getProperty("hwc.model.relu-elision"));

  /** Name of the SameDiff variable holding a node's output. */
  static String out(String node) {
    return node;
  }

  static String batchMean(String bn) {
    return bn + "/batch_mean";
  }

  static String batchVar(String bn) {
    return bn + "/batch_var";
  }

  static SameDiff build(Network net, boolean training, Set<String> quantizedInputs) {
    return build(net, training, quantizedInputs, null);
  }

  /**
   * The inference graph whose listed layers' inputs are always fake-quantized, on the given arrays: parameters by
   * key and hook scalars {@code <layer>/aq_scale|aq_lo|aq_hi}, used as the graph's variables without a copy (so
   * several graphs can share them).
   */
  static SameDiff build(Network net, Set<String> alwaysQuantized, Map<String, INDArray> shared, Map<String, FakeQuant> fakeQuants) {
    return build(net, false, alwaysQuantized, java.util.Objects.requireNonNull(shared, "shared"), fakeQuants);
  }

  /**
   * The training-mode graph (BatchNorm on batch statistics, exposed as {@code <bn>/batch_mean|batch_var}) on shared
   * arrays, its listed layers' inputs fake-quantized as in {@link #build(Network, Set, Map, Map)}: for re-estimating
   * BatchNorm statistics of the network as its arrays are now. No rewrites (a folded BN would have no statistics).
   */
  static SameDiff buildStatistics(Network net, Set<String> alwaysQuantized, Map<String, INDArray> shared, Map<String, FakeQuant> fakeQuants) {
    return build(net, true, alwaysQuantized, java.util.Objects.requireNonNull(shared, "shared"), fakeQuants);
  }

  /**
   * Population statistics of every BatchNorm of {@code net}, from a training-mode graph run over equal batches
   * ("precise BN"): mean = the mean of the batch means, var = the mean batch variance plus the variance of the batch
   * means (law of total variance), accumulated in double. Keys {@code <bn>/mean}, {@code <bn>/var}, FLOAT [C].
   */
  static Map<String, INDArray> batchNormStatistics(SameDiff training, Network net, Iterable<INDArray> batches,
                                                   java.util.function.Predicate<String> which) {
    List<Node.BatchNorm> bns = new java.util.ArrayList<>();
    for (Node node : net.nodes()) if (node instanceof Node.BatchNorm bn && which.test(bn.name())) bns.add(bn);
    Map<String, INDArray> out = new java.util.TreeMap<>();
    if (bns.isEmpty()) return out;
    List<String> names = new java.util.ArrayList<>();
    for (Node.BatchNorm bn : bns) {
      names.add(batchMean(bn.name()));
      names.add(batchVar(bn.name()));
    }
    Map<String, INDArray> sumMean = new java.util.HashMap<>(), sumVar = new java.util.HashMap<>(), sumMeanSq = new java.util.HashMap<>();
    int count = 0;
    for (INDArray batch : batches) {
      Map<String, INDArray> r = training.output(Map.of(INPUT, batch.dataType() == DataType.FLOAT ? batch : batch.castTo(DataType.FLOAT)), names);
      for (Node.BatchNorm bn : bns) {
        INDArray mu = r.get(batchMean(bn.name())).castTo(DataType.DOUBLE);
        INDArray var = r.get(batchVar(bn.name())).castTo(DataType.DOUBLE);
        sumMean.merge(bn.name(), mu.dup(), INDArray::addi);
        sumMeanSq.merge(bn.name(), mu.mul(mu), INDArray::addi);
        sumVar.merge(bn.name(), var.dup(), INDArray::addi);
      }
      count++;
    }
    if (count == 0) throw new IllegalArgumentException("BatchNorm statistics need at least one batch");
    for (Node.BatchNorm bn : bns) {
      INDArray mean = sumMean.get(bn.name()).div(count);
      INDArray var = sumVar.get(bn.name()).div(count).add(sumMeanSq.get(bn.name()).div(count)).sub(mean.mul(mean));
      out.put(bn.name() + "/mean", mean.castTo(DataType.FLOAT));
      out.put(bn.name() + "/var", var.castTo(DataType.FLOAT));
    }
    return out;
  }

  /**
   * The fused fake-quant op of one layer in one graph: {@code bits} is read at every execution, so a new bit-width
   * reaches the built graph by {@link #setBits} (min and max are graph variables {@code <layer>/aq_min|aq_max}).
   */
  static final class FakeQuant {
    private int bits;
    private Op op;

    FakeQuant(int bits) {
      this.bits = bits;
    }

    void setBits(int bits) {
      if (bits == this.bits) return;
      this.bits = bits;
      if (op != null) op.setBits(bits);
    }

    /** The op with its one integer argument (the bit count) settable after construction. */
    static final class Op extends org.nd4j.linalg.api.ops.impl.transforms.custom.FakeQuantWithMinMaxVars {
      Op(SameDiff sd, SDVariable x, SDVariable min, SDVariable max, int bits) {
        super(sd, x, min, max, false, bits);
      }

      void setBits(int bits) {
        iArguments.clear();
        iArguments.add((long) bits);
      }
    }
  }

  private static SameDiff build(Network net, boolean training, Set<String> quantizedInputs, Map<String, INDArray> shared) {
    return build(net, training, quantizedInputs, shared, null);
  }

  private static SameDiff build(Network net, boolean training, Set<String> quantizedInputs, Map<String, INDArray> shared,
                                Map<String, FakeQuant> fakeQuants) {
    SameDiff sd = SameDiff.create();
    Map<String, int[]> shapes = net.outputShapes();
    for (String q : quantizedInputs) net.layerShape(q); // fails naming an unknown layer
    // Node → the variable holding its output (an elided ReLU maps to its input: see Rewrites).
    Map<String, SDVariable> outs = new java.util.HashMap<>();
    Rewrites rw = training || shared == null || !REWRITES ? Rewrites.NONE : Rewrites.of(net, shapes, quantizedInputs, fakeQuants);
    for (Node n : net.nodes()) {
      SDVariable y;
      if (rw.skipped(n.name())) continue;
      if (n instanceof Node.Input in) {
        SDVariable x = sd.placeHolder(INPUT, DataType.FLOAT, -1, in.channels(), in.height(), in.width());
        y = out(n.name()).equals(INPUT) ? x : sd.identity(out(n.name()), x);
      } else if (n instanceof Node.Conv2d c) {
        SDVariable x = layerInput(sd, c.name(), outs.get(c.input()), quantizedInputs, shared, fakeQuants);
        SDVariable w = param(sd, net, c.name() + "/W", shared);
        SDVariable b = c.bias() ? param(sd, net, c.name() + "/b", shared) : null;
        String name = out(n.name());
        Node.BatchNorm folded = rw.foldedBatchNorm(c.name());
        if (folded != null) {
          // BN(conv(x, W) + b) = conv(x, W·s) + (b − mean)·s + beta with s = gamma / sqrt(var + eps), per output
          // channel: a few ops on the weights instead of a pass over the activations. Computed in the graph from the
          // live arrays, so weights rewritten in place (pruned, quantized) are folded as they are now.
          SDVariable gamma = param(sd, net, folded.name() + "/gamma", shared);
          SDVariable beta = param(sd, net, folded.name() + "/beta", shared);
          SDVariable mean = param(sd, net, folded.name() + "/mean", shared);
          SDVariable var = param(sd, net, folded.name() + "/var", shared);
          SDVariable scale = gamma.mul(sd.math().rsqrt(var.add(folded.eps())));
          w = w.mul(scale.reshape(c.outChannels(), 1, 1, 1));
          b = (b == null ? mean.neg() : b.sub(mean)).mul(scale).add(beta);
          name = out(folded.name());
        }
        Conv2DConfig cfg = Conv2DConfig.builder().kH(c.kernelH()).kW(c.kernelW()).sH(c.stride()).sW(c.stride())
            .pH(c.padding()).pW(c.padding()).paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();
        if (c.depthwise()) {
          // depthwise_conv2d wants [kh, kw, C, multiplier]; the IR keeps [C, 1, kh, kw]
          Conv2DConfig dcfg = Conv2DConfig.builder().kH(c.kernelH()).kW(c.kernelW()).sH(c.stride()).sW(c.stride())
              .pH(c.padding()).pW(c.padding()).paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();
          SDVariable wk = w.permute(2, 3, 0, 1);
          y = b == null ? sd.cnn().depthWiseConv2d(name, x, wk, dcfg) : sd.cnn().depthWiseConv2d(name, x, wk, b, dcfg);
        } else if (c.groups() == 1) {
          // conv2d's weightsFormat(OIYX) runs forward but its backprop op rejects the shapes in M2.1: give it YXIO
          SDVariable wk = w.permute(2, 3, 1, 0);
          y = b == null ? sd.cnn().conv2d(name, x, wk, cfg) : sd.cnn().conv2d(name, x, wk, b, cfg);
        } else {
          throw new IllegalArgumentException("node " + c.name() + ": grouped convolution with groups=" + c.groups() + " is not supported");
        }
        if (folded != null) {
          outs.put(folded.name(), y);
          continue;
        }
      } else if (n instanceof Node.Dense d) {
        SDVariable x = layerInput(sd, d.name(), outs.get(d.input()), quantizedInputs, shared, fakeQuants);
        SDVariable w = param(sd, net, d.name() + "/W", shared);
        SDVariable xw = x.mmul(w);
        y = d.bias() ? xw.add(out(n.name()), param(sd, net, d.name() + "/b", shared)) : sd.identity(out(n.name()), xw);
      } else if (n instanceof Node.BatchNorm bn) {
        SDVariable x = outs.get(bn.input());
        SDVariable gamma = param(sd, net, bn.name() + "/gamma", shared);
        SDVariable beta = param(sd, net, bn.name() + "/beta", shared);
        boolean spatial = shapes.get(bn.input()).length == 3;
        if (training) {
          int[] axes = spatial ? new int[]{0, 2, 3} : new int[]{0};
          long[] bshape = spatial ? new long[]{1, bn.channels(), 1, 1} : new long[]{1, bn.channels()};
          SDVariable mu = x.mean(batchMean(bn.name()), false, axes);
          SDVariable centred = x.sub(mu.reshape(bshape));
          SDVariable var = centred.mul(centred).mean(batchVar(bn.name()), false, axes);
          SDVariable inv = sd.math().rsqrt(var.add(bn.eps()));
          SDVariable scale = gamma.mul(inv).reshape(bshape);
          y = centred.mul(scale).add(out(n.name()), beta.reshape(bshape));
        } else {
          SDVariable mean = param(sd, net, bn.name() + "/mean", shared);
          SDVariable var = param(sd, net, bn.name() + "/var", shared);
          y = sd.nn().batchNorm(out(n.name()), x, mean, var, gamma, beta, bn.eps(), 1);
        }
      } else if (n instanceof Node.Activation a) {
        SDVariable x = outs.get(a.input());
        // a ReLU moved below its max-pool, or absorbed by the fused fake-quant that reads it (Rewrites)
        if (rw.deferredRelu(a.name()) || rw.elidedRelu(a.name())) {
          outs.put(a.name(), x);
          continue;
        }
        y = switch (a.kind()) {
          case RELU -> sd.nn().relu(out(n.name()), x, 0.0);
          case RELU6 -> sd.nn().relu6(out(n.name()), x, 0.0);
          case SOFTMAX -> sd.nn().softmax(out(n.name()), x, 1);
          case IDENTITY -> sd.identity(out(n.name()), x);
          case SIGMOID -> sd.nn().sigmoid(out(n.name()), x);
          case TANH -> sd.math().tanh(out(n.name()), x);
          case HARD_SIGMOID -> sd.nn().relu6(x.add(3.0), 0.0).div(out(n.name()), 6.0);
          case HARD_SWISH -> x.mul(out(n.name()), sd.nn().relu6(x.add(3.0), 0.0).div(6.0));
          case LEAKY_RELU -> sd.nn().leakyRelu(out(n.name()), x, a.alpha());
        };
      } else if (n instanceof Node.Pool p) {
        SDVariable x = outs.get(p.input());
        int[] in = shapes.get(p.input());
        if (p.ceil() && (p.overhang(in[1]) > 0 || p.overhang(in[2]) > 0)) {
          // ceil rounding: the last windows read past the padded input, where max pooling sees -infinity
          INDArray pads = Nd4j.createFromArray(new int[][]{{0, 0}, {0, 0}, {0, p.overhang(in[1])}, {0, p.overhang(in[2])}});
          x = sd.nn().pad(x, sd.constant(pads), org.nd4j.enums.PadMode.CONSTANT, -Float.MAX_VALUE);
        }
        Pooling2DConfig cfg = Pooling2DConfig.builder().kH(p.kernel()).kW(p.kernel()).sH(p.stride()).sW(p.stride())
            .pH(p.padding()).pW(p.padding()).paddingMode(PaddingMode.VALID).isNHWC(false)
            .type(p.type() == Node.Pool.Type.MAX ? Pooling2D.Pooling2DType.MAX : Pooling2D.Pooling2DType.AVG)
            // average over the real (unpadded) window elements
            .divisor(Pooling2D.Divisor.EXCLUDE_PADDING).build();
        if (rw.reluAfterPool(p.name())) {
          // relu(maxpool(x)) = maxpool(relu(x)): the ReLU runs on the pooled, 4× smaller map (or not at all)
          SDVariable pooled = sd.cnn().maxPooling2d(out(n.name()) + "/pre_relu", x, cfg);
          y = rw.elidedRelu(p.name()) ? pooled : sd.nn().relu(out(n.name()), pooled, 0.0);
        } else {
          y = p.type() == Node.Pool.Type.MAX ? sd.cnn().maxPooling2d(out(n.name()), x, cfg) : sd.cnn().avgPooling2d(out(n.name()), x, cfg);
        }
      } else if (n instanceof Node.GlobalAvgPool g) {
        y = outs.get(g.input()).mean(out(n.name()), false, 2, 3);
      } else if (n instanceof Node.Add a) {
        SDVariable acc = outs.get(a.sources().get(0));
        List<String> rest = a.sources().subList(1, a.sources().size());
        for (int i = 0; i < rest.size(); i++) {
          SDVariable other = outs.get(rest.get(i));
          acc = i == rest.size() - 1 ? acc.add(out(n.name()), other) : acc.add(other);
        }
        y = acc;
      } else if (n instanceof Node.Mul m) {
        y = outs.get(m.sources().get(0)).mul(out(n.name()), outs.get(m.sources().get(1)));
      } else if (n instanceof Node.Concat c) {
        y = sd.concat(out(n.name()), 1, c.sources().stream().map(outs::get).toArray(SDVariable[]::new));
      } else if (n instanceof Node.ChannelSlice c) {
        SDVariable x = outs.get(c.input());
        y = sd.identity(out(n.name()), x.get(SDIndex.all(), SDIndex.interval(c.from(), c.to()), SDIndex.all(), SDIndex.all()));
      } else if (n instanceof Node.ChannelShuffle c) {
        int[] s = shapes.get(c.name());
        SDVariable v = outs.get(c.input()).reshape(-1, c.groups(), s[0] / c.groups(), s[1], s[2]).permute(0, 2, 1, 3, 4);
        y = sd.identity(out(n.name()), v.reshape(-1, s[0], s[1], s[2]));
      } else if (n instanceof Node.Flatten f) {
        int[] s = shapes.get(f.name());
        y = outs.get(f.input()).reshape(-1, s[0]);
        y = sd.identity(out(n.name()), y);
      } else {
        throw new IllegalArgumentException("node " + n.name() + ": unsupported node type " + n.getClass().getSimpleName());
      }
      outs.put(n.name(), y);
    }
    return sd;
  }

  private static SDVariable param(SameDiff sd, Network net, String key, Map<String, INDArray> shared) {
    if (sd.hasVariable(key)) return sd.getVariable(key);
    if (shared != null) return sd.var(key, shared.get(key));
    INDArray a = net.params().get(key);
    return sd.var(key, a.castTo(DataType.FLOAT).dup());
  }

  /**
   * The input a prunable layer computes on: the producer's output, or its fake-quantized form
   * {@code clip(round(x / scale), lo, hi) * scale} (rounding half away from zero) when the layer is listed.
   * Without shared arrays (no caller now but kept for graphs built standalone) the hook is switched by
   * {@code <layer>/aq_on} (1 or 0) blending as {@code q·on + x·(1−on)}, exact at both ends but 9 element-wise passes.
   * With shared arrays it is always on: the fused fake-quant op where {@code fakeQuants} lists the layer, else
   * 5 passes (docs/performance.md).
   */
  private static SDVariable layerInput(SameDiff sd, String layer, SDVariable x, Set<String> quantizedInputs, Map<String, INDArray> shared,
                                        Map<String, FakeQuant> fakeQuants) {
    if (!quantizedInputs.contains(layer)) return x;
    if (shared != null) {
      FakeQuant fq = fakeQuants == null ? null : fakeQuants.get(layer);
      if (fq != null) {
        // unsigned grid [0, 2^b − 1]: libnd4j's fused fake_quant_with_min_max_vars in one pass; with min = 0 its
        // zero-point nudge is 0 and floor(x/s + 0.5) is round-half-away for x ≥ 0, so the values are the same
        // (ActivationQuantFormsTest checks them one by one)
        fq.op = new FakeQuant.Op(sd, x, sd.var(layer + "/aq_min", shared.get(layer + "/aq_min")),
            sd.var(layer + "/aq_max", shared.get(layer + "/aq_max")), fq.bits);
        return fq.op.outputVariable();
      }
      SDVariable scale = sd.var(layer + "/aq_scale", shared.get(layer + "/aq_scale"));
      SDVariable q = sd.math().round(x.div(scale));
      return sd.math().min(sd.math().max(q, sd.var(layer + "/aq_lo", shared.get(layer + "/aq_lo"))),
          sd.var(layer + "/aq_hi", shared.get(layer + "/aq_hi"))).mul(scale);
    }
    SDVariable scale = sd.var(layer + "/aq_scale", Nd4j.scalar(DataType.FLOAT, 1f));
    SDVariable lo = sd.var(layer + "/aq_lo", Nd4j.scalar(DataType.FLOAT, -1e30f));
    SDVariable hi = sd.var(layer + "/aq_hi", Nd4j.scalar(DataType.FLOAT, 1e30f));
    SDVariable on = sd.var(layer + "/aq_on", Nd4j.scalar(DataType.FLOAT, 0f));
    SDVariable q = sd.math().round(x.div(scale));
    q = sd.math().min(sd.math().max(q, lo), hi).mul(scale);
    return q.mul(on).add(x.mul(on.rsub(1.0)));
  }

  /**
   * Exact rewrites of an inference graph on shared arrays (the evaluation form), measured in docs/performance.md:
   * <ul>
   *   <li>a BatchNorm that is the only reader of a conv's output is folded into that conv's weights and bias (the
   *       conv's own output then has no variable: its values exist only normalised, under the BN's name);</li>
   *   <li>a ReLU whose only reader is a max-pool runs after the pool (max commutes with a monotone function);</li>
   *   <li>a ReLU (in place or moved below its pool) whose only reader is a prunable layer with a fused unsigned
   *       fake-quant hook is dropped: the hook clamps to [0, max] already, so relu then quantize equals quantize.
   *       The node's name then has no variable in that graph (the pre-ReLU values are not what it would hold).</li>
   * </ul>
   * Training graphs and standalone graphs are built as written.
   */
  record Rewrites(Map<String, Node.BatchNorm> folds, Set<String> skippedBatchNorms, Set<String> deferredRelus,
                  Set<String> poolsWithRelu, Set<String> elided) {
    static final Rewrites NONE = new Rewrites(Map.of(), Set.of(), Set.of(), Set.of(), Set.of());

    static Rewrites of(Network net, Set<String> quantizedInputs, Map<String, FakeQuant> fakeQuants) {
      return of(net, net.outputShapes(), quantizedInputs, fakeQuants);
    }

    /** {@code shapes}: the network's output shapes, as the caller has them already. */
    static Rewrites of(Network net, Map<String, int[]> shapes, Set<String> quantizedInputs, Map<String, FakeQuant> fakeQuants) {
      Map<String, List<Node>> readers = new java.util.HashMap<>();
      for (Node n : net.nodes()) for (String i : n.inputs()) readers.computeIfAbsent(i, k -> new java.util.ArrayList<>()).add(n);
      Map<String, Node.BatchNorm> folds = new java.util.HashMap<>();
      Set<String> skipped = new java.util.HashSet<>(), deferred = new java.util.HashSet<>(), pools = new java.util.HashSet<>(),
          elided = new java.util.HashSet<>();
      for (Node n : net.nodes()) {
        List<Node> r = readers.getOrDefault(n.name(), List.of());
        if (n instanceof Node.Conv2d c && r.size() == 1 && r.get(0) instanceof Node.BatchNorm bn && shapes.get(c.name()).length == 3) {
          folds.put(c.name(), bn);
          skipped.add(bn.name());
        }
        if (n instanceof Node.Activation a && a.kind() == Node.Activation.Kind.RELU) {
          String carrier = a.name();
          if (r.size() == 1 && r.get(0) instanceof Node.Pool p && p.type() == Node.Pool.Type.MAX) {
            deferred.add(a.name());
            pools.add(p.name());
            carrier = p.name();
          }
          List<Node> cr = readers.getOrDefault(carrier, List.of());
          if (ELIDE_RELU && cr.size() == 1 && (cr.get(0) instanceof Node.Conv2d || cr.get(0) instanceof Node.Dense)
              && quantizedInputs.contains(cr.get(0).name()) && fakeQuants != null && fakeQuants.containsKey(cr.get(0).name()))
            elided.add(carrier);
        }
      }
      return new Rewrites(Map.copyOf(folds), Set.copyOf(skipped), Set.copyOf(deferred), Set.copyOf(pools), Set.copyOf(elided));
    }

    boolean skipped(String node) {
      return skippedBatchNorms.contains(node);
    }

    Node.BatchNorm foldedBatchNorm(String conv) {
      return folds.get(conv);
    }

    boolean deferredRelu(String node) {
      return deferredRelus.contains(node);
    }

    boolean reluAfterPool(String pool) {
      return poolsWithRelu.contains(pool);
    }

    boolean elidedRelu(String node) {
      return elided.contains(node);
    }
  }
}
