package dev.hwc.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ModelGraphTest {
  private static Node.Conv2d conv(String n, String in, int ci, int co, int k, int s, int p) {
    return new Node.Conv2d(n, in, ci, co, k, k, s, p, 1, false);
  }

  /** stem -> [a1 -> a2] + stem (identity) -> relu -> [b1 -> b2] + proj -> gap -> fc; stem also feeds a depthwise chain */
  private static final List<Node> RESIDUAL = List.of(
      new Node.Input("input", 1, 8, 8),
      conv("stem", "input", 1, 4, 3, 1, 1),
      new Node.BatchNorm("stem_bn", "stem", 4, 1e-5),
      new Node.Activation("stem_relu", "stem_bn", Node.Activation.Kind.RELU),
      conv("a1", "stem_relu", 4, 4, 3, 1, 1),
      conv("a2", "a1", 4, 4, 3, 1, 1),
      new Node.Add("add1", List.of("a2", "stem_relu")),
      new Node.Activation("relu1", "add1", Node.Activation.Kind.RELU),
      conv("b1", "relu1", 4, 6, 3, 2, 1),
      new Node.Conv2d("dw", "b1", 6, 6, 3, 3, 1, 1, 6, false),
      conv("b2", "dw", 6, 6, 1, 1, 0),
      conv("proj", "relu1", 4, 6, 1, 2, 0),
      new Node.Add("add2", List.of("b2", "proj")),
      new Node.GlobalAvgPool("gap", "add2"),
      new Node.Dense("fc", "gap", 6, 3, true));

  @Test void residualAddsFormGroupsLedByTheirFirstLayer() {
    ModelGraph g = ModelGraph.of(RESIDUAL);
    assertEquals(List.of("stem", "a1", "a2", "b1", "dw", "b2", "proj", "fc"), g.names());
    var g1 = g.outputGroup("a2");
    assertEquals(List.of("stem", "a2"), g1.owners());
    assertEquals("stem", g1.leader());
    assertEquals(List.of("stem_bn"), g1.batchNorms());
    assertEquals(List.of("a1", "b1", "proj"), g1.consumers().stream().map(ModelGraph.Consumer::layer).toList());
    assertTrue(g.decidesOutputChannels("stem"));
    assertFalse(g.decidesOutputChannels("a2"));            // follows stem
    assertTrue(g.decidesOutputChannels("a1"));
    // depthwise dw carries b1's channels and never decides them
    assertSame(g.outputGroup("b1"), g.outputGroup("dw"));
    assertEquals(List.of("dw"), g.outputGroup("b1").depthwise());
    assertFalse(g.decidesOutputChannels("dw"));
    assertEquals(List.of("b2"), g.consumers("b1").subList(1, 2));
    // b2 + proj reach the classifier through gap: a prunable group; the classifier's own outputs are not
    assertEquals(List.of("b2", "proj"), g.outputGroup("proj").owners());
    assertTrue(g.outputGroup("b2").prunable());
    assertFalse(g.decidesOutputChannels("fc"));
    assertFalse(g.inputGroup("stem").prunable());
    assertEquals(List.of("b2", "proj"), g.producers("fc"));
  }

  @Test void shapesAndMacsFollowTheMaps() {
    ModelGraph g = ModelGraph.of(RESIDUAL);
    LayerShape b1 = g.layer("b1").shape();
    assertEquals(8, b1.h());
    assertEquals(4, b1.e());                         // stride 2, pad 1, 3×3 on 8×8
    assertEquals(4L * 4 * 6 * 4 * 9, b1.macs());
    assertEquals(LayerKind.DEPTHWISE_CONV, g.layer("dw").kind());
    assertEquals(4L * 4 * 6 * 9, g.layer("dw").macs());
    assertEquals(6 * 3 + 3, g.layer("fc").params());
  }

  @Test void weightDensityIsNonZeroOverTheOriginalWeightsClampedToOne() {
    LayerShape conv = new LayerShape(0, "c", LayerKind.CONV, 1, 4, 8, 8, 6, 3, 3, 1, 1, 1);   // 6·4·9 = 216 weights
    assertEquals(216, conv.weights());
    assertEquals(54.0 / 216, conv.weightDensity(54), 1e-15);
    assertEquals(0.0, conv.weightDensity(0));
    assertEquals(1.0, conv.weightDensity(300));       // never above dense
    LayerShape dw = new LayerShape(1, "dw", LayerKind.DEPTHWISE_CONV, 1, 6, 8, 8, 6, 3, 3, 1, 1, 6);   // 6·1·9
    assertEquals(0.5, dw.weightDensity(27), 1e-15);
  }

  @Test void denseAfterFlattenReadsHxWBlocksPerChannel() {
    List<Node> net = List.of(new Node.Input("input", 1, 6, 6), conv("c", "input", 1, 5, 3, 1, 0),
        new Node.Pool("p", "c", Node.Pool.Type.MAX, 2, 2, 0), new Node.Flatten("f", "p"), new Node.Dense("fc", "f", 5 * 4, 2, true));
    ModelGraph g = ModelGraph.of(net);
    assertEquals(4, g.inputBlock("fc"));
    assertEquals(List.of("fc"), g.consumers("c"));
    var e = assertThrows(IllegalArgumentException.class, () -> ModelGraph.of(List.of(new Node.Input("input", 1, 6, 6),
        conv("c", "input", 1, 5, 3, 1, 0), new Node.Flatten("f", "c"), new Node.Dense("fc", "f", 20, 2, true))));
    assertEquals("dense 'fc' expects 20 input features, gets 80", e.getMessage());
  }

  @Test void referenceArchitecturesHaveTheExpectedGroups() {
    for (String arch : ReferenceArchitectures.NAMES) {
      Network net = ReferenceArchitectures.create(arch, 1);
      ModelGraph g = ModelGraph.of(net);                 // also checks the shapes against Network.layerShapes()
      assertEquals(net.totalMacs(), g.totalMacs(), arch);
      String last = g.names().get(g.names().size() - 1);
      assertFalse(g.decidesOutputChannels(last), arch + ": the classifier's outputs are never pruned");
      assertFalse(g.inputGroup(g.names().get(0)).prunable(), arch + ": the input channels are never pruned");
    }
    ModelGraph lenet = ModelGraph.of(ReferenceArchitectures.lenet5(1));
    assertEquals(25, lenet.inputBlock("fc1"));           // conv2's 16 channels of 5×5 flattened into 400 features
    assertEquals(List.of("conv1", "conv2", "fc1", "fc2"), lenet.names().stream().filter(lenet::decidesOutputChannels).toList());

    ModelGraph resnet = ModelGraph.of(ReferenceArchitectures.resnetSmall(1));
    // block1 has an identity shortcut: the stem and block1_conv2 share one selection, the stem decides
    assertEquals(List.of("stem", "block1_conv2"), resnet.outputGroup("block1_conv2").owners());
    assertEquals(List.of("stem_bn", "block1_conv2_bn"), resnet.outputGroup("stem").batchNorms());
    assertEquals(java.util.Optional.of("block2_proj_bn"), resnet.batchNorm("block2_proj"));
    assertEquals(java.util.Optional.empty(), resnet.batchNorm("fc"));
    assertEquals(List.of("block2_conv2", "block2_proj"), resnet.outputGroup("block2_proj").owners());
    assertEquals(List.of("block3_conv2", "block3_proj"), resnet.outputGroup("block3_conv2").owners());
    assertEquals(List.of("stem", "block1_conv1", "block2_conv1", "block2_conv2", "block3_conv1", "block3_conv2"),
        resnet.names().stream().filter(resnet::decidesOutputChannels).toList());

    ModelGraph mobilenet = ModelGraph.of(ReferenceArchitectures.mobilenetSmall(1));
    assertEquals(List.of("dw1"), mobilenet.outputGroup("stem").depthwise());
    assertEquals(List.of("stem_bn", "dw1_bn"), mobilenet.outputGroup("stem").batchNorms());
    assertEquals(List.of("pw1"), mobilenet.consumers("stem").subList(1, 2));
    assertEquals(List.of("stem", "pw1", "pw2", "pw3"), mobilenet.names().stream().filter(mobilenet::decidesOutputChannels).toList());
  }

  @Test void concatenationsAreReadAtOffsetsAndSlicesAndShufflesRestrictTheLayersWritingThem() {
    ModelGraph g = ModelGraph.of(GraphFixtures.create("concat-small", 1));
    assertEquals(java.util.Map.of(
        "mix", "its channels are sliced by 'left'",
        "right_conv", "its channels are shuffled by 'shuffle'"), g.coarseRestrictions());
    // cat = [pooled stem 8 | a 6 | c 4]: the bottleneck and the BatchNorm before it read the three groups at offsets
    var segs = g.inputSegments("bottleneck");
    assertEquals(java.util.List.of(0, 8, 14), segs.stream().map(ModelGraph.Segment::offset).toList());
    assertEquals(java.util.List.of(g.outputGroup("stem"), g.outputGroup("a"), g.outputGroup("c")),
        segs.stream().map(ModelGraph.Segment::group).toList());
    assertEquals(segs, g.batchNormSegments("cat_bn"));
    assertTrue(g.decidesOutputChannels("stem") && g.decidesOutputChannels("a") && g.decidesOutputChannels("c"));
    assertEquals(java.util.List.of("a", "c", "bottleneck"), g.consumers("stem"));
    assertEquals(java.util.List.of("stem", "a", "c"), g.producers("bottleneck"));
    // the ceil-rounded 3/2 pool takes 28 to 14 (floor rounding: 13)
    assertEquals(14, g.layer("a").shape().h());
    assertEquals(18, g.layer("bottleneck").shape().c());
    assertEquals(8 * 7 * 7, g.layer("fc").shape().c());
  }

  @Test void aGroupReadTwiceInOneConcatenationIsRestricted() {
    List<Node> nodes = List.of(new Node.Input("in", 1, 8, 8), conv("a", "in", 1, 4, 3, 1, 1),
        new Node.Concat("cat", List.of("a", "a")), conv("b", "cat", 8, 2, 1, 1, 0));
    ModelGraph g = ModelGraph.of(nodes);
    assertEquals(java.util.Map.of("a", "'b' reads its channels at two offsets"), g.coarseRestrictions());
  }

  @Test void ceilRoundingKeepsTheLastWindowStartingInsideTheInput() {
    Node.Pool p = new Node.Pool("p", "x", Node.Pool.Type.MAX, 3, 2, 0, true);
    assertEquals(14, p.outputSize(28));   // windows start at 0, 2, ..., 26
    assertEquals(1, p.overhang(28));
    assertEquals(13, new Node.Pool("p", "x", Node.Pool.Type.MAX, 3, 2, 0).outputSize(28));
    assertEquals(2, new Node.Pool("p", "x", Node.Pool.Type.MAX, 2, 2, 0, true).outputSize(4));   // no window starts past it
    Node.Pool padded = new Node.Pool("p", "x", Node.Pool.Type.MAX, 3, 2, 1, true);
    assertEquals(4, padded.outputSize(7));   // ceil(6 / 2) + 1 = 5, but the window at 8 starts in the trailing pad
    assertThrows(IllegalArgumentException.class, () -> new Node.Pool("p", "x", Node.Pool.Type.AVG, 3, 2, 0, true));
  }
}
