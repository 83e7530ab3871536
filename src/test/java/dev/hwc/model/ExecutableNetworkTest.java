package dev.hwc.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExecutableNetworkTest {
  private static final float EPS = 1e-4f;

  @Test
  void convFlattenDenseMatchesHandComputation() {
    // filter 0 on 1..9: (0,0) 1+4-5+.5=.5, (0,1) 2+6-6+.5=2.5, (1,0) 4+10-8+.5=6.5, (1,1) 5+12-9+.5=8.5
    // filter 1 picks x[i+1][j+1] - 1: 4, 5, 7, 8; flatten = [.5, 2.5, 6.5, 8.5, 4, 5, 7, 8]
    // dense: col0 = 2.5 + 2*7 = 16.5; col1 = 8.5 - 4 + 1 = 5.5
    ExecutableNetwork net = ExecutableNetwork.of(TinyNetworks.convDense());
    assertArrayEquals(new float[]{16.5f, 5.5f}, net.output(TinyNetworks.nineImage()).toFloatVector(), EPS);
    assertArrayEquals(new float[]{.5f, 2.5f, 6.5f, 8.5f, 4, 5, 7, 8}, net.activations("fc", TinyNetworks.nineImage()).toFloatVector(), EPS);
    assertEquals(TinyNetworks.nineImage(), net.activations("c", TinyNetworks.nineImage()));
  }

  @Test
  void depthwiseConvAndResidualAddMatchHandComputation() {
    // dw: ch0 = 2x = [[2,4],[6,8]]; ch1 = x shifted down-right = [[0,0],[0,5]]
    // add: ch0 [[3,6],[9,12]] mean 7.5; ch1 [[5,6],[7,13]] mean 7.75; pw: 7.5 + 10*7.75 = 85 -> dense [85, -85]
    ExecutableNetwork net = ExecutableNetwork.of(TinyNetworks.depthwiseResidual());
    assertArrayEquals(new float[]{85, -85}, net.output(TinyNetworks.twoChannelImage()).toFloatVector(), EPS);
  }

  @Test
  void batchNormInInferenceModeAndMaxPool() {
    // (x - 1) / sqrt(4) * 2 + 0.5 = x - 0.5 for x = 1..4; max = 3.5
    ExecutableNetwork net = ExecutableNetwork.of(TinyNetworks.batchNormPool());
    INDArray x = TinyNetworks.arr(new float[]{1, 2, 4, 3}, 1, 1, 2, 2);
    assertEquals(3.5f, net.output(x).getFloat(0), EPS);
  }

  @Test
  void activationQuantizationHookIsSettableAndClearable() {
    ExecutableNetwork net = ExecutableNetwork.withActivationQuantization(TinyNetworks.convDense(), Set.of("fc"));
    INDArray x = TinyNetworks.nineImage();
    assertArrayEquals(new float[]{16.5f, 5.5f}, net.output(x).toFloatVector(), EPS); // off until set
    // dense input / 3 = [.17, .83, 2.17, 2.83, 1.33, 1.67, 2.33, 2.67] -> round, clip to [0,2] -> [0,1,2,2,1,2,2,2]
    // times 3 = [0,3,6,6,3,6,6,6]; col0 = 3 + 2*6 = 15; col1 = 6 - 3 + 1 = 4
    net.setActivationQuant("fc", 3, 0, 2);
    assertArrayEquals(new float[]{15, 4}, net.output(x).toFloatVector(), EPS);
    // calibration reads the unquantized input
    assertArrayEquals(new float[]{.5f, 2.5f, 6.5f, 8.5f, 4, 5, 7, 8}, net.activations("fc", x).toFloatVector(), EPS);
    net.clearActivationQuant("fc");
    assertArrayEquals(new float[]{16.5f, 5.5f}, net.output(x).toFloatVector(), EPS);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.setActivationQuant("c", 1, 0, 1));
    assertEquals("layer c has no activation-quantization hook (built with [fc])", e.getMessage());
  }

  @Test
  void weightsAreRewrittenInPlaceAndRestored() {
    ExecutableNetwork net = ExecutableNetwork.of(TinyNetworks.convDense());
    // bias 10, 10: col0 = 16.5 + 10, col1 = 4.5 + 10
    net.param("fc/b").assign(TinyNetworks.arr(new float[]{10, 10}, 2));
    assertArrayEquals(new float[]{26.5f, 14.5f}, net.output(TinyNetworks.nineImage()).toFloatVector(), EPS);
    assertArrayEquals(new float[]{10, 10}, net.snapshot().params().get("fc/b").toFloatVector(), EPS);
    net.restore(Map.of("fc/b", TinyNetworks.arr(new float[]{0, 0}, 2)));
    assertArrayEquals(new float[]{16.5f, 4.5f}, net.output(TinyNetworks.nineImage()).toFloatVector(), EPS);
    net.restoreBase();
    assertArrayEquals(new float[]{16.5f, 5.5f}, net.output(TinyNetworks.nineImage()).toFloatVector(), EPS);
    assertEquals(0.5f, TinyNetworks.convDense().params().get("c/b").getFloat(0), EPS); // base untouched
  }

  @Test
  void weightsAndScalesWrittenLaterReachEveryCachedGraph() {
    // both graphs (no hook on; hook on "fc") exist before the writes below, and share the arrays
    ExecutableNetwork net = ExecutableNetwork.withActivationQuantization(TinyNetworks.convDense(), Set.of("fc"));
    INDArray x = TinyNetworks.nineImage();
    net.output(x);
    net.setActivationQuant("fc", 3, 0, 2);
    assertEquals(Set.of("fc"), net.activeActivationQuant());
    assertArrayEquals(new float[]{15, 4}, net.output(x).toFloatVector(), EPS);
    // bias +10 on both columns: quantized 25, 14; plain 26.5, 15.5
    net.param("fc/b").addi(10);
    assertArrayEquals(new float[]{25, 14}, net.output(x).toFloatVector(), EPS);
    // scale 1, grid [0, 8]: quantized input [0(.5 rounds half away -> 1), 3(2.5 -> 3), 7, 8, 4, 5, 7, 8] = [1,3,7,8,4,5,7,8]
    // col0 = 3 + 2*7 + 10 = 27; col1 = 8 - 4 + 1 + 10 = 15
    net.setActivationQuant("fc", 1, 0, 8);
    assertArrayEquals(new float[]{27, 15}, net.output(x).toFloatVector(), EPS);
    net.clearActivationQuant();
    assertEquals(Set.of(), net.activeActivationQuant());
    assertArrayEquals(new float[]{26.5f, 15.5f}, net.output(x).toFloatVector(), EPS);
  }

  @Test
  void restoreDenseUndoesBothTheWeightsAndTheInputQuantization() {
    ExecutableNetwork net = ExecutableNetwork.withActivationQuantization(TinyNetworks.convDense(), Set.of("fc"));
    INDArray x = TinyNetworks.nineImage();
    net.param("fc/b").addi(10);
    net.setActivationQuant("fc", 3, 0, 2);
    assertArrayEquals(new float[]{25, 14}, net.output(x).toFloatVector(), EPS);
    net.restoreDense();
    assertEquals(Set.of(), net.activeActivationQuant());
    assertArrayEquals(new float[]{16.5f, 5.5f}, net.output(x).toFloatVector(), EPS);
  }
}
