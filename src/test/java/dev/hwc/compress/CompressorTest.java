package dev.hwc.compress;

import dev.hwc.model.ModelGraph;
import dev.hwc.model.Network;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CompressorTest {
  private static final List<String> ALGS = List.of("FilterL1", "Magnitude", "ChannelReconstruction", "FilterL2",
      "ActivationAwareMagnitude", "FilterGeometricMedian", "BalancedMagnitude", "ObsReconstruction");

  /** The shipped settings fitting to the base inputs: a compressor alone has no network for the compressed ones. */
  static final CompressionSettings BASE_INPUTS = CompressionSettings.defaults().withReconstructionInputs("base");

  record Fixture(Network net, ModelGraph graph, Compressor compressor, INDArray images) {}

  static Fixture fixture(String arch) {
    return fixture(arch, BASE_INPUTS);
  }

  static Fixture fixture(String arch, CompressionSettings settings) {
    Network net = TestNetworks.create(arch, 11);
    ModelGraph graph = ModelGraph.of(net.nodes());
    INDArray cal = TestNetworks.images(32, 1);
    Calibration calibration = new Calibration(EagerForward.layerInputs(net.nodes(), net.params(), cal));
    return new Fixture(net, graph, new Compressor(graph, net.params(), calibration, settings), TestNetworks.images(16, 2));
  }

  /** Cycles through the seven algorithms, ratios 0.3–0.6 and bits 4–8, starting at {@code offset}. */
  static CompressionPlan mixedPlan(ModelGraph g, int offset) {
    List<CompressionPlan.LayerPlan> l = new ArrayList<>();
    for (int i = 0; i < g.layers().size(); i++)
      l.add(new CompressionPlan.LayerPlan(g.layers().get(i).name(), new LayerDecision(0.3 + 0.1 * ((i + offset) % 4),
          ALGS.get((i + offset) % ALGS.size()), 4 + (i % 5), 8 - (i % 4))));
    return new CompressionPlan(l);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "vgg-small", "resnet-small", "mobilenet-small", "se-small", "concat-small"})
  void thinnedNetworkEqualsTheEvaluationForm(String arch) {
    Fixture f = fixture(arch);
    long smallest = Long.MAX_VALUE;
    for (int offset = 0; offset < ALGS.size(); offset += 4) {
      CompressedModel m = f.compressor().apply(mixedPlan(f.graph(), offset));
      assertFormsAgree(f, m, arch + " plan " + offset);
      Map<String, ActivationQuant> aq = new HashMap<>();
      for (ActivationQuant a : m.activationQuant()) aq.put(a.layer(), a);
      // a removed channel is exactly 0 after its BatchNorm in the evaluation form
      Map<String, INDArray> evalNodes = EagerForward.run(f.net().nodes(), m.evaluationParams(), f.images(), aq);
      for (var n : f.net().nodes())
        if (n instanceof dev.hwc.model.Node.BatchNorm bn && f.graph().isLayer(bn.input())) {
          int[] kept = m.keptOutputChannels().get(bn.input());
          java.util.Set<Integer> keptSet = new java.util.HashSet<>();
          for (int k : kept) keptSet.add(k);
          for (int c = 0; c < bn.channels(); c++)
            if (!keptSet.contains(c))
              assertEquals(0.0, evalNodes.get(bn.name()).get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                  org.nd4j.linalg.indexing.NDArrayIndex.point(c)).amaxNumber().doubleValue(), 0.0, bn.name() + " channel " + c);
        }
      // the thinned graph is consistent
      smallest = Math.min(smallest, m.params());
      ModelGraph thinGraph = ModelGraph.of(m.thinnedNodes());
      for (LayerStats s : m.stats()) assertEquals(s.shape().macs(), thinGraph.layer(s.layer()).macs(), s.layer());
    }
    // some plan actually removed channels
    assertTrue(smallest < f.graph().totalParams(), arch + ": params " + smallest + " vs " + f.graph().totalParams());
  }

  /** The evaluation form (removed channels zero, original shapes) and the thinned network compute the same. */
  static void assertFormsAgree(Fixture f, CompressedModel m, String what) {
    Map<String, ActivationQuant> aq = new HashMap<>();
    for (ActivationQuant a : m.activationQuant()) aq.put(a.layer(), a);
    INDArray eval = EagerForward.output(f.net().nodes(), m.evaluationParams(), f.images(), aq);
    INDArray thin = EagerForward.output(m.thinnedNodes(), m.thinnedParams(), f.images(), aq);
    double scale = Math.max(1, eval.amaxNumber().doubleValue());
    double diff = eval.sub(thin).amaxNumber().doubleValue();
    assertTrue(diff <= 1e-4 * scale, what + ": max |eval - thinned| = " + diff + " (output scale " + scale + ")");
  }

  @Test void perChannelWeightQuantizationKeepsBothFormsEqual() {
    Network net = TestNetworks.create("resnet-small", 4);
    ModelGraph graph = ModelGraph.of(net.nodes());
    Calibration cal = new Calibration(EagerForward.layerInputs(net.nodes(), net.params(), TestNetworks.images(16, 1)));
    Compressor perChannel = new Compressor(graph, net.params(), cal, BASE_INPUTS.withPerChannelWeights(true));
    Compressor perLayer = new Compressor(graph, net.params(), cal, BASE_INPUTS);
    CompressionPlan plan = mixedPlan(graph, 5);
    CompressedModel m = perChannel.apply(plan);
    Map<String, ActivationQuant> aq = new HashMap<>();
    for (ActivationQuant a : m.activationQuant()) aq.put(a.layer(), a);
    INDArray x = TestNetworks.images(8, 2);
    INDArray eval = EagerForward.output(net.nodes(), m.evaluationParams(), x, aq);
    INDArray thin = EagerForward.output(m.thinnedNodes(), m.thinnedParams(), x, aq);
    assertTrue(eval.sub(thin).amaxNumber().doubleValue() <= 1e-4 * Math.max(1, eval.amaxNumber().doubleValue()));
    // per-channel scales give different weights than one scale per layer
    assertFalse(java.util.Arrays.equals(m.thinnedParams().get("block2_conv1/W").data().asFloat(),
        perLayer.apply(plan).thinnedParams().get("block2_conv1/W").data().asFloat()));
  }

  @Test void depthwiseWeightsPerChannelHaveAGridPerChannelAndTheOtherLayersKeepTheirs() {
    Network net = TestNetworks.create("mobilenet-small", 4);
    ModelGraph graph = ModelGraph.of(net.nodes());
    Calibration cal = new Calibration(EagerForward.layerInputs(net.nodes(), net.params(), TestNetworks.images(16, 1)));
    List<CompressionPlan.LayerPlan> layers = new ArrayList<>();
    for (var l : graph.layers()) layers.add(new CompressionPlan.LayerPlan(l.name(), new LayerDecision(0, "none", 4, 8)));
    CompressionPlan plan = new CompressionPlan(layers);
    Map<String, INDArray> perChannel = new Compressor(graph, net.params(), cal, BASE_INPUTS).apply(plan).thinnedParams();
    Map<String, INDArray> perTensor = new Compressor(graph, net.params(), cal, BASE_INPUTS.withDepthwisePerChannel(false)).apply(plan).thinnedParams();
    float[] pc = perChannel.get("dw2/W").data().asFloat(), pt = perTensor.get("dw2/W").data().asFloat();
    int channels = (int) perChannel.get("dw2/W").size(0), k = pc.length / channels;
    // 4-bit symmetric: at most 7 magnitudes on one grid; one grid per channel has more across the layer, <= 7 in each
    assertTrue(magnitudes(pt, 0, pt.length) <= 7, "per tensor: one grid");
    assertTrue(magnitudes(pc, 0, pc.length) > 7, "per channel: a grid per channel");
    for (int c = 0; c < channels; c++) assertTrue(magnitudes(pc, c * k, (c + 1) * k) <= 7, "channel " + c);
    // the pointwise layers are not depthwise: the same weights either way
    assertArrayEquals(perTensor.get("pw2/W").data().asFloat(), perChannel.get("pw2/W").data().asFloat());
  }

  private static int magnitudes(float[] w, int from, int to) {
    java.util.Set<Float> m = new java.util.HashSet<>();
    for (int i = from; i < to; i++) if (w[i] != 0) m.add(Math.abs(w[i]));
    return m.size();
  }

  @Test void samePlanGivesIdenticalWeights() {
    Fixture f = fixture("resnet-small");
    CompressionPlan plan = mixedPlan(f.graph(), 2);
    CompressedModel a = f.compressor().apply(plan), b = f.compressor().apply(plan);
    Fixture g = fixture("resnet-small");   // a fresh compressor (fresh caches) on the same model
    CompressedModel c = g.compressor().apply(plan);
    for (var e : a.thinnedParams().entrySet()) {
      assertArrayEquals(e.getValue().data().asFloat(), b.thinnedParams().get(e.getKey()).data().asFloat(), e.getKey());
      assertArrayEquals(e.getValue().data().asFloat(), c.thinnedParams().get(e.getKey()).data().asFloat(), e.getKey());
    }
    for (var e : a.evaluationParams().entrySet())
      assertArrayEquals(e.getValue().data().asFloat(), c.evaluationParams().get(e.getKey()).data().asFloat(), e.getKey());
    assertEquals(a.activationQuant(), c.activationQuant());
    assertEquals(a.stats(), c.stats());
  }

  @Test void coarsePruningFollowsGroupsAndDepthwise() {
    Fixture f = fixture("mobilenet-small");
    Compressor.Session s = f.compressor().session();
    // stem decides 16 -> 8 filters; dw1 follows (8 channels); pw1 reads 8
    LayerStats stem = s.step("stem", new LayerDecision(0.5, "FilterL1", 8, 8));
    assertEquals(8, stem.keptOutChannels());
    LayerStats dw1 = s.step("dw1", new LayerDecision(0.5, "FilterL2", 8, 8));
    assertEquals("none", dw1.appliedAlgorithm());
    assertEquals(8, dw1.keptOutChannels());
    assertEquals(8, dw1.keptInChannels());
    LayerStats pw1 = s.step("pw1", new LayerDecision(0.25, "ChannelReconstruction", 8, 8));
    // pw1 removes floor(0.25·8) = 2 more of stem's channels (through dw1), and refits
    assertEquals("ChannelReconstruction", pw1.appliedAlgorithm());
    assertEquals(6, pw1.keptInChannels());
    assertEquals(32, pw1.keptOutChannels());
    for (String l : List.of("dw2", "pw2", "dw3", "pw3", "fc")) s.step(l, new LayerDecision(0, "none", 8, 8));
    CompressedModel m = s.finish();
    Map<String, LayerStats> byName = new HashMap<>();
    for (LayerStats st : m.stats()) byName.put(st.layer(), st);
    assertEquals(6, byName.get("stem").keptOutChannels());
    assertEquals(6, byName.get("dw1").keptOutChannels());
    assertEquals(6, m.thinnedParams().get("dw1_bn/gamma").length());

    Fixture r = fixture("resnet-small");
    Compressor.Session rs = r.compressor().session();
    rs.step("stem", new LayerDecision(0.5, "FilterL1", 8, 8));
    rs.step("block1_conv1", new LayerDecision(0, "none", 8, 8));
    LayerStats follower = rs.step("block1_conv2", new LayerDecision(0.75, "FilterL1", 8, 8));
    assertEquals("none", follower.appliedAlgorithm());
    assertEquals(4, follower.keptOutChannels());         // follows stem's selection, ignores its own ratio
    LayerStats b2 = rs.step("block2_conv1", new LayerDecision(0.5, "ChannelReconstruction", 8, 8));
    assertEquals("FilterL1 (fallback)", b2.appliedAlgorithm());   // its input is a residual group
    assertEquals(8, b2.keptOutChannels());
  }

  @Test void coarsePruningFollowsConcatOffsetsAndSlicedLayersPruneElementWise() {
    Fixture f = fixture("concat-small");
    Compressor.Session s = f.compressor().session();
    LayerStats stem = s.step("stem", new LayerDecision(0.5, "FilterL1", 8, 8));
    assertEquals("FilterL1", stem.appliedAlgorithm());
    assertEquals(4, stem.keptOutChannels());
    LayerStats a = s.step("a", new LayerDecision(0.5, "FilterL2", 8, 8));
    assertEquals(4, a.keptInChannels());
    assertEquals(3, a.keptOutChannels());
    s.step("c", new LayerDecision(0, "none", 8, 8));
    // the bottleneck reads the concatenation [stem 8 | a 6 | c 4]: ChannelReconstruction cannot refit three groups
    LayerStats bottleneck = s.step("bottleneck", new LayerDecision(0.25, "ChannelReconstruction", 8, 8));
    assertEquals("FilterL1 (fallback)", bottleneck.appliedAlgorithm());
    assertEquals(4 + 3 + 4, bottleneck.keptInChannels());
    assertEquals(9, bottleneck.keptOutChannels());
    // mix is sliced: a filter pruner prunes a quarter of its weights element-wise and keeps every filter
    LayerStats mix = s.step("mix", new LayerDecision(0.25, "FilterL1", 8, 8));
    assertEquals("Magnitude (fallback)", mix.appliedAlgorithm());
    assertEquals(9, mix.keptInChannels());
    assertEquals(8, mix.keptOutChannels());
    assertEquals(486, mix.nonZeroWeights());   // 8·9·9 = 648 weights left, 162 zeroed
    s.step("right_conv", new LayerDecision(0, "none", 8, 8));
    s.step("fc", new LayerDecision(0, "none", 8, 8));
    CompressedModel m = s.finish();
    assertEquals(11, m.thinnedParams().get("cat_bn/gamma").length());
    // the BatchNorm after the concat keeps stem's channels at 0..7, a's at 8..13, c's at 14..17
    int[] kept = m.keptBatchNormChannels().get("cat_bn");
    int[] stemKept = m.keptOutputChannels().get("stem"), aKept = m.keptOutputChannels().get("a");
    for (int i = 0; i < 4; i++) assertEquals(stemKept[i], kept[i]);
    for (int i = 0; i < 3; i++) assertEquals(8 + aKept[i], kept[4 + i]);
    assertArrayEquals(new int[]{14, 15, 16, 17}, java.util.Arrays.copyOfRange(kept, 7, 11));
    assertFormsAgree(f, m, "concat-small");
  }

  @Test void badPlansFailWithOneReadableMessage() {
    Fixture f = fixture("lenet5");
    ModelGraph g = f.graph();
    CompressionPlan ok = mixedPlan(g, 0);
    List<CompressionPlan.LayerPlan> l = new ArrayList<>(ok.layers());
    l.set(1, new CompressionPlan.LayerPlan("conv2", new LayerDecision(0.5, "Foo", 8, 8)));
    assertEquals("plan layer 'conv2': unknown algorithm 'Foo' (known: FilterL1, FilterL2, FilterGeometricMedian, ChannelReconstruction, "
        + "Magnitude, ActivationAwareMagnitude, BalancedMagnitude, ObsReconstruction, none)", message(f, new CompressionPlan(l)));
    l.set(1, new CompressionPlan.LayerPlan("conv2", new LayerDecision(0.9, "Magnitude", 8, 8)));
    assertEquals("plan layer 'conv2': pruneRatio 0.9 outside hwc.compress.ratio-range [0.0, 0.8]", message(f, new CompressionPlan(l)));
    l.set(1, new CompressionPlan.LayerPlan("conv2", new LayerDecision(0.5, "Magnitude", 9, 8)));
    assertEquals("plan layer 'conv2': weightBits 9 outside hwc.compress.bits-range [2, 8]", message(f, new CompressionPlan(l)));
    l.set(1, new CompressionPlan.LayerPlan("conv9", new LayerDecision(0.5, "Magnitude", 8, 8)));
    assertEquals("plan layer 'conv9': no such prunable layer (layers: conv1, conv2, fc1, fc2, fc3)", message(f, new CompressionPlan(l)));
    assertEquals("plan has 4 layers, the model has 5 prunable layers (conv1, conv2, fc1, fc2, fc3)",
        message(f, new CompressionPlan(ok.layers().subList(0, 4))));
    List<CompressionPlan.LayerPlan> swapped = new ArrayList<>(ok.layers());
    swapped.set(0, ok.layers().get(1));
    swapped.set(1, ok.layers().get(0));
    assertEquals("plan layer 'conv2' is at position 0, expected 'conv1' (layers in topological order)", message(f, new CompressionPlan(swapped)));
  }

  private static String message(Fixture f, CompressionPlan p) {
    return assertThrows(IllegalArgumentException.class, () -> f.compressor().apply(p)).getMessage();
  }
}
