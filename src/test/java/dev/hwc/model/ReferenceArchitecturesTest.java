package dev.hwc.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceArchitecturesTest {

  private static void assertRuns(Network net) {
    var out = ExecutableNetwork.of(net).output(Nd4j.rand(DataType.FLOAT, 2, 1, 28, 28));
    assertArrayEquals(new long[]{2, 10}, out.shape());
    assertArrayEquals(new int[]{10}, net.outputShape(net.nodes().get(net.nodes().size() - 1).name()));
  }

  @Test
  void lenet5() {
    Network net = ReferenceArchitectures.lenet5(1);
    // conv1 28·28·6·25 = 117,600; conv2 (10×10 out) 100·16·6·25 = 240,000; fc 400·120 = 48,000; 120·84 = 10,080; 84·10 = 840
    assertEquals(117_600 + 240_000 + 48_000 + 10_080 + 840, net.totalMacs());
    // 6·25+6 = 156; 16·6·25+16 = 2,416; 48,000+120; 10,080+84; 840+10
    assertEquals(156 + 2_416 + 48_120 + 10_164 + 850, net.totalParams());
    assertEquals(5, net.layerShapes().size());
    assertRuns(net);
  }

  @Test
  void vggSmall() {
    Network net = ReferenceArchitectures.vggSmall(1);
    // stage 1 at 28×28 (784): 784·12·1·9 = 84,672; 784·12·12·9 = 1,016,064
    // stage 2 at 14×14 (196): 196·24·12·9 = 508,032; 196·24·24·9 = 1,016,064
    // stage 3 at 7×7 (49): 49·48·24·9 = 508,032; 49·48·48·9 = 1,016,064; pool -> 3×3, fc 432·10 = 4,320
    assertEquals(84_672 + 1_016_064 + 508_032 + 1_016_064 + 508_032 + 1_016_064 + 4_320, net.totalMacs());
    assertEquals(4_153_248, net.totalMacs());
    assertEquals(7, net.layerShapes().size());
    assertRuns(net);
  }

  @Test
  void resnetSmall() {
    Network net = ReferenceArchitectures.resnetSmall(1);
    // stem 784·8·9 = 56,448; block1 2 × 784·8·8·9 = 903,168
    // block2 (14×14): 196·16·8·9 = 225,792; 196·16·16·9 = 451,584; projection 196·16·8 = 25,088
    // block3 (7×7): 49·32·16·9 = 225,792; 49·32·32·9 = 451,584; projection 49·32·16 = 25,088; fc 32·10 = 320
    assertEquals(56_448 + 903_168 + 225_792 + 451_584 + 25_088 + 225_792 + 451_584 + 25_088 + 320, net.totalMacs());
    assertEquals(2_364_864, net.totalMacs());
    LayerShape proj = net.layerShape("block2_proj");
    assertEquals(List.of(8, 28, 16, 1, 2, 14), List.of(proj.c(), proj.h(), proj.m(), proj.r(), proj.stride(), proj.e()));
    assertRuns(net);
  }

  @Test
  void mobilenetSmall() {
    Network net = ReferenceArchitectures.mobilenetSmall(1);
    // stem (stride 2, (28+2-3)/2+1 = 14): 196·16·9 = 28,224; dw1 (14×14) 196·16·9 = 28,224; pw1 196·32·16 = 100,352
    // dw2 (stride 2, 7×7) 49·32·9 = 14,112; pw2 49·64·32 = 100,352
    // dw3 (7×7) 49·64·9 = 28,224; pw3 49·128·64 = 401,408; fc 128·10 = 1,280
    assertEquals(28_224 + 28_224 + 100_352 + 14_112 + 100_352 + 28_224 + 401_408 + 1_280, net.totalMacs());
    assertEquals(702_176, net.totalMacs());
    assertEquals(LayerKind.DEPTHWISE_CONV, net.layerShape("dw2").kind());
    assertEquals(32, net.layerShape("dw2").groups());
    assertRuns(net);
  }

  @Test
  void sameSeedSameWeightsAndUnknownNameIsRejected() {
    assertEquals(ReferenceArchitectures.lenet5(7).params().get("conv1/W"), ReferenceArchitectures.lenet5(7).params().get("conv1/W"));
    assertTrue(!ReferenceArchitectures.lenet5(7).params().get("conv1/W").equals(ReferenceArchitectures.lenet5(8).params().get("conv1/W")));
    var e = assertThrows(IllegalArgumentException.class, () -> ReferenceArchitectures.create("alexnet", 1));
    assertEquals("unknown architecture 'alexnet' (known: lenet5, vgg-small, resnet-small, mobilenet-small)", e.getMessage());
  }

  @Test
  void trainingStartsAtIdentityNormalisationAndRandomStatisticsDrawsItInItsRanges() {
    Network train = ReferenceArchitectures.create("resnet-small", 3);
    Network random = ReferenceArchitectures.create("resnet-small", 3, ReferenceArchitectures.Init.RANDOM_STATISTICS);
    assertEquals(train.nodes(), random.nodes());
    // the first draw of both is the stem's weights, from the same generator
    assertEquals(train.params().get("stem/W"), random.params().get("stem/W"));
    assertEquals(Nd4j.ones(DataType.FLOAT, 8), train.params().get("stem_bn/gamma"));
    assertEquals(Nd4j.zeros(DataType.FLOAT, 8), train.params().get("stem_bn/mean"));
    assertEquals(Nd4j.zeros(DataType.FLOAT, 10), train.params().get("fc/b"));
    float[] gamma = random.params().get("stem_bn/gamma").toFloatVector(), var = random.params().get("stem_bn/var").toFloatVector();
    for (int c = 0; c < 8; c++) {
      assertTrue(gamma[c] >= 0.5 && gamma[c] < 1.5, "gamma " + gamma[c]);
      assertTrue(var[c] >= 0.5 && var[c] < 2.0, "var " + var[c]);
    }
    assertTrue(random.params().get("fc/b").amaxNumber().doubleValue() > 0, "biases drawn");
  }
}
