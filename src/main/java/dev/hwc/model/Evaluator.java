package dev.hwc.model;

import dev.hwc.data.Dataset;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Top-1 accuracy and inference speed of an {@link ExecutableNetwork} on a {@link Dataset}. */
public final class Evaluator {
  /** Batch size of evaluation: of 256, 500 and 1000, 500 measured fastest here (docs/models.md). */
  public static final int DEFAULT_BATCH = 500;

  /** Accuracy in [0,1], images per second of the timed part (the first batch is a warm-up and not timed). */
  public record Result(int images, int correct, double accuracy, double imagesPerSecond, double seconds) {}

  private Evaluator() {}

  public static Result evaluate(ExecutableNetwork net, Dataset data) {
    return evaluate(net, data, DEFAULT_BATCH);
  }

  public static Result evaluate(ExecutableNetwork net, Dataset data, int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
    int n = data.size();
    if (n == 0) throw new IllegalArgumentException("dataset " + data.name() + " is empty");
    int correct = 0;
    long timedNanos = 0;
    int timedImages = 0;
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      INDArray x = data.batch(from, to);
      long t0 = System.nanoTime();
      INDArray logits = net.output(x);
      int[] predicted = argmaxRows(logits);
      long dt = System.nanoTime() - t0;
      if (from > 0) {
        timedNanos += dt;
        timedImages += to - from;
      }
      for (int i = 0; i < predicted.length; i++) if (predicted[i] == data.labels()[from + i]) correct++;
    }
    double seconds = timedNanos / 1e9;
    double ips = timedImages == 0 || timedNanos == 0 ? Double.NaN : timedImages / seconds;
    return new Result(n, correct, correct / (double) n, ips, seconds);
  }

  /** Index of the largest value of each row (the first one on ties). */
  public static int[] argmaxRows(INDArray logits) {
    float[][] v = logits.toFloatMatrix();
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      int best = 0;
      for (int j = 1; j < v[i].length; j++) if (v[i][j] > v[i][best]) best = j;
      out[i] = best;
    }
    return out;
  }
}
