package dev.hwc.search;

import dev.hwc.model.LayerKind;
import dev.hwc.model.LayerShape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LayerEmbeddingTest {
  // LeNet-like: conv 1->20 5x5 on 28x28 (out 24x24), conv 20->50 5x5 on 12x12 (out 8x8), dense 800->500, dense 500->10
  static final List<LayerShape> LENET = List.of(
      new LayerShape(0, "conv1", LayerKind.CONV, 1, 1, 28, 28, 20, 5, 5, 1, 0, 1),
      new LayerShape(1, "conv2", LayerKind.CONV, 1, 20, 12, 12, 50, 5, 5, 1, 0, 1),
      new LayerShape(2, "fc1", LayerKind.DENSE, 1, 800, 1, 1, 500, 1, 1, 1, 0, 1),
      new LayerShape(3, "fc2", LayerKind.DENSE, 1, 500, 1, 1, 10, 1, 1, 1, 0, 1));

  @Test void staticFeaturesAreMinMaxNormalisedPerFeature() {
    LayerEmbedding e = LayerEmbedding.of(LENET);
    // MACs: conv1 20*24*24*25 = 288000, conv2 50*8*8*20*25 = 1600000, fc1 400000, fc2 5000 (min 5000, max 1.6M)
    // weights: 500, 25000, 400000, 5000 (min 500, max 400000)
    // index 0..3; kind CONV=0, DENSE=2; C 1..800; M 10..500; H,W 1..28; stride constant -> 0; kernel 1..5
    float[] conv2 = {1 / 3f, 0, 19 / 799f, 40 / 490f, 11 / 27f, 11 / 27f, 0, 1, 1, 24500 / 399500f};
    assertArrayEquals(conv2, e.staticFeatures(1), 1e-6f);
    float[] fc2 = {1, 1, 499 / 799f, 0, 0, 0, 0, 0, 0, 4500 / 399500f};
    assertArrayEquals(fc2, e.staticFeatures(3), 1e-6f);
    assertEquals(283000 / 1595000f, e.staticFeatures(0)[8], 1e-6f);
  }

  @Test void stateAppendsRunningTotalsAndPreviousAction() {
    LayerEmbedding e = LayerEmbedding.of(LENET);
    float[] s = e.state(2, 0.25, 0.0021, new float[]{0.5f, 1f, 0.1f});
    assertEquals(LayerEmbedding.SIZE, s.length);
    float[] expected = {2 / 3f, 1, 1, 1, 0, 0, 0, 0, 395000 / 1595000f, 1, 0.25f, 0.0021f, 0.5f, 1f, 0.1f};
    assertArrayEquals(expected, s, 1e-6f);
    float[] first = e.state(0, 0, 0.99, null);
    assertArrayEquals(new float[]{0, 0, 0}, java.util.Arrays.copyOfRange(first, 12, 15));
  }

  @Test void rejectsStepsOutsideTheModel() {
    var ex = assertThrows(IllegalArgumentException.class, () -> LayerEmbedding.of(LENET).state(4, 0, 0, null));
    assertEquals("step 4 outside 0..3", ex.getMessage());
  }
}
