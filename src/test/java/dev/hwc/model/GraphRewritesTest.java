package dev.hwc.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The evaluation form's rewrites (BatchNorm folded into its conv, ReLU below max-pool, ReLU absorbed by a fused
 * fake-quant hook) compute what the graph as written computes: compared with the standalone graph, which is built
 * without rewrites, on every reference architecture with non-trivial BatchNorm statistics.
 */
class GraphRewritesTest {
  private static final int BATCH = 8;

  /** The architecture with random BN statistics (fresh ones are mean 0, var 1: folding them would prove little). */
  private static Network withRandomBatchNorm(String arch) {
    Network net = ReferenceArchitectures.create(arch, 3);
    Random r = new Random(11);
    Map<String, INDArray> p = new HashMap<>(net.params());
    for (Map.Entry<String, INDArray> e : net.params().entrySet()) {
      String k = e.getKey();
      long n = e.getValue().length();
      if (k.endsWith("/mean")) p.put(k, random(r, n, -0.5, 0.5));
      if (k.endsWith("/var")) p.put(k, random(r, n, 0.2, 3.0));
      if (k.endsWith("/gamma")) p.put(k, random(r, n, 0.3, 2.0));
      if (k.endsWith("/beta")) p.put(k, random(r, n, -0.5, 0.5));
    }
    return net.withParams(p);
  }

  private static INDArray random(Random r, long n, double lo, double hi) {
    float[] v = new float[(int) n];
    for (int i = 0; i < n; i++) v[i] = (float) (lo + r.nextDouble() * (hi - lo));
    return Nd4j.createFromArray(v);
  }

  private static INDArray images(Network net) {
    Node.Input in = net.input();
    Nd4j.getRandom().setSeed(5);
    return Nd4j.rand(DataType.FLOAT, BATCH, in.channels(), in.height(), in.width());
  }

  private static double maxRelativeDifference(INDArray a, INDArray b) {
    double scale = Math.max(1e-6, b.amaxNumber().doubleValue());
    return a.sub(b).amaxNumber().doubleValue() / scale;
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "vgg-small", "resnet-small", "mobilenet-small"})
  void plainEvaluationFormEqualsTheGraphAsWritten(String arch) {
    Network net = withRandomBatchNorm(arch);
    INDArray x = images(net);
    SameDiff written = SameDiffGraph.build(net, false, Set.of());
    String logits = SameDiffGraph.out(net.nodes().get(net.nodes().size() - 1).name());
    INDArray expected = written.outputSingle(Map.of(SameDiffGraph.INPUT, x), logits);
    INDArray actual = ExecutableNetwork.of(net).output(x);
    assertTrue(maxRelativeDifference(actual, expected) < 1e-5, arch + ": " + maxRelativeDifference(actual, expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "vgg-small", "resnet-small", "mobilenet-small"})
  void quantizedEvaluationFormEqualsTheGraphAsWritten(String arch) {
    Network net = withRandomBatchNorm(arch);
    INDArray x = images(net);
    Set<String> layers = new LinkedHashSet<>();
    for (LayerShape s : net.layerShapes()) layers.add(s.name());
    // the reference: the standalone graph's switchable hooks, on, with the same unsigned 4-bit grids
    SameDiff written = SameDiffGraph.build(net, false, layers);
    ExecutableNetwork exec = ExecutableNetwork.withActivationQuantization(net, layers);
    int fused = 0;
    for (String l : layers) {
      float scale = 0.0625f; // a power of two: the fused op represents it exactly
      written.getVariable(l + "/aq_on").getArr().assign(1f);
      written.getVariable(l + "/aq_scale").getArr().assign(scale);
      written.getVariable(l + "/aq_lo").getArr().assign(0f);
      written.getVariable(l + "/aq_hi").getArr().assign(15f);
      exec.setActivationQuant(l, scale, 0, 15);
      if (ExecutableNetwork.fusedBits(scale, 0, 15) == 4) fused++;
    }
    assertEquals(layers.size(), fused);
    String logits = SameDiffGraph.out(net.nodes().get(net.nodes().size() - 1).name());
    INDArray expected = written.outputSingle(Map.of(SameDiffGraph.INPUT, x), logits);
    INDArray actual = exec.output(x);
    assertTrue(maxRelativeDifference(actual, expected) < 1e-4, arch + ": " + maxRelativeDifference(actual, expected));
  }

  @Test
  void rewritesFoundOnVggSmall() {
    Network net = ReferenceArchitectures.create("vgg-small", 1);
    Set<String> layers = new LinkedHashSet<>();
    for (LayerShape s : net.layerShapes()) layers.add(s.name());
    Map<String, SameDiffGraph.FakeQuant> fused = new HashMap<>();
    for (String l : layers) fused.put(l, new SameDiffGraph.FakeQuant(6));
    SameDiffGraph.Rewrites plain = SameDiffGraph.Rewrites.of(net, Set.of(), null);
    SameDiffGraph.Rewrites hooked = SameDiffGraph.Rewrites.of(net, layers, fused);
    // every conv of vgg-small is followed by its BatchNorm alone
    long convs = net.nodes().stream().filter(n -> n instanceof Node.Conv2d).count();
    assertEquals(convs, plain.folds().size());
    assertFalse(plain.poolsWithRelu().isEmpty());
    assertTrue(plain.elided().isEmpty());
    assertFalse(hooked.elided().isEmpty());
  }

  @Test
  void aFoldedConvOutputIsNotOfferedAsANodeValue() {
    Network net = withRandomBatchNorm("vgg-small");
    ExecutableNetwork exec = ExecutableNetwork.of(net);
    String conv = net.layerShapes().get(0).name();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> exec.outputs(images(net), java.util.List.of(conv)));
    assertEquals("node " + conv + " has no value of its own in the evaluation graph (folded into the next BatchNorm, or a ReLU"
        + " absorbed by the next layer's input quantization)", e.getMessage());
  }
}
