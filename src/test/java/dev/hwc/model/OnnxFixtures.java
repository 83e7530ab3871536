package dev.hwc.model;

import onnx.Onnx;

import java.util.List;

import static dev.hwc.model.OnnxBuilder.f;
import static dev.hwc.model.OnnxBuilder.i;
import static dev.hwc.model.OnnxBuilder.ints;

/** The four ONNX test models, laid out as PyTorch 1.13 exports the equivalent modules (fixed seeds). */
final class OnnxFixtures {
  private OnnxFixtures() {}

  /** conv3x3(+bias) → relu → maxpool2 → conv3x3(no bias) → BN → relu6 → avgpool2 → flatten → linear: 1×12×12 → 5. */
  static Onnx.ModelProto plainCnn() {
    OnnxBuilder b = new OnnxBuilder(11, 13);
    b.raw = false; // float_data here, raw_data in the others
    String x = b.input("input", 1, 12, 12);
    x = b.conv("conv1", x, 1, 4, 3, 1, 1, 1, true);
    x = b.relu("relu1", x);
    x = b.node("MaxPool", "pool1", List.of(x), ints("kernel_shape", 2, 2), ints("strides", 2, 2), ints("pads", 0, 0, 0, 0));
    x = b.conv("conv2", x, 4, 8, 3, 1, 0, 1, false);
    x = b.bn("bn2", x, 8);
    x = b.relu6("relu6", x);
    x = b.node("AveragePool", "pool2", List.of(x), ints("kernel_shape", 2, 2), ints("strides", 2, 2), i("ceil_mode", 0));
    x = b.node("Flatten", "flatten", List.of(x), i("axis", 1));
    x = b.linear("fc", x, 8 * 2 * 2, 5);
    return b.build(x);
  }

  /**
   * A ResNet basic block with a 1×1 stride-2 projection shortcut behind a ResNet stem (maxpool 3/2 pad 1), then global
   * average pooling and a linear classifier: 1×28×28 → 10 (Fashion-MNIST sized, so it can be evaluated).
   */
  static Onnx.ModelProto residualCnn() {
    OnnxBuilder b = new OnnxBuilder(12, 13);
    String x = b.input("input", 1, 28, 28);
    x = b.conv("/stem/conv/Conv", x, 1, 8, 3, 1, 1, 1, true);
    x = b.relu("/stem/relu/Relu", x);
    x = b.node("MaxPool", "/stem/pool/MaxPool", List.of(x), ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1));
    String main = b.conv("/layer1/conv1/Conv", x, 8, 16, 3, 2, 1, 1, false);
    main = b.bn("/layer1/bn1/BatchNormalization", main, 16);
    main = b.relu("/layer1/relu1/Relu", main);
    main = b.conv("/layer1/conv2/Conv", main, 16, 16, 3, 1, 1, 1, false);
    main = b.bn("/layer1/bn2/BatchNormalization", main, 16);
    String shortcut = b.conv("/layer1/downsample/0/Conv", x, 8, 16, 1, 2, 0, 1, false);
    shortcut = b.bn("/layer1/downsample/1/BatchNormalization", shortcut, 16);
    x = b.node("Add", "/layer1/Add", List.of(main, shortcut));
    x = b.relu("/layer1/relu2/Relu", x);
    x = b.node("GlobalAveragePool", "/pool/GlobalAveragePool", List.of(x));
    x = b.node("Flatten", "/Flatten", List.of(x), i("axis", 1));
    x = b.linear("/fc/Gemm", x, 16, 10);
    return b.build(x);
  }

  /** MobileNet-style block: depthwise 3×3 (+bias) → BN → relu6 → pointwise 1×1 → relu → GAP → Reshape [0,-1] → MatMul + Add. */
  static Onnx.ModelProto depthwiseBlock() {
    OnnxBuilder b = new OnnxBuilder(13, 11);
    String x = b.input("input", 4, 7, 7);
    x = b.conv("dw", x, 4, 4, 3, 2, 1, 4, true);
    x = b.bn("dw_bn", x, 4);
    x = b.relu6("dw_relu6", x);
    x = b.conv("pw", x, 4, 8, 1, 1, 0, 1, false);
    x = b.relu("pw_relu", x);
    x = b.node("GlobalAveragePool", "gap", List.of(x));
    x = b.node("Reshape", "reshape", List.of(x, b.initLongs("shape", 0, -1)));
    x = b.node("MatMul", "fc_matmul", List.of(x, b.random("fc.w", -0.5, 0.5, 8, 3)));
    x = b.node("Add", "fc_add", List.of(x, b.random("fc.b", -0.2, 0.2, 3)));
    return b.build(x);
  }

  /** An MLP: flatten → linear → relu → dropout → Gemm(transB=0, alpha 0.5, beta 2) → relu → linear → softmax. */
  static Onnx.ModelProto mlp() {
    OnnxBuilder b = new OnnxBuilder(14, 17);
    String x = b.input("input", 1, 4, 4);
    x = b.node("Flatten", "flatten", List.of(x));
    x = b.linear("fc1", x, 16, 12);
    x = b.relu("relu1", x);
    x = b.node("Dropout", "drop", List.of(x));
    x = b.node("Gemm", "fc2", List.of(x, b.random("fc2.w", -0.4, 0.4, 12, 6), b.random("fc2.b", -0.2, 0.2, 6)),
        f("alpha", 0.5f), f("beta", 2f), i("transB", 0));
    x = b.relu("relu2", x);
    x = b.linear("fc3", x, 6, 3);
    x = b.node("Softmax", "softmax", List.of(x), i("axis", 1));
    return b.build(x);
  }
}
