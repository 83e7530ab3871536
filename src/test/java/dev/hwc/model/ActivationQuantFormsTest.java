package dev.hwc.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Both forms of the always-on hook (fused fake-quant op, 5-op form) against the definition, value by value. */
class ActivationQuantFormsTest {
  private static final int N = 400;

  /** input 1×1×N → flatten → dense N→N with W = I, no bias: the logits are the (quantized) input itself. */
  private static Network identity() {
    List<Node> nodes = List.of(new Node.Input("input", 1, 1, N), new Node.Flatten("f", "input"), new Node.Dense("fc", "f", N, N, false));
    return new Network(nodes, Map.of("fc/W", Nd4j.eye(N).castTo(DataType.FLOAT)), ModelMetadata.untrained("identity", 0));
  }

  /** clip(round-half-away(x / s), lo, hi) · s in float, as the compressor defines it. */
  private static float reference(float x, float s, int lo, int hi) {
    float y = x / s;
    float q = Math.signum(y) * (float) Math.floor(Math.abs(y) + 0.5f);
    return Math.max(lo, Math.min(hi, q)) * s;
  }

  /** Random values in [lo·s − 1, hi·s + 1] plus exact ties (k + 0.5)·s on the grid. */
  private static float[] inputs(float s, int lo, int hi, long seed) {
    Random r = new Random(seed);
    float[] x = new float[N];
    for (int i = 0; i < N; i++)
      x[i] = i % 4 == 0 ? (lo + r.nextInt(hi - lo + 1) + 0.5f) * s : (float) (lo * s - 1 + r.nextDouble() * ((hi - lo) * s + 2));
    return x;
  }

  private static void check(ExecutableNetwork net, float s, int lo, int hi, long seed) {
    float[] x = inputs(s, lo, hi, seed);
    float[] want = new float[N];
    for (int i = 0; i < N; i++) want[i] = reference(x[i], s, lo, hi);
    float[] got = net.output(Nd4j.create(x, new long[]{1, 1, 1, N}, 'c')).toFloatVector();
    assertArrayEquals(want, got, 0f, "scale " + s + " grid [" + lo + ", " + hi + "]");
  }

  @Test
  void fusedFormEqualsTheDefinitionForEveryBitWidthAndAfterABitChange() {
    ExecutableNetwork net = ExecutableNetwork.withActivationQuantization(identity(), Set.of("fc"));
    long seed = 1;
    for (float s : new float[]{0.05f, 0.1f, 0.0123f, 1f})
      for (int bits = 2; bits <= 8; bits++) {
        int hi = (1 << bits) - 1;
        if (ExecutableNetwork.fusedBits(s, 0, hi) == 0) continue;
        net.setActivationQuant("fc", s, 0, hi); // the same graph throughout: only the bit count and range change
        check(net, s, 0, hi, seed++);
      }
    assertEquals(6, ExecutableNetwork.fusedBits(0.05f, 0, 63));
  }

  @Test
  void fusedFormCoversRandomScalesExactly() {
    // calibrated scales are arbitrary floats: the op's step max/hi must come out as the scale; for about one scale in
    // ten (s near the top of its binade, hi large) no float max does, and the layer takes the 5-op form
    ExecutableNetwork net = ExecutableNetwork.withActivationQuantization(identity(), Set.of("fc"));
    Random r = new Random(3);
    int fused = 0;
    for (int i = 0; i < 70; i++) {
      int bits = 2 + i % 7, hi = (1 << bits) - 1;
      float s = (float) (Math.exp(2 * r.nextGaussian()) / hi);
      if (ExecutableNetwork.fusedBits(s, 0, hi) == 0) continue;
      fused++;
      net.setActivationQuant("fc", s, 0, hi);
      check(net, s, 0, hi, 100 + i);
    }
    assertEquals(63, fused);
  }

  @Test
  void generalFormEqualsTheDefinitionForSignedAndOddGrids() {
    ExecutableNetwork net = ExecutableNetwork.withActivationQuantization(identity(), Set.of("fc"));
    assertEquals(0, ExecutableNetwork.fusedBits(0.05f, -31, 31));
    assertEquals(0, ExecutableNetwork.fusedBits(0.05f, 0, 62));
    net.setActivationQuant("fc", 0.05f, -31, 31);
    check(net, 0.05f, -31, 31, 7);
    net.setActivationQuant("fc", 0.25f, 0, 62);
    check(net, 0.25f, 0, 62, 8);
    // back to the fused form, in a graph built earlier
    net.setActivationQuant("fc", 0.05f, 0, 63);
    check(net, 0.05f, 0, 63, 9);
  }

  @Test
  void bitCountReachesACachedGraphAfterClearing() {
    // the search's sequence: clear every hook, then set them all (CompressedModel.applyTo), episode after episode
    ExecutableNetwork net = ExecutableNetwork.withActivationQuantization(identity(), Set.of("fc"));
    long seed = 50;
    for (int bits : new int[]{2, 8, 5, 2, 8}) {
      net.clearActivationQuant();
      net.output(Nd4j.zeros(DataType.FLOAT, 1, 1, 1, N));
      int hi = (1 << bits) - 1;
      net.setActivationQuant("fc", 0.05f, 0, hi);
      check(net, 0.05f, 0, hi, seed++);
    }
  }
}
