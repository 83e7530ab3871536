package dev.hwc.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an imported model expects of its input, relative to hwc's images (pixel/255, in [0,1]):
 * {@code model input = (x · scale − mean[c]) / std[c]}. A model trained on raw 0..255 pixels has scale 255; one
 * trained with PyTorch's {@code ToTensor()} + {@code Normalize(m, s)} has scale 1, mean m, std s. One mean or std
 * value applies to every channel.
 *
 * <p>Applied exactly, as an inference-mode BatchNorm node {@value #NODE} right after the input (mean/scale,
 * var 1, eps 0, gamma scale/std, beta 0), rather than folded into the first convolution: folding a mean shift is not
 * exact at zero-padded borders, and an extra BatchNorm costs no MACs in the energy model.
 */
public record InputNormalisation(double scale, List<Double> mean, List<Double> std) {
  public static final String NODE = "input_norm";
  public static final String METADATA_KEY = "input-normalisation";

  public InputNormalisation {
    if (!(scale > 0) || Double.isInfinite(scale)) throw new IllegalArgumentException("input scale must be > 0, was " + scale);
    mean = List.copyOf(mean == null || mean.isEmpty() ? List.of(0.0) : mean);
    std = List.copyOf(std == null || std.isEmpty() ? List.of(1.0) : std);
    for (double m : mean) if (!Double.isFinite(m)) throw new IllegalArgumentException("input mean must be finite, was " + m);
    for (double s : std) if (!(s > 0) || Double.isInfinite(s)) throw new IllegalArgumentException("input std must be > 0, was " + s);
  }

  public static InputNormalisation none() {
    return new InputNormalisation(1, List.of(0.0), List.of(1.0));
  }

  public boolean isIdentity() {
    return scale == 1 && mean.stream().allMatch(m -> m == 0) && std.stream().allMatch(s -> s == 1);
  }

  /** Per-channel mean (or std) for {@code channels} channels; fails if the count is neither 1 nor channels. */
  double[] perChannel(List<Double> values, String what, int channels) {
    if (values.size() != 1 && values.size() != channels)
      throw new IllegalArgumentException("input " + what + " has " + values.size() + " values, the model input has " + channels + " channels");
    double[] out = new double[channels];
    for (int c = 0; c < channels; c++) out[c] = values.get(values.size() == 1 ? 0 : c);
    return out;
  }

  /** The parameters of the {@value #NODE} BatchNorm node for {@code channels} channels. */
  Map<String, INDArray> batchNormParams(int channels) {
    double[] m = perChannel(mean, "mean", channels), s = perChannel(std, "std", channels);
    float[] gamma = new float[channels], mu = new float[channels], var = new float[channels], beta = new float[channels];
    for (int c = 0; c < channels; c++) {
      gamma[c] = (float) (scale / s[c]);
      mu[c] = (float) (m[c] / scale);
      var[c] = 1f;
    }
    return Map.of(NODE + "/gamma", vec(gamma), NODE + "/beta", vec(beta), NODE + "/mean", vec(mu), NODE + "/var", vec(var));
  }

  /** Human-readable form stored in the model metadata under {@value #METADATA_KEY}. */
  public String describe() {
    return String.format(Locale.ROOT, "(pixel/255 * %s - mean %s) / std %s, applied by node %s", num(scale), list(mean), list(std), NODE);
  }

  private static String list(List<Double> v) {
    return v.stream().map(InputNormalisation::num).collect(Collectors.joining(",", "[", "]"));
  }

  private static String num(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e9 ? Long.toString((long) d) : Double.toString(d);
  }

  private static INDArray vec(float[] v) {
    return Nd4j.createFromArray(v).castTo(DataType.FLOAT);
  }
}
