package dev.hwc.model;

import dev.hwc.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Top-1 accuracy and inference speed of an {@link ExecutableNetwork} on a {@link Dataset}. */
public final class Evaluator {
  /** Batch size of evaluation: 128 (docs/performance.md). */
  public static final int DEFAULT_BATCH = 128;

  /** Accuracy in [0,1], images per second of the timed part (the first batch is a warm-up and not timed). */
  public record Result(int images, int correct, double accuracy, double imagesPerSecond, double seconds) {}

  /**
   * A dataset cut once into float, contiguous, C-order batches with their labels: what a worker prepares once and
   * reuses for every episode, so no evaluation slices, casts or copies the dataset again (docs/performance.md).
   */
  public record Batches(String name, List<INDArray> inputs, List<int[]> labels, int size, int batchSize) {
    public Batches {
      inputs = List.copyOf(inputs);
      labels = List.copyOf(labels);
      if (inputs.size() != labels.size()) throw new IllegalArgumentException(name + ": " + inputs.size() + " input batches but " + labels.size() + " label batches");
    }

    public static Batches of(Dataset data, int batchSize) {
      if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
      int n = data.size();
      if (n == 0) throw new IllegalArgumentException("dataset " + data.name() + " is empty");
      List<INDArray> in = new ArrayList<>();
      List<int[]> lab = new ArrayList<>();
      for (int from = 0; from < n; from += batchSize) {
        int to = Math.min(n, from + batchSize);
        in.add(data.batch(from, to).castTo(DataType.FLOAT).dup('c'));
        lab.add(data.labels(from, to));
      }
      return new Batches(data.name(), in, lab, n, batchSize);
    }

    public int count() {
      return inputs.size();
    }
  }

  /**
   * The result of a (possibly early-stopped) evaluation: {@code correct} of the first {@code images} of {@code total}
   * images were right; {@code rejectedEarly} when the early-rejection rule stopped it before the end (then
   * {@link #accuracy()} is the accuracy so far, not the subset's). {@code seconds} is the wall time of the whole call.
   * {@code firstBatchCorrect} of the first batch's {@code firstBatchImages}: every evaluation looks at that batch,
   * stopped early or not.
   */
  public record Outcome(int images, int correct, int total, boolean rejectedEarly, double seconds,
                        int firstBatchImages, int firstBatchCorrect) {
    public double accuracy() {
      return images == 0 ? Double.NaN : correct / (double) images;
    }

    public double firstBatchAccuracy() {
      return firstBatchImages == 0 ? Double.NaN : firstBatchCorrect / (double) firstBatchImages;
    }

    public boolean complete() {
      return images == total;
    }
  }

  /**
   * Early rejection of one candidate: stop once its accuracy is below {@code baseline − maxLossPoints/100} with
   * probability at least {@code confidence} ({@link AccuracyBound.Rule}, checked after every batch).
   */
  public record EarlyRejection(double baseline, double maxLossPoints, double confidence) {
    public EarlyRejection {
      new AccuracyBound.Rule(baseline, maxLossPoints, confidence, 1, 1); // validates, naming the field
    }

    AccuracyBound.Rule rule(Batches data) {
      return new AccuracyBound.Rule(baseline, maxLossPoints, confidence, data.size(), data.count());
    }
  }

  private Evaluator() {}

  /** Top-1 over every prepared batch. */
  public static Outcome evaluate(ExecutableNetwork net, Batches data) {
    return evaluate(net, data, (EarlyRejection) null);
  }

  /**
   * Top-1 over the prepared batches in order, stopping after the first batch at which {@code early} (null: never)
   * rejects the candidate.
   */
  public static Outcome evaluate(ExecutableNetwork net, Batches data, EarlyRejection early) {
    AccuracyBound.Rule rule = early == null ? null : early.rule(data);
    long t0 = System.nanoTime();
    int correct = 0, seen = 0, firstSeen = 0, firstCorrect = 0;
    for (int b = 0; b < data.count(); b++) {
      int[] predicted = argmaxRows(net.output(data.inputs().get(b)));
      int[] labels = data.labels().get(b);
      for (int i = 0; i < predicted.length; i++) if (predicted[i] == labels[i]) correct++;
      seen += labels.length;
      if (b == 0) {
        firstSeen = seen;
        firstCorrect = correct;
      }
      if (rule != null && seen < data.size() && rule.rejects(correct, seen))
        return new Outcome(seen, correct, data.size(), true, (System.nanoTime() - t0) / 1e9, firstSeen, firstCorrect);
    }
    return new Outcome(seen, correct, data.size(), false, (System.nanoTime() - t0) / 1e9, firstSeen, firstCorrect);
  }

  public static Result evaluate(ExecutableNetwork net, Dataset data) {
    return evaluate(net, data, DEFAULT_BATCH);
  }

  public static Result evaluate(ExecutableNetwork net, Dataset data, int batchSize) {
    int[] predicted = new int[data.size()];
    long[] timed = predict(net, data, batchSize, predicted);
    int correct = 0;
    for (int i = 0; i < predicted.length; i++) if (predicted[i] == data.labels()[i]) correct++;
    double seconds = timed[0] / 1e9;
    double ips = timed[1] == 0 || timed[0] == 0 ? Double.NaN : timed[1] / seconds;
    return new Result(predicted.length, correct, correct / (double) predicted.length, ips, seconds);
  }

  /** The top-1 class of every image of {@code data}, in order: what {@link PairedAccuracy} pairs. */
  public static int[] predictions(ExecutableNetwork net, Dataset data, int batchSize) {
    int[] predicted = new int[data.size()];
    predict(net, data, batchSize, predicted);
    return predicted;
  }

  /** Fills {@code out} with the top-1 classes; returns the nanoseconds and images of the timed batches (all but the first, a warm-up). */
  private static long[] predict(ExecutableNetwork net, Dataset data, int batchSize, int[] out) {
    if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
    int n = data.size();
    if (n == 0) throw new IllegalArgumentException("dataset " + data.name() + " is empty");
    long timedNanos = 0, timedImages = 0;
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      INDArray x = data.batch(from, to);
      long t0 = System.nanoTime();
      int[] predicted = argmaxRows(net.output(x));
      long dt = System.nanoTime() - t0;
      if (from > 0) {
        timedNanos += dt;
        timedImages += to - from;
      }
      System.arraycopy(predicted, 0, out, from, predicted.length);
    }
    return new long[] {timedNanos, timedImages};
  }

  /** Index of the largest value of each row (the first one on ties). */
  public static int[] argmaxRows(INDArray logits) {
    if (logits.rank() != 2) throw new IllegalArgumentException("logits must be [N, classes], was " + Arrays.toString(logits.shape()));
    int n = (int) logits.size(0), k = (int) logits.size(1);
    // one flat copy instead of N row arrays (toFloatMatrix)
    float[] v = (logits.ordering() == 'c' ? logits : logits.dup('c')).reshape('c', new long[] {(long) n * k}).toFloatVector();
    int[] out = new int[n];
    for (int i = 0, o = 0; i < n; i++, o += k) {
      int best = 0;
      for (int j = 1; j < k; j++) if (v[o + j] > v[o + best]) best = j;
      out[i] = best;
    }
    return out;
  }
}
