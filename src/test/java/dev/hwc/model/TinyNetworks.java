package dev.hwc.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/** Small networks with hand-chosen weights whose outputs are worked out by hand in the tests. */
final class TinyNetworks {
  private TinyNetworks() {}

  static INDArray arr(float[] v, long... shape) {
    return Nd4j.create(v, shape, 'c');
  }

  /** Input 1×3×3 = 1..9 row-major. */
  static INDArray nineImage() {
    return arr(new float[]{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
  }

  /**
   * input 1×3×3 → conv 1→2, 2×2, bias (filter 0 = [[1,2],[0,-1]], b 0.5; filter 1 = [[0,0],[0,1]], b −1) → relu →
   * flatten (8) → dense 8→2 (column 0 = 1·x[1] + 2·x[6]; column 1 = x[3] − x[4]; b = [0, 1]).
   */
  static Network convDense() {
    List<Node> nodes = List.of(
        new Node.Input("input", 1, 3, 3),
        new Node.Conv2d("c", "input", 1, 2, 2, 2, 1, 0, 1, true),
        new Node.Activation("r", "c", Node.Activation.Kind.RELU),
        new Node.Flatten("f", "r"),
        new Node.Dense("fc", "f", 8, 2, true));
    float[] fcW = new float[16];
    fcW[1 * 2] = 1;      // [1][0]
    fcW[6 * 2] = 2;      // [6][0]
    fcW[3 * 2 + 1] = 1;  // [3][1]
    fcW[4 * 2 + 1] = -1; // [4][1]
    Map<String, INDArray> p = Map.of(
        "c/W", arr(new float[]{1, 2, 0, -1, 0, 0, 0, 1}, 2, 1, 2, 2),
        "c/b", arr(new float[]{0.5f, -1}, 2),
        "fc/W", arr(fcW, 8, 2),
        "fc/b", arr(new float[]{0, 1}, 2));
    return new Network(nodes, p, ModelMetadata.untrained("tiny-conv-dense", 0));
  }

  /** Input 2×2×2: channel 0 = [[1,2],[3,4]], channel 1 = [[5,6],[7,8]]. */
  static INDArray twoChannelImage() {
    return arr(new float[]{1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 2, 2);
  }

  /**
   * input 2×2×2 → depthwise 3×3 pad 1 (channel 0: centre 2; channel 1: top-left 1) → add(input, dw) →
   * pointwise conv 2→1 (weights 1, 10, no bias) → global average pool → dense 1→2 (W = [1, −1]).
   */
  static Network depthwiseResidual() {
    List<Node> nodes = List.of(
        new Node.Input("input", 2, 2, 2),
        new Node.Conv2d("dw", "input", 2, 2, 3, 3, 1, 1, 2, false),
        new Node.Add("add", List.of("input", "dw")),
        new Node.Conv2d("pw", "add", 2, 1, 1, 1, 1, 0, 1, false),
        new Node.GlobalAvgPool("gap", "pw"),
        new Node.Dense("fc", "gap", 1, 2, false));
    float[] dw = new float[18];
    dw[4] = 2;     // channel 0, centre (1,1)
    dw[9] = 1;     // channel 1, top-left (0,0)
    Map<String, INDArray> p = Map.of(
        "dw/W", arr(dw, 2, 1, 3, 3),
        "pw/W", arr(new float[]{1, 10}, 1, 2, 1, 1),
        "fc/W", arr(new float[]{1, -1}, 1, 2));
    return new Network(nodes, p, ModelMetadata.untrained("tiny-dw-res", 0));
  }

  /** input 1×2×2 → batchnorm (mean 1, var 4, gamma 2, beta 0.5) → maxpool 2 → flatten → dense 1→1 (W 1, b 0). */
  static Network batchNormPool() {
    List<Node> nodes = List.of(
        new Node.Input("input", 1, 2, 2),
        new Node.BatchNorm("bn", "input", 1, 1e-5),
        new Node.Pool("pool", "bn", Node.Pool.Type.MAX, 2, 2, 0),
        new Node.Flatten("f", "pool"),
        new Node.Dense("fc", "f", 1, 1, true));
    Map<String, INDArray> p = Map.of(
        "bn/mean", arr(new float[]{1}, 1), "bn/var", arr(new float[]{4}, 1),
        "bn/gamma", arr(new float[]{2}, 1), "bn/beta", arr(new float[]{0.5f}, 1),
        "fc/W", arr(new float[]{1}, 1, 1), "fc/b", arr(new float[]{0}, 1));
    return new Network(nodes, p, ModelMetadata.untrained("tiny-bn-pool", 0));
  }
}
