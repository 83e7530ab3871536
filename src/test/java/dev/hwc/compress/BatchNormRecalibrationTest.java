package dev.hwc.compress;

import dev.hwc.data.Dataset;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.ModelGraph;
import dev.hwc.model.Network;
import dev.hwc.model.Node;
import dev.hwc.model.ReferenceArchitectures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Adaptive BatchNorm after compression: the statistics are those of the compressed network's own activations (checked
 * against an eager forward pass, BatchNorm by BatchNorm), both forms carry them, and it is off where asked or useless.
 */
class BatchNormRecalibrationTest {

  private record Fixture(Network net, ModelGraph graph, ExecutableNetwork exec, Compressor compressor, Dataset images) {}

  private static Fixture fixture(String arch, int images) {
    Network net = ReferenceArchitectures.create(arch, 5);
    ModelGraph graph = ModelGraph.of(net);
    ExecutableNetwork exec = ExecutableNetwork.withActivationQuantization(net);
    Dataset data = ExecutableCompressionTest.randomImages(images, 11);
    Compressor c = new Compressor(graph, net.params(), Calibration.collect(exec, data, images, 16), CompressorTest.BASE_INPUTS);
    return new Fixture(net, graph, exec, c, data);
  }

  private static Map<String, ActivationQuant> quant(CompressedModel m) {
    Map<String, ActivationQuant> aq = new HashMap<>();
    for (ActivationQuant a : m.activationQuant()) aq.put(a.layer(), a);
    return aq;
  }

  /** Mean and biased variance per channel of x ([N, C, H, W] or [N, C]) over every other axis, in double. */
  private static double[][] moments(INDArray x) {
    INDArray d = x.castTo(DataType.DOUBLE);
    int[] axes = d.rank() == 4 ? new int[]{0, 2, 3} : new int[]{0};
    INDArray mean = d.mean(axes);
    INDArray var = d.var(false, axes);
    return new double[][]{mean.toDoubleVector(), var.toDoubleVector()};
  }

  @ParameterizedTest
  @ValueSource(strings = {"vgg-small", "resnet-small", "mobilenet-small"})
  void statisticsAreThoseOfTheCompressedNetworksOwnActivations(String arch) {
    // one batch of all the images: the training-mode graph's batch statistics are then the population's, which an
    // eager forward pass reproduces BatchNorm by BatchNorm in topological order, each with the ones before it updated
    Fixture f = fixture(arch, 24);
    CompressionSettings settings = CompressionSettings.defaults().withCalibrationImages(24);
    BatchNormRecalibration r = BatchNormRecalibration.of(settings, f.net(), f.images(), 24);
    assertTrue(r.enabled());
    CompressedModel plain = f.compressor().apply(CompressorTest.mixedPlan(f.graph(), 2));
    CompressedModel m = r.install(plain, f.exec());

    Map<String, INDArray> p = new TreeMap<>(plain.evaluationParams());
    boolean changed = false;
    for (Node n : f.net().nodes()) {
      if (!(n instanceof Node.BatchNorm bn)) continue;
      INDArray input = EagerForward.run(f.net().nodes(), p, f.images().images().castTo(DataType.FLOAT), quant(plain)).get(bn.input());
      double[][] expected = moments(input);
      float[] mean = m.evaluationParams().get(bn.name() + "/mean").toFloatVector(), var = m.evaluationParams().get(bn.name() + "/var").toFloatVector();
      float[] before = plain.evaluationParams().get(bn.name() + "/mean").toFloatVector();
      int[] kept = m.keptBatchNormChannels().get(bn.name());
      java.util.Set<Integer> keptSet = new java.util.HashSet<>();
      for (int k : kept) keptSet.add(k);
      for (int ch = 0; ch < mean.length; ch++) {
        if (keptSet.contains(ch)) {
          assertEquals(expected[0][ch], mean[ch], 1e-4 * Math.max(1, Math.abs(expected[0][ch])), arch + " " + bn.name() + " mean[" + ch + "]");
          assertEquals(expected[1][ch], var[ch], 1e-3 * Math.max(1, expected[1][ch]), arch + " " + bn.name() + " var[" + ch + "]");
          changed |= Math.abs(mean[ch] - before[ch]) > 1e-3;
        } else {
          assertEquals(before[ch], mean[ch], arch + " " + bn.name() + ": a removed channel keeps its mean");
        }
      }
      p.put(bn.name() + "/mean", m.evaluationParams().get(bn.name() + "/mean"));
      p.put(bn.name() + "/var", m.evaluationParams().get(bn.name() + "/var"));
    }
    assertTrue(changed, arch + ": recalibration changed no statistic");
  }

  @ParameterizedTest
  @ValueSource(strings = {"vgg-small", "resnet-small", "mobilenet-small"})
  void theExecutableAndTheThinnedFormComputeTheRecalibratedModel(String arch) {
    Fixture f = fixture(arch, 32);
    BatchNormRecalibration r = BatchNormRecalibration.of(CompressionSettings.defaults(), f.net(), f.images(), 16);
    CompressedModel m = r.install(f.compressor().apply(CompressorTest.mixedPlan(f.graph(), 1)), f.exec());
    INDArray x = TestNetworks.images(8, 3);
    INDArray eval = f.exec().output(x).dup();
    ExecutableNetwork thin = ExecutableNetwork.withActivationQuantization(m.thinned(f.net()));
    for (ActivationQuant a : m.activationQuant()) thin.setActivationQuant(a.layer(), a.scale(), a.lo(), a.hi());
    INDArray t = thin.output(x);
    double scale = Math.max(1, eval.amaxNumber().doubleValue());
    for (String bn : m.keptBatchNormChannels().keySet())
      for (String k : new String[]{"/mean", "/var"})
        assertEquals(m.evaluationParams().get(bn + k), f.exec().param(bn + k), arch + ": the executable form holds " + bn + k);
    assertTrue(eval.sub(t).amaxNumber().doubleValue() <= 1e-4 * scale, arch + ": the thinned form carries them");
    // deterministic: the same plan gives the same statistics
    CompressedModel again = r.install(f.compressor().apply(CompressorTest.mixedPlan(f.graph(), 1)), f.exec());
    for (String bn : m.keptBatchNormChannels().keySet())
      assertEquals(m.evaluationParams().get(bn + "/var"), again.evaluationParams().get(bn + "/var"), bn);
  }

  @Test void poolsEqualBatchesByTheLawOfTotalVariance() {
    // the first BatchNorm reads the stem conv directly: its statistics over two batches must be the population's
    Fixture f = fixture("resnet-small", 32);
    f.exec().restoreBase();
    f.exec().clearActivationQuant();
    INDArray all = f.images().images().castTo(DataType.FLOAT);
    Map<String, INDArray> st = f.exec().batchNormStatistics(List.of(f.images().batch(0, 16), f.images().batch(16, 32)));
    INDArray conv = EagerForward.run(f.net().nodes(), f.net().params(), all, Map.of()).get("stem");
    double[][] expected = moments(conv);
    assertArrayEquals(expected[0], st.get("stem_bn/mean").castTo(DataType.DOUBLE).toDoubleVector(), 1e-5);
    assertArrayEquals(expected[1], st.get("stem_bn/var").castTo(DataType.DOUBLE).toDoubleVector(), 1e-4);
  }

  @Test void theStatisticsOfSomeBatchNormsAreThoseOfTheFullCall() {
    // what a compressed-input read of one layer asks for: the BatchNorms upstream of it only
    Fixture f = fixture("resnet-small", 32);
    f.compressor().apply(CompressorTest.mixedPlan(f.graph(), 1)).applyTo(f.exec());
    List<INDArray> batches = List.of(f.images().batch(0, 16), f.images().batch(16, 32));
    Map<String, INDArray> all = f.exec().batchNormStatistics(batches);
    String last = f.graph().layers().get(f.graph().layers().size() - 1).name();
    String middle = f.graph().layers().get(f.graph().layers().size() / 2).name();
    java.util.Set<String> upstream = f.net().ancestors(middle);
    Map<String, INDArray> some = f.exec().batchNormStatistics(batches, upstream::contains);
    assertTrue(some.size() >= 2 && some.size() < all.size(), some.keySet() + " of " + all.keySet());
    for (Map.Entry<String, INDArray> e : some.entrySet()) {
      assertTrue(upstream.contains(e.getKey().substring(0, e.getKey().lastIndexOf('/'))), e.getKey());
      assertEquals(all.get(e.getKey()), e.getValue(), e.getKey());
    }
    assertEquals(all.size(), f.exec().batchNormStatistics(batches, f.net().ancestors(last)::contains).size());
    assertEquals(Map.of(), f.exec().batchNormStatistics(batches, bn -> false));
  }

  @Test void offWhenSwitchedOffOrWithoutBatchNorm() {
    Fixture f = fixture("vgg-small", 16);
    BatchNormRecalibration off = BatchNormRecalibration.of(CompressionSettings.defaults().withBatchNormRecalibration(false), f.net(), f.images(), 16);
    assertFalse(off.enabled());
    CompressedModel m = f.compressor().apply(CompressorTest.mixedPlan(f.graph(), 0));
    assertSame(m, off.install(m, f.exec()));
    Fixture lenet = fixture("lenet5", 16);
    assertFalse(BatchNormRecalibration.of(CompressionSettings.defaults(), lenet.net(), lenet.images(), 16).enabled());
  }

  @Test void onlyBatchNormStatisticsOfTheModelAreAccepted() {
    Fixture f = fixture("vgg-small", 16);
    CompressedModel m = f.compressor().apply(CompressorTest.mixedPlan(f.graph(), 0));
    var e = assertThrows(IllegalArgumentException.class, () -> m.withBatchNormStatistics(Map.of("conv1_1/W", Nd4j.zeros(DataType.FLOAT, 12))));
    assertEquals("not a BatchNorm statistic of this model: conv1_1/W", e.getMessage());
    String bn = m.keptBatchNormChannels().keySet().iterator().next();
    long c = m.evaluationParams().get(bn + "/mean").length();
    e = assertThrows(IllegalArgumentException.class, () -> m.withBatchNormStatistics(Map.of(bn + "/mean", Nd4j.zeros(DataType.FLOAT, c + 1))));
    assertEquals(bn + "/mean: " + (c + 1) + " values for " + c + " channels", e.getMessage());
  }
}
