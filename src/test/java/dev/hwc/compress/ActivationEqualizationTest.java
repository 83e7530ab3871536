package dev.hwc.compress;

import com.typesafe.config.ConfigFactory;
import dev.hwc.model.ModelMetadata;
import dev.hwc.model.Network;
import dev.hwc.model.Node;
import dev.hwc.model.ReferenceArchitectures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationEqualizationTest {

  private static INDArray arr(float[] v, long... shape) {
    return Nd4j.create(v, shape).castTo(DataType.FLOAT);
  }

  /** input 1×1×1 → conv a (1→2, 1×1) → bn → relu → conv b (2→1, 1×1) → flatten → dense. */
  private static Network twoChannels(float[] bWeights) {
    return behindBatchNorm(new Node.Conv2d("b", "relu", 2, 1, 1, 1, 1, 0, 1, false), arr(bWeights, 1, 2, 1, 1));
  }

  /** input 1×1×1 → conv a (1→2, 1×1) → bn → relu → depthwise d (2 channels, 1×1) → flatten → dense. */
  private static Network depthwise(float[] dWeights) {
    return behindBatchNorm(new Node.Conv2d("d", "relu", 2, 2, 1, 1, 1, 0, 2, false), arr(dWeights, 2, 1, 1, 1));
  }

  /** input 1×1×1 → conv a (1→2, 1×1) → bn → relu → {@code layer} with weights {@code w} → flatten → dense. */
  private static Network behindBatchNorm(Node.Conv2d layer, INDArray w) {
    List<Node> nodes = List.of(
        new Node.Input("input", 1, 1, 1),
        new Node.Conv2d("a", "input", 1, 2, 1, 1, 1, 0, 1, false),
        new Node.BatchNorm("bn", "a", 2, 1e-5),
        new Node.Activation("relu", "bn", Node.Activation.Kind.RELU),
        layer,
        new Node.Flatten("f", layer.name()),
        new Node.Dense("fc", "f", layer.outChannels(), 1, false));
    Map<String, INDArray> p = Map.of(
        "a/W", arr(new float[]{1, 1}, 2, 1, 1, 1),
        "bn/gamma", arr(new float[]{1, 1}, 2), "bn/beta", arr(new float[]{0.5f, -0.25f}, 2),
        "bn/mean", arr(new float[]{0, 0}, 2), "bn/var", arr(new float[]{1, 1}, 2),
        layer.name() + "/W", w,
        "fc/W", Nd4j.ones(DataType.FLOAT, layer.outChannels(), 1));
    return new Network(nodes, p, ModelMetadata.untrained(layer.name(), 0));
  }

  @Test void theScalesAreSmoothQuantsAndMoveIntoTheBatchNormAndTheWeights() {
    Network net = twoChannels(new float[]{1, -4});
    // b's input: channel 0 reaches 4, channel 1 reaches 1; b's weights on them: |1| and |-4|
    INDArray bInput = arr(new float[]{4, 0, 2, 1}, 2, 2, 1, 1);
    // a calibration holding b's input only: asking for another layer's would throw
    List<ActivationEqualization.Scales> s = ActivationEqualization.scales(net, new Calibration(Map.of("b", bInput)), 0.5, false);
    assertEquals(1, s.size());
    assertEquals("bn", s.get(0).batchNorm());
    // s_c = a_c^0.5 / w_c^0.5: sqrt(4 / 1) = 2, sqrt(1 / 4) = 0.5
    assertArrayEquals(new double[]{2, 0.5}, s.get(0).s(), 1e-12);
    Network eq = ActivationEqualization.apply(net, s);
    assertArrayEquals(new float[]{0.5f, 2f}, eq.params().get("bn/gamma").toFloatVector(), 1e-7f);
    assertArrayEquals(new float[]{0.25f, -0.5f}, eq.params().get("bn/beta").toFloatVector(), 1e-7f);
    // both ranges become sqrt(a_c · w_c): weights 1·2 = 2 and -4·0.5 = -2
    assertArrayEquals(new float[]{2f, -2f}, eq.params().get("b/W").reshape(2).toFloatVector(), 1e-7f);
    assertEquals(net.params().get("a/W"), eq.params().get("a/W"));
    assertArrayEquals(new float[]{1, 1}, net.params().get("bn/gamma").toFloatVector(), "the given network is not touched");
  }

  @Test void theEqualizedReferenceNetworksComputeTheSameFunction() {
    Map<String, List<String>> expected = Map.of(
        "mobilenet-small", List.of("dw1", "pw1", "dw2", "pw2", "dw3", "pw3", "fc"),
        // the classifier reads a Flatten: left alone
        "vgg-small", List.of("conv1_2", "conv2_1", "conv2_2", "conv3_1", "conv3_2"),
        // a block's second conv reads its first's BatchNorm -> ReLU; the stem's ReLU also feeds the identity shortcut, and
        // everything else reads a ReLU after a residual Add: left alone
        "resnet-small", List.of("block1_conv2", "block2_conv2", "block3_conv2"));
    for (var e : expected.entrySet()) {
      Network net = ReferenceArchitectures.create(e.getKey(), 3);
      INDArray x = TestNetworks.images(6, 4);
      Map<String, INDArray> acts = EagerForward.run(net.nodes(), net.params(), x, Map.of());
      Map<String, INDArray> inputs = new java.util.HashMap<>();
      for (var shape : net.layerShapes()) inputs.put(shape.name(), acts.get(net.node(shape.name()).inputs().get(0)));
      List<ActivationEqualization.Scales> s = ActivationEqualization.scales(net, new Calibration(inputs), 0.5, false);
      assertEquals(e.getValue(), s.stream().map(ActivationEqualization.Scales::layer).toList(), e.getKey());
      assertTrue(ActivationEqualization.appliesTo(net, 0.5, false));
      assertTrue(s.stream().anyMatch(sc -> java.util.Arrays.stream(sc.s()).anyMatch(v -> Math.abs(v - 1) > 0.1)), e.getKey() + ": some scale moves");
      Network eq = ActivationEqualization.apply(net, s);
      String out = net.nodes().get(net.nodes().size() - 1).name();
      INDArray y = acts.get(out), y2 = EagerForward.run(eq.nodes(), eq.params(), x, Map.of()).get(out);
      double scale = Math.max(1, y.amaxNumber().doubleValue());
      assertTrue(y.sub(y2).amaxNumber().doubleValue() <= 1e-4 * scale, e.getKey() + ": " + y + " vs " + y2);
    }
  }

  @Test void aDepthwiseLayerPerChannelTakesItsChannelsLargestInputsAsScales() {
    Network net = depthwise(new float[]{1, -4});
    // d's input: channel 0 reaches 4, channel 1 reaches 0.5; d's weights on them |1| and |-4|
    Calibration cal = new Calibration(Map.of("d", arr(new float[]{4, 0, 2, 0.5f}, 2, 2, 1, 1)));
    // per channel: s_c = a_c whatever the weights and alpha (0 = no other layer), so both channels reach 1
    List<ActivationEqualization.Scales> s = ActivationEqualization.scales(net, cal, 0, true);
    assertEquals(List.of("d"), s.stream().map(ActivationEqualization.Scales::layer).toList());
    assertArrayEquals(new double[]{4, 0.5}, s.get(0).s(), 1e-12);
    Network eq = ActivationEqualization.apply(net, s);
    assertArrayEquals(new float[]{0.25f, 2f}, eq.params().get("bn/gamma").toFloatVector(), 1e-7f);
    assertArrayEquals(new float[]{4f, -2f}, eq.params().get("d/W").reshape(2).toFloatVector(), 1e-7f);
    // per tensor: SmoothQuant's alpha, as on any other layer: sqrt(4 / 1) = 2, sqrt(0.5 / 4)
    assertArrayEquals(new double[]{2, Math.sqrt(0.125)}, ActivationEqualization.scales(net, cal, 0.5, false).get(0).s(), 1e-12);
    assertEquals(List.of(), ActivationEqualization.scales(net, cal, 0, false));
    assertTrue(ActivationEqualization.appliesTo(net, 0, true));
    assertTrue(!ActivationEqualization.appliesTo(net, 0, false));
    // a network without a depthwise layer has nothing to rescale per channel alone
    assertTrue(!ActivationEqualization.appliesTo(twoChannels(new float[]{1, 1}), 0, true));
    assertTrue(ActivationEqualization.appliesTo(twoChannels(new float[]{1, 1}), 0.5, true));
  }

  @Test void aPlanInstallerWithTheSettingEvaluatesTheEqualizedNetwork() {
    Network net = ReferenceArchitectures.create("mobilenet-small", 5);
    var data = ExecutableCompressionTest.randomImages(32, 11);
    PlanInstaller off = PlanInstaller.of(net, data, CompressionSettings.defaults().withActivationEqualization(0).withDepthwisePerChannel(false), 16);
    PlanInstaller on = PlanInstaller.of(net, data, CompressionSettings.defaults().withActivationEqualization(0.5), 16);
    // the stem's BatchNorm carries dw1's scales: other parameters, the same function
    assertTrue(!on.exec().param("stem_bn/gamma").equals(off.exec().param("stem_bn/gamma")));
    INDArray x = TestNetworks.images(8, 3), y = off.exec().output(x).dup(), y2 = on.exec().output(x);
    assertTrue(y.sub(y2).amaxNumber().doubleValue() <= 1e-4 * Math.max(1, y.amaxNumber().doubleValue()), y + " vs " + y2);
  }

  @Test void theScalesComeFromTheFirstEqualizationImagesOnly() {
    Network net = ReferenceArchitectures.create("mobilenet-small", 5);
    var data = ExecutableCompressionTest.randomImages(32, 11);
    CompressionSettings s = CompressionSettings.defaults().withActivationEqualization(0.5);
    INDArray eight = PlanInstaller.of(net, data, s.withCalibrationImages(8).withEqualizationImages(8), 16).exec().param("stem_bn/gamma");
    INDArray firstEight = PlanInstaller.of(net, data, s.withCalibrationImages(32).withEqualizationImages(8), 16).exec().param("stem_bn/gamma");
    INDArray all = PlanInstaller.of(net, data, s.withCalibrationImages(32).withEqualizationImages(Integer.MAX_VALUE), 16).exec().param("stem_bn/gamma");
    assertEquals(eight, firstEight);
    assertNotEquals(eight, all, "32 images' largest activations give other scales than their first 8's");
    assertEquals(8, s.withCalibrationImages(8).withEqualizationImages(256).equalizationImagesUsed());
  }

  @Test void aNetworkWithoutBatchNormHasNothingToEqualize() {
    Network lenet = ReferenceArchitectures.lenet5(1);
    assertTrue(!ActivationEqualization.appliesTo(lenet, 0.5, true));
    // an empty calibration: reading any layer's input would throw
    assertEquals(List.of(), ActivationEqualization.scales(lenet, new Calibration(Map.of()), 0.5, true));
  }

  @Test void theSettingIsOffOrAnAlphaInsideZeroOne() {
    var base = dev.hwc.cli.HwcConfig.load(null);
    assertEquals(0.5, CompressionSettings.from(base).activationEqualization());
    assertEquals(CompressionSettings.defaults(), CompressionSettings.from(base));
    assertEquals(0, CompressionSettings.from(ConfigFactory.parseString("hwc.compress.activation-equalization = off").withFallback(base)).activationEqualization());
    assertEquals(0.3, CompressionSettings.from(ConfigFactory.parseString("hwc.compress.activation-equalization = 0.3").withFallback(base)).activationEqualization());
    var e = assertThrows(IllegalArgumentException.class, () -> CompressionSettings.from(
        ConfigFactory.parseString("hwc.compress.activation-equalization = 1.5").withFallback(base)));
    assertEquals("hwc.compress.activation-equalization must be off or an alpha in (0, 1), was '1.5'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> CompressionSettings.from(
        ConfigFactory.parseString("hwc.compress.activation-equalization = on").withFallback(base)));
    assertEquals("hwc.compress.activation-equalization must be off or an alpha in (0, 1), was 'on'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ActivationEqualization.scales(twoChannels(new float[]{1, 1}), new Calibration(Map.of()), 1.0, true));
    assertEquals("activation equalization alpha must be in [0, 1), was 1.0", e.getMessage());
  }
}
