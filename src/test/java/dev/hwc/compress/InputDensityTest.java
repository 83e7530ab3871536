package dev.hwc.compress;

import dev.hwc.model.ModelGraph;
import dev.hwc.model.Network;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The input-activation density a compression step reports, on a hand-made calibration input. */
class InputDensityTest {

  /**
   * LeNet-5's second layer sees, on 8 images, a repeating pattern of four values: 0, 0.01, 1, 1 (every value is
   * sampled: 8 × 14 × 14 ≤ the sampler's 2,048 per channel). At 8 bits (step ≤ 1/255) 0.01 stays non-zero: density
   * 0.75; at 2 bits (step ≥ 1/3) it rounds to zero: 0.5.
   */
  @Test void smallActivationsRoundToZeroAtLowBits() {
    Network net = TestNetworks.create("lenet5", 3);
    ModelGraph graph = ModelGraph.of(net.nodes());
    Map<String, INDArray> inputs = new HashMap<>(EagerForward.layerInputs(net.nodes(), net.params(), TestNetworks.images(8, 1)));
    String second = graph.layers().get(1).name();
    INDArray real = inputs.get(second);
    assertEquals(4, real.rank(), "a convolution's input");
    assertTrue(real.size(0) * real.size(2) * real.size(3) <= Calibration.SAMPLES_PER_UNIT);
    float[] pattern = {0f, 0.01f, 1f, 1f};
    float[] v = new float[(int) real.length()];
    for (int i = 0; i < v.length; i++) v[i] = pattern[i % 4];
    inputs.put(second, Nd4j.create(v, real.shape(), 'c'));
    var compressor = new Compressor(graph, net.params(), new Calibration(inputs), CompressorTest.BASE_INPUTS);
    var session = compressor.session();
    assertEquals(0.75, session.inputDensity(second, 8), 1e-12);
    assertEquals(0.5, session.inputDensity(second, 2), 1e-12);
    // A step reports the density at the bits it applied.
    session.step(graph.layers().get(0).name(), new LayerDecision(0, "none", 8, 8));
    var st = session.step(second, new LayerDecision(0, "none", 8, 2));
    assertEquals(0.5, st.inputDensity(), 1e-12);
  }
}
