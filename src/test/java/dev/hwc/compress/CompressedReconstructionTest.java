package dev.hwc.compress;

import dev.hwc.data.Dataset;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.ModelGraph;
import dev.hwc.model.Network;
import dev.hwc.model.ReferenceArchitectures;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** hwc.compress.reconstruction-inputs = compressed: each layer fitted to the inputs the compressed layers before it produce. */
class CompressedReconstructionTest {
  private static final CompressionSettings COMPRESSED = CompressionSettings.defaults().withReconstructionInputs("compressed");

  private static Map<String, ActivationQuant> quant(CompressedModel m) {
    Map<String, ActivationQuant> aq = new HashMap<>();
    for (ActivationQuant a : m.activationQuant()) aq.put(a.layer(), a);
    return aq;
  }

  /** The upstream inputs from the eager reference on {@code images}, recording each request. */
  private static Compressor.UpstreamInputs eager(List<Pair<String, Integer>> asked, Network net, INDArray images) {
    return (layer, m) -> {
      asked.add(Pair.of(layer, m.activationQuant().size()));
      return EagerForward.layerInputs(net.nodes(), m.evaluationParams(), images, quant(m)).get(layer);
    };
  }

  private static CompressionPlan plan(ModelGraph g, java.util.function.IntFunction<LayerDecision> decision) {
    List<CompressionPlan.LayerPlan> l = new ArrayList<>();
    for (int i = 0; i < g.layers().size(); i++) l.add(new CompressionPlan.LayerPlan(g.layers().get(i).name(), decision.apply(i)));
    return new CompressionPlan(l);
  }

  @Test void eachLayerIsFittedToTheNetworkCompressedUpToItWhereTheCalibrationHasSamplesEnough() {
    Network net = TestNetworks.create("lenet5", 11);
    ModelGraph g = ModelGraph.of(net.nodes());
    INDArray cal = TestNetworks.images(512, 1);
    Calibration calibration = new Calibration(EagerForward.layerInputs(net.nodes(), net.params(), cal));
    CompressionPlan p = plan(g, i -> new LayerDecision(0.5, "Magnitude", 4, 4));
    List<Pair<String, Integer>> asked = new ArrayList<>();
    CompressedModel m = new Compressor(g, net.params(), calibration, COMPRESSED).apply(p, eager(asked, net, cal));
    // conv1 reads the images (no request); a later layer is asked for with the layers before it quantized; fc1 is
    // not (512 images, one sample each, for 400 inputs a row: fewer than 2 per input), fc2 (120) and fc3 (84) are
    assertEquals(List.of(Pair.of("conv2", 1), Pair.of("fc2", 3), Pair.of("fc3", 4)), asked);
    CompressedModel base = new Compressor(g, net.params(), calibration, CompressorTest.BASE_INPUTS).apply(p);
    assertEquals(base.thinnedParams().get("fc1/W"), m.thinnedParams().get("fc1/W"));
    assertNotEquals(base.thinnedParams().get("fc2/W"), m.thinnedParams().get("fc2/W"));
    // the refit keeps each pruner's zeros (and zeroes the weights of inputs that are 0 on every calibration image:
    // this random network's dead units), so at least the sparsity of fitting to the base inputs
    for (int i = 0; i < m.stats().size(); i++)
      assertTrue(m.stats().get(i).nonZeroWeights() <= base.stats().get(i).nonZeroWeights(), m.stats().get(i).layer());
  }

  @Test void laterLayersTakeOverWhatAnEarlierPrunedLayerLost() {
    Network net = TestNetworks.create("lenet5", 11);
    ModelGraph g = ModelGraph.of(net.nodes());
    INDArray cal = TestNetworks.images(128, 1), held = TestNetworks.images(32, 2);
    Calibration calibration = new Calibration(EagerForward.layerInputs(net.nodes(), net.params(), cal));
    // conv1 loses 60% of its weights; nothing else is pruned, everything at 8 bits
    CompressionPlan p = plan(g, i -> i == 0 ? new LayerDecision(0.6, "Magnitude", 8, 8) : new LayerDecision(0, "none", 8, 8));
    CompressedModel base = new Compressor(g, net.params(), calibration, CompressorTest.BASE_INPUTS).apply(p);
    CompressedModel fitted = new Compressor(g, net.params(), calibration, COMPRESSED).apply(p, eager(new ArrayList<>(), net, cal));
    INDArray dense = EagerForward.output(net.nodes(), net.params(), held, Map.of());
    double errBase = EagerForward.output(net.nodes(), base.evaluationParams(), held, quant(base)).squaredDistance(dense);
    double errFitted = EagerForward.output(net.nodes(), fitted.evaluationParams(), held, quant(fitted)).squaredDistance(dense);
    // on images the fit never saw, the logits' squared error to the dense network's at most half of base fitting's
    assertTrue(errFitted < 0.5 * errBase, "compressed-input fit " + errFitted + " vs base " + errBase);
  }

  @Test void theExecutableFormsInputsAreTheEagerReferences() {
    Network net = ReferenceArchitectures.create("lenet5", 5);
    ModelGraph g = ModelGraph.of(net);
    Dataset images = ExecutableCompressionTest.randomImages(64, 1);
    ExecutableNetwork exec = ExecutableNetwork.withActivationQuantization(net);
    // batches of 48 over 64 images (one partial batch), as Calibration.collect cuts them
    Calibration calibration = Calibration.collect(exec, images, 64, 48);
    CompressionPlan p = CompressorTest.mixedPlan(g, 1);
    CompressedModel viaExec = new Compressor(g, net.params(), calibration, COMPRESSED)
        .apply(p, CompressedInputs.of(net, images, COMPRESSED.withCalibrationImages(64), 48));
    List<String> asked = new ArrayList<>();
    CompressedModel viaEager = new Compressor(g, net.params(), calibration, COMPRESSED).apply(p, (layer, m) -> {
      asked.add(layer);
      return EagerForward.layerInputs(net.nodes(), m.evaluationParams(), images.batch(0, 64), quant(m)).get(layer);
    });
    assertEquals(List.of("conv2"), asked);   // 640 samples for conv2's 150 inputs a row; the dense layers have 64
    for (var e : viaEager.thinnedParams().entrySet()) {
      INDArray a = e.getValue(), b = viaExec.thinnedParams().get(e.getKey());
      assertTrue(a.sub(b).amaxNumber().doubleValue() <= 1e-3 * Math.max(1, a.amaxNumber().doubleValue()), e.getKey());
    }
  }

  @Test void aCompressorWithoutANetworkRefusesCompressedInputs() {
    CompressorTest.Fixture f = CompressorTest.fixture("lenet5", COMPRESSED);
    var e = assertThrows(IllegalStateException.class, () -> f.compressor().session());
    assertEquals("hwc.compress.reconstruction-inputs = compressed: this compressor has no network to take the compressed"
        + " layers' outputs from (build it with PlanInstaller)", e.getMessage());
  }
}
