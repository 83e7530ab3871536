package dev.hwc.model;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NetworkTest {
  private static final ModelMetadata META = ModelMetadata.untrained("t", 0);

  @Test
  void infersShapesLayerShapesParamsAndMacs() {
    Network net = TinyNetworks.convDense();
    assertArrayEquals(new int[]{2, 2, 2}, net.outputShape("c"));
    assertArrayEquals(new int[]{8}, net.outputShape("f"));
    assertEquals(new LayerShape(0, "c", LayerKind.CONV, 1, 1, 3, 3, 2, 2, 2, 1, 0, 1), net.layerShape("c"));
    assertEquals(new LayerShape(1, "fc", LayerKind.DENSE, 1, 8, 1, 1, 2, 1, 1, 1, 0, 1), net.layerShape("fc"));
    // params: 8 + 2 + 16 + 2; MACs: conv 2·2·2·4 = 32, dense 8·2 = 16
    assertEquals(28, net.totalParams());
    assertEquals(48, net.totalMacs());
    assertEquals(LayerKind.DEPTHWISE_CONV, TinyNetworks.depthwiseResidual().layerShape("dw").kind());
    assertEquals(List.of("dw", "add"), TinyNetworks.depthwiseResidual().consumers("input").stream().map(Node::name).toList());
  }

  @Test
  void ancestorsFollowEveryBranchOfAResidualAdd() {
    Network net = TinyNetworks.depthwiseResidual();
    assertEquals(java.util.Set.of("input", "dw", "add", "pw"), net.ancestors("gap"));
    assertEquals(java.util.Set.of("input", "dw"), net.ancestors("add"));
    assertEquals(java.util.Set.of(), net.ancestors("input"));
    assertEquals("network: no node named x", assertThrows(IllegalArgumentException.class, () -> net.ancestors("x")).getMessage());
  }

  @Test
  void rejectsUnknownInput() {
    var nodes = List.<Node>of(new Node.Input("input", 1, 2, 2), new Node.Flatten("f", "nowhere"));
    var e = assertThrows(IllegalArgumentException.class, () -> new Network(nodes, Map.of(), META));
    assertEquals("node f: unknown input nowhere", e.getMessage());
  }

  @Test
  void rejectsWrongOrder() {
    var nodes = List.<Node>of(new Node.Input("input", 1, 2, 2), new Node.Flatten("f", "g"), new Node.Flatten("g", "f"));
    var e = assertThrows(IllegalArgumentException.class, () -> new Network(nodes, Map.of(), META));
    assertEquals("node f: input g comes later (cycle or wrong order)", e.getMessage());
  }

  @Test
  void rejectsMissingAndWrongShapedParams() {
    Network ok = TinyNetworks.convDense();
    Map<String, INDArray> p = new HashMap<>(ok.params());
    p.remove("fc/b");
    var e = assertThrows(IllegalArgumentException.class, () -> new Network(ok.nodes(), p, META));
    assertEquals("node fc: missing parameter fc/b", e.getMessage());
    p.put("fc/b", TinyNetworks.arr(new float[]{0, 0, 0}, 3));
    e = assertThrows(IllegalArgumentException.class, () -> new Network(ok.nodes(), p, META));
    assertEquals("node fc: parameter fc/b has shape [3], expected [2]", e.getMessage());
    p.put("fc/b", TinyNetworks.arr(new float[]{0, 0}, 2));
    p.put("ghost/W", TinyNetworks.arr(new float[]{0}, 1));
    e = assertThrows(IllegalArgumentException.class, () -> new Network(ok.nodes(), p, META));
    assertEquals("network: parameter ghost/W belongs to no node", e.getMessage());
  }

  @Test
  void rejectsChannelMismatch() {
    var nodes = List.<Node>of(new Node.Input("input", 1, 4, 4), new Node.Conv2d("c", "input", 3, 2, 3, 3, 1, 0, 1, false));
    var e = assertThrows(IllegalArgumentException.class, () -> new Network(nodes, Map.of(), META));
    assertEquals("node c: expects 3 input channels, gets 1", e.getMessage());
  }
}
