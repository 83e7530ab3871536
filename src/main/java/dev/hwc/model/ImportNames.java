package dev.hwc.model;

import java.util.Set;

/**
 * Node names for imported models. SameDiff names unnamed intermediate ops after the op ({@code add}, {@code add_1},
 * {@code multiply_3}, ...; {@link SameDiffGraph} creates such ops for the quantization hooks, permuted kernels and
 * dense products), and a later node with the same name fails the graph build ("Variable name add already exists").
 * Keras's default layer names ({@code add}, {@code add_1}) hit exactly that, so such names get a {@code _layer} suffix.
 */
final class ImportNames {
  /** SameDiff op names that appear as auto-generated variable names (measured, plus near relatives). */
  private static final Set<String> OPS = Set.of("add", "add_scalar", "sub", "subtract", "sub_scalar", "rsub", "rsub_scalar",
      "mul", "multiply", "mul_scalar", "div", "divide", "div_scalar", "rdiv", "rdiv_scalar", "round", "max", "min", "maximum",
      "minimum", "matmul", "mmul", "permute", "reshape", "identity", "mean", "reduce_mean", "sum", "reduce_sum", "rsqrt", "sqrt",
      "square", "clipbyvalue", "clip_by_value", "fake_quant_with_min_max_vars", "squeeze", "expand_dims", "concat", "transpose",
      "abs", "neg", "exp", "log", "pow", "tile", "cast", "shape_of", "batchnorm", "conv2d", "depthwise_conv2d", "maxpool2d",
      "avgpool2d", "relu", "relu6", "softmax", "biasadd", "stack", "gather", "linear", "xw_plus_b");

  private ImportNames() {}

  /** {@code name}, or {@code name_layer} where it could equal a name SameDiff gives an unnamed op. */
  static String safe(String name) {
    String base = name.replaceFirst("_[0-9]+$", "");
    return OPS.contains(name) || OPS.contains(base) ? name + "_layer" : name;
  }
}
