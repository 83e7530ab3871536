package dev.hwc.compress;

import dev.hwc.model.LayerKind;
import dev.hwc.model.LayerShape;
import dev.hwc.model.ModelGraph;
import dev.hwc.model.ModelGraph.Consumer;
import dev.hwc.model.ModelGraph.DependencyGroup;
import dev.hwc.model.ModelGraph.Layer;
import dev.hwc.model.Node;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies a {@link CompressionPlan} to a base network without retraining: per layer in topological order, prune
 * (coarse decisions act on the layer's {@link DependencyGroup}), then, at the end, quantize weights and calibrate the
 * layers' input quantization. Deterministic: the same plan on the same base gives identical arrays.
 *
 * <p>Coarse rules. A filter pruner acts only where the layer {@link ModelGraph#decidesOutputChannels decides} its
 * output channels; at a depthwise conv, a later residual-group member or the classifier it prunes nothing
 * ("none"). {@link ChannelReconstruction} removes the layer's input channels, i.e. the output filters of the single
 * producer of its input group; where that group is not prunable or is a residual group (several owners), it falls
 * back to FilterL1 on the layer's own outputs when the layer decides them, else prunes nothing. Its ratio is taken of
 * the input channels still alive. Activation ranges and reconstruction targets come from the base network's
 * calibration inputs.
 *
 * <p>Reconstruction inputs ({@code hwc.compress.reconstruction-inputs}). With {@code base} every reconstructing step
 * fits a layer to the base network's inputs (statistics computed once per layer). With {@code compressed} (the shipped
 * default; the session then needs an {@link UpstreamInputs}, as {@link PlanInstaller} gives it) a session takes,
 * before each layer, that layer's input on the calibration images from the network as far as it is compressed
 * ({@link UpstreamInputs}), quantized by the layer's own input quantizer, and fits the layer to the base layer's
 * outputs from those inputs: ObsReconstruction, ChannelReconstruction and GPTQ use these statistics, and every other
 * pruner's kept weights (its zeros fixed) are refit to them by least squares ({@link ObsReconstruction#refit}). Each
 * layer so takes over what the compressed layers before it lost, as far as a linear refit can (sequential
 * reconstruction, as in OBC/SparseGPT).
 */
public final class Compressor {
  private final ModelGraph graph;
  private final Map<String, INDArray> base;
  private final Calibration calibration;
  private final CompressionSettings settings;
  private final Map<String, float[]> baseWeights = new HashMap<>();
  private final Map<String, ChannelReconstruction.Gram> grams = new HashMap<>();
  private final Map<String, DepthwiseGram> depthwiseGrams = new HashMap<>();

  /**
   * A layer's input on the calibration images (the images, order and shape of {@link Calibration#input}) in the
   * network as far as a session has compressed it: the layers stepped so far compressed, their inputs quantized,
   * the rest as the base.
   */
  public interface UpstreamInputs {
    INDArray inputs(String layer, CompressedModel upstream);
  }

  /**
   * Per channel of a depthwise conv, [k, k] each: X̃ᵀX̃ of the inputs the layer is fitted on, and X̃ᵀX with the base
   * inputs X (the targets' statistics: X̃ᵀX·w_base); the same arrays when X̃ is the base input.
   */
  private record DepthwiseGram(double[][] xtx, double[][] cross) {}

  public Compressor(ModelGraph graph, Map<String, INDArray> baseParams, Calibration calibration, CompressionSettings settings) {
    this.graph = graph;
    this.base = Map.copyOf(baseParams);
    this.calibration = calibration;
    this.settings = settings;
    for (Layer l : graph.layers()) {
      requireParam(l.name() + "/W");
      baseWeights.put(l.name(), filterMajor(l, Tensors.floats(base.get(l.name() + "/W"))));
    }
  }

  public ModelGraph graph() { return graph; }

  public CompressionSettings settings() { return settings; }

  private void requireParam(String key) {
    if (!base.containsKey(key)) throw new IllegalArgumentException("network has no parameter '" + key + "'");
  }

  /** Dense W is stored [in, out]; the compressor works on [out, in] (filter-major). */
  private static float[] filterMajor(Layer l, float[] w) {
    if (l.kind() != LayerKind.DENSE) return w;
    return transpose(w, l.shape().c(), l.shape().m());
  }

  private static float[] transpose(float[] w, int rows, int cols) {
    float[] t = new float[w.length];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = w[i * cols + j];
    return t;
  }

  /** Checks a whole plan against the model and the configured ranges; one message naming the field and value. */
  public void validate(CompressionPlan plan) {
    validate(graph, settings, plan);
  }

  /** {@link #validate(CompressionPlan)} without a compressor (no calibration needed). */
  public static void validate(ModelGraph graph, CompressionSettings settings, CompressionPlan plan) {
    List<String> names = graph.names();
    for (int i = 0; i < plan.size(); i++) {
      String layer = plan.layers().get(i).layer();
      if (!graph.isLayer(layer))
        throw new IllegalArgumentException("plan layer '" + layer + "': no such prunable layer (layers: " + String.join(", ", names) + ")");
    }
    if (plan.size() != names.size())
      throw new IllegalArgumentException("plan has " + plan.size() + " layers, the model has " + names.size() + " prunable layers (" + String.join(", ", names) + ")");
    for (int i = 0; i < plan.size(); i++) {
      String layer = plan.layers().get(i).layer();
      if (!layer.equals(names.get(i)))
        throw new IllegalArgumentException("plan layer '" + layer + "' is at position " + i + ", expected '" + names.get(i) + "' (layers in topological order)");
      validate(settings, layer, plan.layers().get(i).decision());
    }
  }

  private static void validate(CompressionSettings settings, String layer, LayerDecision d) {
    List<String> known = new ArrayList<>(settings.algorithms());
    known.add(Pruners.NONE);
    if (!known.contains(d.algorithm()))
      throw new IllegalArgumentException("plan layer '" + layer + "': unknown algorithm '" + d.algorithm() + "' (known: " + String.join(", ", known) + ")");
    if (d.pruneRatio() < settings.minRatio() || d.pruneRatio() > settings.maxRatio())
      throw new IllegalArgumentException("plan layer '" + layer + "': pruneRatio " + d.pruneRatio() + " outside hwc.compress.ratio-range ["
          + settings.minRatio() + ", " + settings.maxRatio() + "]");
    for (var b : List.of(Map.entry("weightBits", d.weightBits()), Map.entry("activationBits", d.activationBits())))
      if (b.getValue() < settings.minBits() || b.getValue() > settings.maxBits())
        throw new IllegalArgumentException("plan layer '" + layer + "': " + b.getKey() + " " + b.getValue() + " outside hwc.compress.bits-range ["
            + settings.minBits() + ", " + settings.maxBits() + "]");
  }

  /** Validates and applies a whole plan; the settings must ask for base reconstruction inputs. */
  public CompressedModel apply(CompressionPlan plan) {
    return apply(plan, null);
  }

  /** Validates and applies a whole plan; {@code upstream} as for {@link #session(UpstreamInputs)}. */
  public CompressedModel apply(CompressionPlan plan, UpstreamInputs upstream) {
    validate(plan);
    Session s = session(upstream);
    for (CompressionPlan.LayerPlan lp : plan.layers()) s.step(lp.layer(), lp.decision());
    return s.finish();
  }

  /**
   * A layer-by-layer application, for the search: {@link Session#step} each layer in topological order, then finish.
   * The settings must ask for base reconstruction inputs; see {@link #session(UpstreamInputs)}.
   */
  public Session session() {
    return session(null);
  }

  /**
   * {@link #session()}; {@code upstream} gives the layers' inputs when the settings ask for compressed reconstruction
   * inputs (required then, unused otherwise).
   */
  public Session session(UpstreamInputs upstream) {
    if (settings.reconstructFromCompressedInputs() && upstream == null)
      throw new IllegalStateException("hwc.compress.reconstruction-inputs = compressed: this compressor has no network to take the"
          + " compressed layers' outputs from (build it with PlanInstaller)");
    return new Session(settings.reconstructFromCompressedInputs() ? upstream : null);
  }

  /**
   * Per channel of [n, C, k] patches (C-order), Σ_rows a_i·b_j [k, k]: XᵀX when a = b, the cross statistics of two
   * inputs sampled at the same positions otherwise.
   */
  private static double[][] channelGrams(float[] a, float[] b, int n, int c, int k) {
    double[][] h = new double[c][k * k];
    for (int row = 0; row < n; row++)
      for (int ch = 0; ch < c; ch++) {
        int at = (row * c + ch) * k;
        for (int i = 0; i < k; i++) {
          double ai = a[at + i];
          if (ai == 0) continue;
          for (int j = 0; j < k; j++) h[ch][i * k + j] += ai * b[at + j];
        }
      }
    return h;
  }

  /** Fewest calibration samples per input of a row for a layer to be refit to its compressed inputs. */
  static final int MIN_SAMPLES_PER_INPUT = 2;

  /** What a coarse choice runs on a layer whose channels cannot be removed ({@link ModelGraph#coarseRestrictions}). */
  static final String RESTRICTED_FALLBACK = "Magnitude";

  /** One plan being applied. Not thread-safe; one per episode. */
  public final class Session {
    private final Map<Integer, int[]> alive = new HashMap<>();      // group id -> kept original channel indices
    private final Map<String, float[]> w = new HashMap<>();          // layer -> thinned filter-major weights
    private final Map<String, float[]> b = new HashMap<>();          // layer -> thinned bias (absent without bias)
    private final Map<String, float[][]> bn = new HashMap<>();       // batchnorm -> gamma, beta, mean, var
    private final Map<String, LayerDecision> requested = new LinkedHashMap<>();   // as the plan says
    private final Map<String, LayerDecision> decisions = new LinkedHashMap<>();   // as applied (bits pinned)
    private final Map<String, String> applied = new HashMap<>();
    private final UpstreamInputs upstream;                             // null: fit to the base inputs
    private final Map<String, ChannelReconstruction.Gram> ownGrams = new HashMap<>();   // compressed-input statistics
    private final Map<String, DepthwiseGram> ownDepthwiseGrams = new HashMap<>();
    private final Map<String, float[]> quantized = new HashMap<>();   // layer -> quantized weights, until they change
    private final Map<String, CalibratedInput> inputQuant = new HashMap<>();   // layer -> its input quantizer, by units
    private boolean finished;

    private Session(UpstreamInputs upstream) {
      this.upstream = upstream;
      for (DependencyGroup g : graph.groups()) alive.put(g.id(), Tensors.range(g.channels()));
      for (Layer l : graph.layers()) {
        w.put(l.name(), baseWeights.get(l.name()).clone());
        INDArray bias = base.get(l.name() + "/b");
        if (bias != null) b.put(l.name(), Tensors.floats(bias));
      }
      for (String n : graph.batchNorms()) {
        float[][] p = new float[4][];
        String[] keys = {"gamma", "beta", "mean", "var"};
        for (int i = 0; i < 4; i++) {
          requireParam(n + "/" + keys[i]);
          p[i] = Tensors.floats(base.get(n + "/" + keys[i]));
        }
        bn.put(n, p);
      }
    }

    /** Replaces a layer's thinned weights (and forgets their quantized form). */
    private void setWeights(String layer, float[] weights) {
      w.put(layer, weights);
      quantized.remove(layer);
    }

    /** Prunes one layer (the next in topological order) and returns its stats so far. */
    public LayerStats step(String layer, LayerDecision decision) {
      if (finished) throw new IllegalStateException("session already finished");
      int next = decisions.size();
      if (next >= graph.layers().size())
        throw new IllegalArgumentException("plan layer '" + layer + "': all " + graph.layers().size() + " layers already have decisions");
      String expected = graph.layers().get(next).name();
      if (!graph.isLayer(layer))
        throw new IllegalArgumentException("plan layer '" + layer + "': no such prunable layer (layers: " + String.join(", ", graph.names()) + ")");
      if (!layer.equals(expected))
        throw new IllegalArgumentException("plan layer '" + layer + "' is at position " + next + ", expected '" + expected + "' (layers in topological order)");
      validate(settings, layer, decision);
      Layer l = graph.layer(layer);
      requested.put(layer, decision);
      if (settings.pinFirstLast8Bit() && (l.index() == 0 || l.index() == graph.layers().size() - 1))
        decision = new LayerDecision(decision.pruneRatio(), decision.algorithm(), 8, 8);
      boolean fit = upstream != null && fitToCompressedInputs(l, decision.activationBits());
      decisions.put(layer, decision);
      String done = prune(l, decision);
      applied.put(layer, done);
      if (fit && !done.equals("ObsReconstruction") && !done.equals("ChannelReconstruction"))
        setWeights(layer, ObsReconstruction.refit(obsBlocks(l), w.get(layer)));
      return stats(l);
    }

    /**
     * The statistics this session fits layer l to: its input in the network compressed so far (the base input before
     * the first step), quantized with {@code activationBits} as its input quantizer will be, sampled at the base
     * patches' positions; targets the base layer's outputs on the base inputs. Not where the calibration has fewer
     * than {@value #MIN_SAMPLES_PER_INPUT} samples per input of a row (a dense layer sees one per image): a refit there
     * fits the calibration images' noise (lenet5's fc1 and vgg-small's classifier, 0.6 samples per input, lost test
     * accuracy; mobilenet-small's classifier, 2, gained); such a layer keeps the base statistics.
     * @return whether the layer is fitted to its compressed inputs
     */
    private boolean fitToCompressedInputs(Layer l, int activationBits) {
      Calibration.Patches base = basePatches(l);
      int rowInputs = l.kind() == LayerKind.DEPTHWISE_CONV ? base.k() : base.channels() * base.k();
      if (base.n() < MIN_SAMPLES_PER_INPUT * rowInputs) return false;
      INDArray in = decisions.isEmpty() ? calibration.input(l.name()) : upstream.inputs(l.name(), assemble());
      ActivationQuant aq = activationQuant(l, activationBits);
      Calibration.Patches p = Calibration.samplePatches(in, l.name(), l.shape().r(), l.shape().s(), l.shape().stride(),
          l.shape().pad(), graph.inputBlock(l.name()), settings.pointsPerMap(), settings.seed());
      if (p.n() != base.n() || p.x().length != base.x().length)
        throw new IllegalStateException("compressed inputs of " + l.name() + ": " + p.n() + " samples of " + p.x().length / Math.max(1, p.n())
            + " values, the base has " + base.n() + " of " + base.x().length / Math.max(1, base.n()));
      float[] xq = new float[p.x().length];
      for (int i = 0; i < xq.length; i++) xq[i] = aq.apply(p.x()[i]);
      if (l.kind() == LayerKind.DEPTHWISE_CONV) {
        ownDepthwiseGrams.put(l.name(), new DepthwiseGram(channelGrams(xq, xq, p.n(), p.channels(), p.k()),
            channelGrams(xq, base.x(), p.n(), p.channels(), p.k())));
      } else {
        ownGrams.put(l.name(), ChannelReconstruction.Gram.of(xq, baseOutputs(l, base), p.n(), p.channels(), p.k(), l.shape().m()));
      }
      return true;
    }

    private String prune(Layer l, LayerDecision d) {
      Pruner p = Pruners.byName(d.algorithm());
      if (p == null || d.pruneRatio() == 0) return Pruners.NONE;
      if (p instanceof FinePruner fp) {
        long[] shape = fineShape(l);
        double[] norms = fp.needsCalibration() ? inputNorms(l) : null;
        float[] mask = Tensors.floats(fp.mask(Tensors.array(w.get(l.name()), shape), d.pruneRatio(), norms));
        float[] wl = w.get(l.name());
        for (int i = 0; i < wl.length; i++) wl[i] *= mask[i];
        setWeights(l.name(), wl);
        return fp.name();
      }
      if (p instanceof FilterPruner filter) return pruneOutputs(l, filter, d, filter.name());
      if (p instanceof ObsReconstruction obs) {
        setWeights(l.name(), obs.prune(obsBlocks(l), d.pruneRatio()));
        return obs.name();
      }
      ChannelReconstruction cr = (ChannelReconstruction) p;
      DependencyGroup in = graph.inputGroup(l.name());
      if (l.kind() == LayerKind.DEPTHWISE_CONV || graph.inputSegments(l.name()).size() != 1 || !in.prunable() || in.owners().size() != 1)
        return pruneOutputs(l, new FilterL1(), d, "FilterL1 (fallback)");
      reconstruct(l, cr, in, d.pruneRatio());
      return cr.name();
    }

    /**
     * Removes output filters chosen by {@code p}, named {@code applied}; on a layer whose channels cannot be removed
     * ({@link ModelGraph#coarseRestrictions}) it prunes the same share of its weights element-wise instead.
     */
    private String pruneOutputs(Layer l, FilterPruner p, LayerDecision d, String applied) {
      if (graph.coarseRestrictions().containsKey(l.name())) {
        String fine = prune(l, new LayerDecision(d.pruneRatio(), RESTRICTED_FALLBACK, d.weightBits(), d.activationBits()));
        return fine.equals(Pruners.NONE) ? fine : fine + " (fallback)";
      }
      return pruneFilters(l, p, d.pruneRatio()) ? applied : Pruners.NONE;
    }

    private boolean pruneFilters(Layer l, FilterPruner p, double ratio) {
      if (!graph.decidesOutputChannels(l.name())) return false;
      DependencyGroup g = graph.outputGroup(l.name());
      int[] keep = p.keptFilters(Tensors.array(w.get(l.name()), coarseShape(l)), ratio);
      removeChannels(g, keep);
      return true;
    }

    private void reconstruct(Layer l, ChannelReconstruction cr, DependencyGroup in, double ratio) {
      ChannelReconstruction.Gram g = gram(l);
      ChannelReconstruction.Result r = cr.reconstruct(Tensors.array(w.get(l.name()), coarseShape(l)), ratio, g,
          alive.get(in.id()), outputAlive(l), settings.ridge());
      removeChannels(in, r.keptChannels());
      setWeights(l.name(), Tensors.floats(r.weights()));
    }

    /**
     * XᵀX and XᵀY over all the layer's channels, Y the base layer's outputs (without bias) on the base inputs: X the
     * base layer's sampled patches (cached per layer), or this session's compressed inputs of the layer.
     */
    private ChannelReconstruction.Gram gram(Layer l) {
      ChannelReconstruction.Gram own = ownGrams.get(l.name());
      if (own != null) return own;
      synchronized (grams) {
        return grams.computeIfAbsent(l.name(), name -> {
          Calibration.Patches p = basePatches(l);
          return ChannelReconstruction.Gram.of(p.x(), baseOutputs(l, p), p.n(), p.channels(), p.k(), l.shape().m());
        });
      }
    }

    private Calibration.Patches basePatches(Layer l) {
      return calibration.patches(l.name(), l.shape().r(), l.shape().s(), l.shape().stride(), l.shape().pad(),
          graph.inputBlock(l.name()), settings.pointsPerMap(), settings.seed());
    }

    /** The base layer's outputs (without bias) on its sampled base patches, [n, O]. */
    private float[] baseOutputs(Layer l, Calibration.Patches p) {
      int o = l.shape().m(), d = p.channels() * p.k();
      INDArray x = Nd4j.create(p.x(), new long[]{p.n(), d}, 'c');
      INDArray wt = Nd4j.create(baseWeights.get(l.name()), new long[]{o, d}, 'c');
      return Tensors.floats(x.mmul(wt.transpose()));
    }

    /**
     * The layer's rows as {@link ObsReconstruction} sees them: the statistics of {@link #rowGroups} with, per row, the
     * targets Xᵀy_r, y_r = X_base·w_r the base layer's output of the alive filter r (Xᵀy_r = XᵀX·w_r on base inputs).
     */
    private List<ObsReconstruction.Block> obsBlocks(Layer l) {
      int[] out = outputAlive(l);
      List<GptqRounding.RowGroup> groups = rowGroups(l);
      if (l.kind() == LayerKind.DEPTHWISE_CONV) {
        int k = l.shape().r() * l.shape().s();
        float[] wb = baseWeights.get(l.name());
        double[][] cross = depthwiseGram(l).cross();
        List<ObsReconstruction.Block> blocks = new ArrayList<>();
        for (int f = 0; f < out.length; f++) {
          double[] h = groups.get(f).xtx(), c = cross[out[f]], t = new double[k];
          for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) t[i] += c[i * k + j] * wb[out[f] * k + j];
          blocks.add(new ObsReconstruction.Block(h, k, new double[][]{t}));
        }
        return blocks;
      }
      ChannelReconstruction.Gram g = gram(l);
      int[] idx = Tensors.expand(inputAlive(l), g.k());
      int d = idx.length;
      double[][] t = new double[out.length][d];
      for (int f = 0; f < out.length; f++) for (int i = 0; i < d; i++) t[f][i] = g.xty()[idx[i] * g.outputs() + out[f]];
      return List.of(new ObsReconstruction.Block(groups.get(0).xtx(), d, t));
    }

    /**
     * The layer's rows grouped by the inputs they read, each group with XᵀX of the base layer's sampled input patches
     * over those inputs: for a conv or dense layer one group of all alive rows over the alive inputs (a sub-block of
     * the layer's Gram); for a depthwise conv one group per alive filter, its [k, k] matrix.
     */
    private List<GptqRounding.RowGroup> rowGroups(Layer l) {
      if (l.kind() == LayerKind.DEPTHWISE_CONV) {
        double[][] perChannel = depthwiseGram(l).xtx();
        int k = l.shape().r() * l.shape().s();
        List<GptqRounding.RowGroup> groups = new ArrayList<>();
        for (int c : outputAlive(l)) groups.add(new GptqRounding.RowGroup(perChannel[c], k, 1));
        return groups;
      }
      ChannelReconstruction.Gram g = gram(l);
      int[] idx = Tensors.expand(inputAlive(l), g.k());
      return List.of(new GptqRounding.RowGroup(LeastSquares.subMatrix(g.xtx(), g.channels() * g.k(), idx), idx.length, outputAlive(l).length));
    }

    /** A depthwise conv's per-channel statistics: of the base patches (cached per layer), or this session's own. */
    private DepthwiseGram depthwiseGram(Layer l) {
      DepthwiseGram own = ownDepthwiseGrams.get(l.name());
      if (own != null) return own;
      synchronized (depthwiseGrams) {
        return depthwiseGrams.computeIfAbsent(l.name(), name -> {
          Calibration.Patches p = basePatches(l);
          double[][] h = channelGrams(p.x(), p.x(), p.n(), p.channels(), p.k());
          return new DepthwiseGram(h, h);
        });
      }
    }

    /**
     * Removes every channel of {@code g} not at the given positions (indices into the alive list). A layer can both
     * read and write the group (a block whose output is added back to its input), so each touched layer's shape is
     * taken once, before any change, and follows its rows and columns as they go.
     */
    private void removeChannels(DependencyGroup g, int[] keepPos) {
      int[] old = alive.get(g.id());
      if (keepPos.length == old.length) return;
      int[] now = new int[keepPos.length];
      for (int i = 0; i < keepPos.length; i++) now[i] = old[keepPos[i]];
      Map<String, long[]> shapes = new HashMap<>();
      for (String o : g.owners()) shapes.put(o, coarseShape(graph.layer(o)));
      for (String dw : g.depthwise()) shapes.put(dw, coarseShape(graph.layer(dw)));
      for (Consumer c : g.consumers()) shapes.put(c.layer(), coarseShape(graph.layer(c.layer())));
      for (String o : g.owners()) shrinkRows(o, shapes.get(o), keepPos);
      for (String dw : g.depthwise()) shrinkRows(dw, shapes.get(dw), keepPos);
      for (String n : g.batchNorms()) {
        float[][] p = bn.get(n);
        int[] keep = keepWithin(p[0].length, currentStart(graph.batchNormSegments(n), g), old.length, keepPos);
        for (int i = 0; i < 4; i++) p[i] = Tensors.select(p[i], new long[]{p[i].length}, 0, keep);
      }
      for (Consumer c : g.consumers()) {
        long[] s = shapes.get(c.layer());
        int[] keep = keepWithin((int) s[1], currentStart(graph.inputSegments(c.layer()), g), old.length, keepPos);
        setWeights(c.layer(), Tensors.select(w.get(c.layer()), s, 1, keep));
        s[1] = keep.length;
      }
      alive.put(g.id(), now);
    }

    /** Where group g's alive channels start in an input made of these segments, as the input is thinned now. */
    private int currentStart(List<ModelGraph.Segment> segments, DependencyGroup g) {
      int start = 0;
      for (ModelGraph.Segment s : segments) {
        if (s.group().id() == g.id()) return start;
        start += alive.get(s.group().id()).length;
      }
      throw new IllegalStateException("group " + g.id() + " is not among the segments read");
    }

    /** The positions kept of {@code size}: all but those of [start, start + len) that keepPos does not name. */
    private static int[] keepWithin(int size, int start, int len, int[] keepPos) {
      if (start == 0 && len == size) return keepPos;
      int[] keep = new int[size - len + keepPos.length];
      int k = 0;
      for (int i = 0; i < start; i++) keep[k++] = i;
      for (int p : keepPos) keep[k++] = start + p;
      for (int i = start + len; i < size; i++) keep[k++] = i;
      return keep;
    }

    private void shrinkRows(String layer, long[] shape, int[] keepPos) {
      setWeights(layer, Tensors.select(w.get(layer), shape, 0, keepPos));
      shape[0] = keepPos.length;
      if (b.containsKey(layer)) b.put(layer, Tensors.select(b.get(layer), new long[]{b.get(layer).length}, 0, keepPos));
    }

    private int[] outputAlive(Layer l) {
      DependencyGroup g = graph.outputGroup(l.name());
      return alive.get(g.id());
    }

    /** The layer's alive input channels, as indices into its original input (segments side by side). */
    private int[] inputAlive(Layer l) {
      return segmentsAlive(graph.inputSegments(l.name()));
    }

    private int[] segmentsAlive(List<ModelGraph.Segment> segments) {
      if (segments.size() == 1 && segments.get(0).offset() == 0) return alive.get(segments.get(0).group().id());
      int n = 0;
      for (ModelGraph.Segment s : segments) n += alive.get(s.group().id()).length;
      int[] out = new int[n];
      int k = 0;
      for (ModelGraph.Segment s : segments) for (int c : alive.get(s.group().id())) out[k++] = s.offset() + c;
      return out;
    }

    /** Current filter-major shape with channels as dimension 1: conv [O, C, kh, kw], dense [O, C, block, 1]. */
    private long[] coarseShape(Layer l) {
      int o = outputAlive(l).length;
      if (l.kind() == LayerKind.DEPTHWISE_CONV) return new long[]{o, 1, l.shape().r(), l.shape().s()};
      int c = inputAlive(l).length;
      if (l.kind() == LayerKind.DENSE) return new long[]{o, c, graph.inputBlock(l.name()), 1};
      return new long[]{o, c, l.shape().r(), l.shape().s()};
    }

    /** Shape seen by fine pruners: conv as stored, dense as [O, features, 1, 1]. */
    private long[] fineShape(Layer l) {
      long[] s = coarseShape(l);
      return l.kind() == LayerKind.DENSE ? new long[]{s[0], s[1] * s[2], 1, 1} : s;
    }

    /** ‖x‖₂ per alive input unit (per filter for depthwise), from the base calibration inputs. */
    private double[] inputNorms(Layer l) {
      double[] all = calibration.stats(l.name()).norm();
      int[] units = Tensors.expand(inputAlive(l), graph.inputBlock(l.name()));
      double[] out = new double[units.length];
      for (int i = 0; i < units.length; i++) out[i] = all[units[i]];
      return out;
    }

    private LayerStats stats(Layer l) {
      LayerDecision d = decisions.get(l.name());
      long[] s = coarseShape(l);
      int keptOut = (int) s[0];
      int keptIn = l.kind() == LayerKind.DEPTHWISE_CONV ? keptOut : inputAlive(l).length;
      int block = l.kind() == LayerKind.DENSE ? graph.inputBlock(l.name()) : 1;
      LayerShape thin = l.shape().withChannels(keptIn * block, keptOut);
      float[] wl = w.get(l.name());
      long nnz = Tensors.nonZeros(wl);
      long positions = (long) thin.n() * thin.e() * thin.f();
      long bias = b.containsKey(l.name()) ? keptOut : 0;
      int inCh = l.kind() == LayerKind.DENSE ? l.shape().c() / block : l.shape().c();
      return new LayerStats(l.index(), l.name(), d.algorithm(), applied.get(l.name()), d.pruneRatio(), d.weightBits(),
          d.activationBits(), inCh, l.shape().m(), keptIn, keptOut, 1.0 - (double) nnz / l.shape().weights(),
          thin.weights() + bias, nnz, thin.macs(), nnz * positions, thin, inputDensity(l.name(), d.activationBits()));
    }

    /** Quantizes, calibrates activations and builds both forms. All layers must have been stepped. */
    public CompressedModel finish() {
      if (finished) throw new IllegalStateException("session already finished");
      if (decisions.size() != graph.layers().size())
        throw new IllegalArgumentException("plan has decisions for " + decisions.size() + " of " + graph.layers().size()
            + " layers; missing '" + graph.layers().get(decisions.size()).name() + "'");
      finished = true;
      return assemble();
    }

    /**
     * The model as far as it is decided: the stepped layers compressed (quantized weights, input quantization), the
     * others as the base with the channels removed so far. After the last step, the session's result.
     */
    private CompressedModel assemble() {
      List<LayerStats> stats = new ArrayList<>();
      List<ActivationQuant> aq = new ArrayList<>();
      Map<String, float[]> wq = new HashMap<>();
      for (Layer l : graph.layers()) {
        LayerDecision d = decisions.get(l.name());
        if (d == null) {
          wq.put(l.name(), w.get(l.name()));
          continue;
        }
        wq.put(l.name(), quantizedWeights(l));
        aq.add(activationQuant(l, d.activationBits()));
        stats.add(stats(l));
      }
      Map<String, INDArray> thin = new TreeMap<>(), eval = new TreeMap<>();
      for (var e : base.entrySet()) {
        eval.put(e.getKey(), e.getValue());
        thin.put(e.getKey(), e.getValue());
      }
      for (Layer l : graph.layers()) {
        long[] s = coarseShape(l);
        int[] outAlive = outputAlive(l);
        long[] fullShape = l.kind() == LayerKind.DEPTHWISE_CONV
            ? new long[]{l.shape().m(), 1, s[2], s[3]}
            : new long[]{l.shape().m(), l.kind() == LayerKind.DENSE ? l.shape().c() / s[2] : l.shape().c(), s[2], s[3]};
        float[] full = Tensors.scatter(wq.get(l.name()), Tensors.withDim(s, 1, fullShape[1]), 1,
            l.kind() == LayerKind.DEPTHWISE_CONV ? new int[]{0} : inputAlive(l), null);
        full = Tensors.scatter(full, fullShape, 0, outAlive, null);
        INDArray baseW = base.get(l.name() + "/W");
        if (l.kind() == LayerKind.DENSE) {
          eval.put(l.name() + "/W", Tensors.array(transpose(full, (int) fullShape[0], (int) (fullShape[1] * fullShape[2])), baseW.shape()));
          thin.put(l.name() + "/W", Tensors.array(transpose(wq.get(l.name()), (int) s[0], (int) (s[1] * s[2])), s[1] * s[2], s[0]));
        } else {
          eval.put(l.name() + "/W", Tensors.array(full, baseW.shape()));
          thin.put(l.name() + "/W", Tensors.array(wq.get(l.name()), s));
        }
        if (b.containsKey(l.name())) {
          float[] bl = b.get(l.name());
          eval.put(l.name() + "/b", Tensors.array(Tensors.scatter(bl, new long[]{l.shape().m()}, 0, outAlive, null), base.get(l.name() + "/b").shape()));
          thin.put(l.name() + "/b", Tensors.array(bl, bl.length));
        }
      }
      String[] keys = {"gamma", "beta", "mean", "var"};
      Map<String, int[]> keptBatchNorm = new TreeMap<>();
      for (String n : graph.batchNorms()) {
        float[][] p = bn.get(n);
        int[] kept = segmentsAlive(graph.batchNormSegments(n));
        keptBatchNorm.put(n, kept.clone());
        for (int i = 0; i < 4; i++) {
          INDArray bp = base.get(n + "/" + keys[i]);
          // removed channels: gamma = beta = 0 makes them exactly 0; mean and var keep base values (var > 0)
          float[] fill = i < 2 ? null : Tensors.floats(bp);
          eval.put(n + "/" + keys[i], Tensors.array(Tensors.scatter(p[i], bp.shape(), 0, kept, fill), bp.shape()));
          thin.put(n + "/" + keys[i], Tensors.array(p[i], p[i].length));
        }
      }
      Map<String, int[]> kept = new LinkedHashMap<>();
      for (Layer l : graph.layers()) kept.put(l.name(), outputAlive(l).clone());
      return new CompressedModel(new CompressionPlan(requested.entrySet().stream()
          .map(e -> new CompressionPlan.LayerPlan(e.getKey(), e.getValue())).toList()),
          Collections.unmodifiableMap(eval), List.copyOf(aq), thinnedNodes(), Collections.unmodifiableMap(thin), List.copyOf(stats),
          Collections.unmodifiableMap(kept), Collections.unmodifiableMap(keptBatchNorm));
    }

    /** The layer's weights on their grid (computed once until they change). */
    private float[] quantizedWeights(Layer l) {
      return quantized.computeIfAbsent(l.name(), name -> {
        LayerDecision d = decisions.get(name);
        long[] s = coarseShape(l);
        return settings.weightRounding().equals("gptq")
            ? GptqRounding.quantize(w.get(name), rowGroups(l), d.weightBits(), settings.perChannelWeights(l.kind()), settings.clipBelowBits())
            : Quantizer.quantizeWeights(w.get(name), (int) s[0], d.weightBits(), settings.perChannelWeights(l.kind()), settings.clipBelowBits());
      });
    }

    /** A layer's input quantizer and what it was calibrated for (bits, alive input units). */
    private record CalibratedInput(int bits, int[] units, ActivationQuant quant) {}

    /**
     * The layer's input quantizer on the base calibration values of its alive input units; computed once per bits and
     * alive units (a compressed-input session assembles the stepped layers before every layer).
     */
    /**
     * Fraction of a layer's input activations that are non-zero as the accelerator sees them: the calibration samples
     * of its alive input units after its input quantizer at {@code bits} (small values round to zero at low bits).
     * The samples are the base network's inputs: upstream pruning's change to which inputs are zero is not measured.
     */
    public double inputDensity(String layer, int bits) {
      Layer l = graph.layer(layer);
      ActivationQuant aq = activationQuant(l, bits);
      Calibration.UnitStats st = calibration.stats(l.name());
      long nonZero = 0, total = 0;
      for (int u : inputUnits(l))
        for (float v : st.samples()[u]) {
          total++;
          if (aq.apply(v) != 0) nonZero++;
        }
      return total == 0 ? 1.0 : (double) nonZero / total;
    }

    /** The input units (channels, or features of a dense layer) still alive. */
    private int[] inputUnits(Layer l) {
      return l.kind() == LayerKind.DEPTHWISE_CONV ? outputAlive(l) : Tensors.expand(inputAlive(l), graph.inputBlock(l.name()));
    }

    private ActivationQuant activationQuant(Layer l, int bits) {
      int[] units = inputUnits(l);
      CalibratedInput known = inputQuant.get(l.name());
      if (known != null && known.bits() == bits && java.util.Arrays.equals(known.units(), units)) return known.quant();
      ActivationQuant q = calibrateInput(l, bits, units);
      inputQuant.put(l.name(), new CalibratedInput(bits, units, q));
      return q;
    }

    private ActivationQuant calibrateInput(Layer l, int bits, int[] units) {
      Calibration.UnitStats st = calibration.stats(l.name());
      int total = 0;
      for (int u : units) total += st.samples()[u].length;
      float[] values = new float[total + 2];
      int p = 0;
      float max = 0, min = 0;
      for (int u : units) {
        System.arraycopy(st.samples()[u], 0, values, p, st.samples()[u].length);
        p += st.samples()[u].length;
        max = Math.max(max, st.maxAbs()[u]);
        min = Math.min(min, st.min()[u]);
      }
      // the extremes of all calibration values join the subsample, so the range and the sign are those of the full data
      values[p++] = min;
      values[p] = max;
      return Quantizer.calibrateActivation(l.name(), values, bits, settings.clipBelowBits(), settings.activationRange(), settings.activationPercentile());
    }

    private List<Node> thinnedNodes() {
      List<Node> out = new ArrayList<>();
      for (Node n : graph.nodes()) {
        if (n instanceof Node.Conv2d c) {
          Layer l = graph.layer(c.name());
          int m = outputAlive(l).length;
          if (c.depthwise()) out.add(new Node.Conv2d(c.name(), c.input(), m, m, c.kernelH(), c.kernelW(), c.stride(), c.padding(), m, c.bias()));
          else out.add(new Node.Conv2d(c.name(), c.input(), inputAlive(l).length, m, c.kernelH(), c.kernelW(), c.stride(), c.padding(), 1, c.bias()));
        } else if (n instanceof Node.Dense d) {
          Layer l = graph.layer(d.name());
          out.add(new Node.Dense(d.name(), d.input(), inputAlive(l).length * graph.inputBlock(d.name()), outputAlive(l).length, d.bias()));
        } else if (n instanceof Node.BatchNorm bnode) {
          out.add(new Node.BatchNorm(bnode.name(), bnode.input(), segmentsAlive(graph.batchNormSegments(bnode.name())).length, bnode.eps()));
        } else {
          out.add(n);
        }
      }
      return List.copyOf(out);
    }
  }
}
