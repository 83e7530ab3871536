package dev.hwc.rl;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlpTest {
  /** Compares an analytic gradient with central differences of {@code loss} at every k-th parameter. */
  static void checkGradient(float[] params, float[] grads, DoubleSupplier loss, int stride) {
    int checked = 0;
    for (int k = 0; k < params.length; k += stride) {
      float keep = params[k];
      float h = 2e-3f; // small enough not to cross a ReLU kink in these tiny nets, large for float rounding
      params[k] = keep + h;
      double up = loss.getAsDouble();
      params[k] = keep - h;
      double down = loss.getAsDouble();
      params[k] = keep;
      double numeric = (up - down) / ((double) (keep + h) - (double) (keep - h));
      assertEquals(numeric, grads[k], 2e-3 + 2e-2 * Math.abs(numeric), "gradient of parameter " + k);
      checked++;
    }
    assertTrue(checked > 10, "checked " + checked + " parameters");
  }

  static float[] randomInput(int n, long seed) {
    Rng g = new Rng(seed);
    float[] x = new float[n];
    for (int k = 0; k < n; k++) x[k] = (float) (2 * g.nextDouble() - 1);
    return x;
  }

  /** L = Σ c ⊙ output, so dL/d(output) = c. */
  static double weightedSum(float[] out, float[] c) {
    double s = 0;
    for (int k = 0; k < out.length; k++) s += (double) out[k] * c[k];
    return s;
  }

  @Test void backpropMatchesFiniteDifferencesForEveryActivation() {
    Rng rng = new Rng(1);
    Mlp m = new Mlp(new int[] {5, 7, 6, 3}, new Mlp.Activation[] {Mlp.Activation.RELU, Mlp.Activation.SIGMOID, Mlp.Activation.IDENTITY}, false, 0, 0, rng);
    int batch = 4;
    float[] x = randomInput(batch * 5, 2), c = randomInput(batch * 3, 3);
    m.zeroGrads();
    float[] dIn = m.backward(m.forward(x, batch, false), c.clone(), true);
    checkGradient(m.params, m.grads, () -> weightedSum(m.forward(x, batch, false).output(), c), 1);
    // the input gradient too
    checkGradient(x, dIn, () -> weightedSum(m.forward(x, batch, false).output(), c), 1);
  }

  @Test void noisyLayerGradientsIncludeTheSigmas() {
    Rng rng = new Rng(4);
    Mlp m = new Mlp(new int[] {4, 6, 3}, new Mlp.Activation[] {Mlp.Activation.RELU, Mlp.Activation.IDENTITY}, true, 0.5, 0, rng);
    m.resampleNoise(rng);
    int batch = 3;
    float[] x = randomInput(batch * 4, 5), c = randomInput(batch * 3, 6);
    m.zeroGrads();
    m.backward(m.forward(x, batch, true), c.clone(), false);
    checkGradient(m.params, m.grads, () -> weightedSum(m.forward(x, batch, true).output(), c), 1);
    // noise changes the output; without noise the mean weights alone act
    assertTrue(!java.util.Arrays.equals(m.forward(x, batch, true).output(), m.forward(x, batch, false).output()));
  }

  @Test void rainbowNetworkGradientsMatchFiniteDifferences() {
    // dueling + C51 + noisy, loss = cross-entropy of a fixed target distribution on each row's chosen action
    Rainbow.Config cfg = new Rainbow.Config(List.of(6), 5, true, true, true, 0.5, 0.4, 100, 1e-6, 3, true, 5, -1, 1, true, 0.5,
        1, 0.1, 10, 1e-3, 1e-4, 0, 0.9, 2, 10, 10, 0);
    Rng rng = new Rng(7);
    Rainbow.Net net = new Rainbow.Net(cfg, 4, 3, rng);
    net.resampleNoise(rng);
    int batch = 2, actions = 3, z = 5;
    float[] x = randomInput(batch * 4, 8);
    int[] chosen = {2, 0};
    float[][] m = {{0.1f, 0.2f, 0.3f, 0.4f, 0f}, {0f, 0f, 0.5f, 0.5f, 0f}};
    DoubleSupplier loss = () -> {
      Rainbow.Net.Out o = net.forward(x, batch, true);
      double l = 0;
      for (int n = 0; n < batch; n++) for (int k = 0; k < z; k++) l -= m[n][k] * Math.log(o.prob[(n * actions + chosen[n]) * z + k]);
      return l;
    };
    Rainbow.Net.Out o = net.forward(x, batch, true);
    float[] d = new float[batch * actions * z];
    for (int n = 0; n < batch; n++) for (int k = 0; k < z; k++) {
      int i = (n * actions + chosen[n]) * z + k;
      d[i] = o.prob[i] - m[n][k];
    }
    net.zeroGrads();
    net.backward(o, d);
    checkGradient(net.trunk.params, net.trunk.grads, loss, 1);
    checkGradient(net.value.params, net.value.grads, loss, 1);
    checkGradient(net.advantage.params, net.advantage.grads, loss, 1);
  }

  @Test void softUpdateMovesTauOfTheWay() {
    Rng rng = new Rng(9);
    Mlp a = new Mlp(new int[] {1, 1}, new Mlp.Activation[] {Mlp.Activation.IDENTITY}, false, 0, 0, rng);
    Mlp b = a.copy();
    a.params[0] = 2f; a.params[1] = -1f;   // source W, b
    b.params[0] = 1f; b.params[1] = 3f;    // target
    b.softUpdateFrom(a, 0.01);
    // 0.01·2 + 0.99·1 = 1.01;  0.01·(−1) + 0.99·3 = 2.96
    assertArrayEquals(new float[] {1.01f, 2.96f}, b.params, 1e-6f);
  }

  @Test void adamsFirstStepMovesEachParameterByTheLearningRate() {
    // with bias correction, step 1 is −lr·g/(|g| + ε) ≈ −lr·sign(g)
    Adam adam = new Adam(3, 0.1, 1e-8);
    float[] p = {1f, 1f, 1f};
    adam.step(p, new float[] {0.5f, -2f, 0f});
    assertArrayEquals(new float[] {0.9f, 1.1f, 1f}, p, 1e-6f);
    assertEquals(1, adam.steps());
  }

  @Test void portableExpAgreesWithTheLibrary() {
    for (double x = -50; x <= 50; x += 0.37) assertEquals(Math.exp(x), Mlp.exp(x), 1e-12 * Math.exp(x), "exp(" + x + ")");
    assertEquals(1.0, Mlp.exp(0), 0);
    assertEquals(0.0, Mlp.exp(-800), 0);
    assertEquals(Double.POSITIVE_INFINITY, Mlp.exp(800), 0);
  }
}
