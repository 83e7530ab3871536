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
  void predictionsAreEveryImagesClassInOrderAtAnyBatchSize() {
    INDArray x = Nd4j.create(new float[]{.9f, .1f, .2f, .8f, .4f, .6f, .7f, .3f, 0f, 1f}, new long[]{5, 1, 1, 2}, 'c');
    Dataset d = new Dataset("tiny", x, new int[]{0, 1, 0, 0, 0}, 2);
    for (int batch : new int[]{1, 2, 256})
      assertArrayEquals(new int[]{0, 1, 1, 0, 1}, Evaluator.predictions(ExecutableNetwork.of(argmaxNet()), d, batch), "batch " + batch);
  }

  @Test
  void argmaxTakesTheFirstOfTies() {
    assertArrayEquals(new int[]{1, 0}, Evaluator.argmaxRows(Nd4j.create(new float[][]{{0, 2, 2}, {5, 5, 1}})));
  }

  /** 20 images whose larger pixel is first; {@code right} of them labelled 0 (predicted right), the rest 1. */
  private static Dataset firstPixelLarger(int right) {
    float[] px = new float[40];
    int[] labels = new int[20];
    for (int i = 0; i < 20; i++) {
      px[2 * i] = 1f;
      labels[i] = i < right ? 0 : 1;
    }
    return new Dataset("twenty", Nd4j.create(px, new long[]{20, 1, 1, 2}, 'c'), labels, 2);
  }

  @Test
  void preparedBatchesGiveTheSameCountsAsTheDataset() {
    Dataset d = firstPixelLarger(13);
    Evaluator.Batches b = Evaluator.Batches.of(d, 6);
    assertEquals(4, b.count()); // 6 + 6 + 6 + 2
    assertEquals(20, b.size());
    Evaluator.Outcome o = Evaluator.evaluate(ExecutableNetwork.of(argmaxNet()), b);
    assertEquals(13, o.correct());
    assertEquals(20, o.images());
    assertEquals(0.65, o.accuracy(), 1e-12);
    assertEquals(false, o.rejectedEarly());
    // the first batch of 6 holds 6 of the 13 images the net gets right
    assertEquals(6, o.firstBatchImages());
    assertEquals(1.0, o.firstBatchAccuracy(), 1e-12);
    assertEquals(Evaluator.evaluate(ExecutableNetwork.of(argmaxNet()), d, 6).correct(), o.correct());
  }

  @Test
  void earlyRejectionStopsAHopelessCandidate() {
    // baseline 1.0, 30 points tolerated ⇒ threshold 0.7; 20 images in batches of 4 ⇒ 5 looks, α per look 0.001/5.
    // All wrong: after 4 images 16/20 = 0.8 is still reachable and U = 1 − 0.0002^(1/4) = 0.881 ≥ 0.7;
    // after 8, U = 1 − 0.0002^(1/8) = 0.655 < 0.7 (and 12/20 = 0.6 is the most reachable) ⇒ rejected at 8.
    Evaluator.Batches b = Evaluator.Batches.of(firstPixelLarger(0), 4);
    var early = new Evaluator.EarlyRejection(1.0, 30.0, 0.999);
    Evaluator.Outcome o = Evaluator.evaluate(ExecutableNetwork.of(argmaxNet()), b, early);
    assertEquals(true, o.rejectedEarly());
    assertEquals(8, o.images());
    assertEquals(0, o.correct());
    assertEquals(4, o.firstBatchImages());
    assertEquals(0.0, o.firstBatchAccuracy());
    assertEquals(20, o.total());
    // all right: never rejected, all 20 evaluated
    Evaluator.Outcome ok = Evaluator.evaluate(ExecutableNetwork.of(argmaxNet()), Evaluator.Batches.of(firstPixelLarger(20), 4), early);
    assertEquals(false, ok.rejectedEarly());
    assertEquals(20, ok.images());
    assertEquals(1.0, ok.accuracy());
  }
}
