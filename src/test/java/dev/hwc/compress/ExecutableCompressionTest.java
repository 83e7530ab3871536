package dev.hwc.compress;

import dev.hwc.data.Dataset;
import dev.hwc.model.ExecutableNetwork;
import dev.hwc.model.ModelGraph;
import dev.hwc.model.ModelIO;
import dev.hwc.model.Network;
import dev.hwc.model.ReferenceArchitectures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The compressor against the project's executable form (SameDiff) and freshly initialised reference architectures. */
class ExecutableCompressionTest {

  static Dataset randomImages(int n, long seed) {
    return new Dataset("random", TestNetworks.images(n, seed), new int[n], 10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "vgg-small", "resnet-small", "mobilenet-small"})
  void thinnedNetworkEqualsTheEvaluationFormInSameDiff(String arch) {
    Network net = ReferenceArchitectures.create(arch, 5);
    ModelGraph graph = ModelGraph.of(net);
    ExecutableNetwork exec = ExecutableNetwork.withActivationQuantization(net);
    Compressor c = new Compressor(graph, net.params(), Calibration.collect(exec, randomImages(32, 1), 32, 16), CompressorTest.BASE_INPUTS);
    INDArray x = TestNetworks.images(16, 2);
    for (int offset = 1; offset < 7; offset += 3) {
      CompressedModel m = c.apply(CompressorTest.mixedPlan(graph, offset));
      m.applyTo(exec);
      INDArray eval = exec.output(x).dup();
      ExecutableNetwork thin = ExecutableNetwork.withActivationQuantization(m.thinned(net));
      for (ActivationQuant a : m.activationQuant()) thin.setActivationQuant(a.layer(), a.scale(), a.lo(), a.hi());
      INDArray t = thin.output(x);
      double diff = eval.sub(t).amaxNumber().doubleValue(), scale = Math.max(1, eval.amaxNumber().doubleValue());
      assertTrue(diff <= 1e-4 * scale, arch + " plan " + offset + ": max |eval - thinned| = " + diff);
      // the eager reference computes the same evaluation form (cross-checks the test helper, depthwise included)
      Map<String, ActivationQuant> aq = new HashMap<>();
      for (ActivationQuant a : m.activationQuant()) aq.put(a.layer(), a);
      INDArray eager = EagerForward.output(net.nodes(), m.evaluationParams(), x, aq);
      assertTrue(eval.sub(eager).amaxNumber().doubleValue() <= 1e-4 * scale, arch + ": SameDiff vs eager");
      assertTrue(m.thinned(net).totalParams() < net.totalParams());
    }
  }

  @Test void samePlanGivesByteIdenticalModels() {
    Network net = ReferenceArchitectures.create("mobilenet-small", 3);
    ModelGraph graph = ModelGraph.of(net);
    CompressionPlan plan = CompressorTest.mixedPlan(graph, 3);
    byte[][] bytes = new byte[2][];
    for (int i = 0; i < 2; i++) {
      ExecutableNetwork exec = ExecutableNetwork.withActivationQuantization(net);
      Compressor c = new Compressor(graph, net.params(), Calibration.collect(exec, randomImages(16, 1), 16, 16), CompressorTest.BASE_INPUTS);
      bytes[i] = ModelIO.toBytes(c.apply(plan).thinned(net));
    }
    assertArrayEquals(bytes[0], bytes[1]);
  }
}
