package dev.hwc.model;

import dev.hwc.data.Dataset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EvaluatorTest {
  /** input 1×1×2 → flatten → dense 2→2 with W = I: the predicted class is the position of the larger pixel. */
  private static Network argmaxNet() {
    List<Node> nodes = List.of(new Node.Input("input", 1, 1, 2), new Node.Flatten("f", "input"), new Node.Dense("fc", "f", 2, 2, false));
    return new Network(nodes, Map.of("fc/W", Nd4j.eye(2).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)), ModelMetadata.untrained("argmax", 0));
  }

  @Test
  void accuracyIsTheShareOfRightPredictions() {
    // images' predicted classes: 0, 1, 1, 0, 1; labels 0, 1, 0, 0, 0 -> 3 of 5 right
    INDArray x = Nd4j.create(new float[]{.9f, .1f, .2f, .8f, .4f, .6f, .7f, .3f, 0f, 1f}, new long[]{5, 1, 1, 2}, 'c');
    Dataset d = new Dataset("tiny", x, new int[]{0, 1, 0, 0, 0}, 2);
    for (int batch : new int[]{1, 2, 256}) {
      Evaluator.Result r = Evaluator.evaluate(ExecutableNetwork.of(argmaxNet()), d, batch);
      assertEquals(3, r.correct(), "batch " + batch);
      assertEquals(0.6, r.accuracy(), 1e-12);
      assertEquals(5, r.images());
    }
  }

  @Test
  void argmaxTakesTheFirstOfTies() {
    assertArrayEquals(new int[]{1, 0}, Evaluator.argmaxRows(Nd4j.create(new float[][]{{0, 2, 2}, {5, 5, 1}})));
  }
}
