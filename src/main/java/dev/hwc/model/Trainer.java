package dev.hwc.model;

import dev.hwc.data.Dataset;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains a {@link Network} in SameDiff: softmax cross-entropy on the logits, Adam with a per-epoch step decay, seeded
 * shuffling. BatchNorm uses batch statistics while training; its inference statistics are then estimated exactly
 * over {@code bnCalibrationImages} training images passed through the training-mode graph ("precise BN": the mean
 * of the batch means and the mean batch variance plus the variance of the batch means), after every epoch.
 */
public final class Trainer {

  /** One line of progress per epoch. */
  /** Loss and accuracy are measured in inference mode on the first 5,000 training images. */
  public record EpochReport(int epoch, double loss, double trainAccuracy, double seconds, double learningRate) {
    @Override
    public String toString() {
      return String.format("epoch %d: loss %.4f, train acc %.4f, lr %.5f, %.1f s", epoch, loss, trainAccuracy, learningRate, seconds);
    }
  }

  private final TrainSettings settings;
  private final Consumer<EpochReport> progress;

  public Trainer(TrainSettings settings, Consumer<EpochReport> progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /**
   * Trains on {@code train} and returns the trained network; metadata gets epochs and training seconds (test accuracy
   * and fingerprint are the caller's, see {@link #finish}).
   */
  public Network train(Network initial, Dataset train) {
    long start = System.nanoTime();
    Nd4j.getRandom().setSeed(settings.seed());
    SameDiff sd = SameDiffGraph.build(initial, true, java.util.Set.of());
    String logitsName = SameDiffGraph.out(initial.nodes().get(initial.nodes().size() - 1).name());
    SDVariable logits = sd.getVariable(logitsName);
    int classes = initial.numClasses();
    SDVariable label = sd.placeHolder(SameDiffGraph.LABEL, DataType.FLOAT, -1, classes);
    sd.loss().softmaxCrossEntropy(SameDiffGraph.LOSS, label, logits, null);
    sd.setLossVariables(SameDiffGraph.LOSS);
    int n = train.size();
    int batchesPerEpoch = (n + settings.batchSize() - 1) / settings.batchSize();
    StepSchedule lr = new StepSchedule(ScheduleType.ITERATION, settings.learningRate(), settings.learningRateDecay(), batchesPerEpoch);
    sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(lr))
        .dataSetFeatureMapping(SameDiffGraph.INPUT).dataSetLabelMapping(SameDiffGraph.LABEL).build());

    INDArray flat = train.images().reshape(n, -1);
    long[] imageShape = train.images().shape();
    Random rng = new Random(settings.seed());
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Map<String, INDArray> bnStats = new HashMap<>();
    int iteration = 0;
    for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
      long t0 = System.nanoTime();
      shuffle(order, rng);
      for (int b = 0; b < batchesPerEpoch; b++) {
        int from = b * settings.batchSize();
        int to = Math.min(n, from + settings.batchSize());
        int[] idx = java.util.Arrays.copyOfRange(order, from, to);
        INDArray x = Nd4j.pullRows(flat, 1, idx).reshape(idx.length, imageShape[1], imageShape[2], imageShape[3]);
        INDArray y = oneHot(train.labels(), idx, classes);
        sd.fit(new DataSet(x, y));
        iteration++;
        if (iteration % settings.gcEveryBatches() == 0) System.gc(); // off-heap buffers go only with their wrappers (STACK.md pitfall 4)
      }
      bnStats = estimateBatchNormStatistics(sd, initial, train);
      Network current = collect(sd, initial, bnStats);
      double[] lossAcc = lossAndAccuracy(ExecutableNetwork.of(current), train.limit(Math.min(n, 5000)));
      double seconds = (System.nanoTime() - t0) / 1e9;
      progress.accept(new EpochReport(epoch, lossAcc[0], lossAcc[1], seconds, lr.valueAt(iteration - 1, epoch - 1)));
      System.gc();
    }
    Network trained = collect(sd, initial, bnStats);
    double seconds = (System.nanoTime() - start) / 1e9;
    ModelMetadata m = trained.metadata();
    return trained.withMetadata(m.withTraining(settings.epochs(), m.testAccuracy(), Math.round(seconds * 10) / 10.0,
        m.datasetFingerprint(), m.created(), m.extra()));
  }

  /**
   * Adds the final figures to a trained network: test accuracy, data fingerprint, the images it was trained on (the
   * training split less the search holdout of {@code holdoutSize} images at {@code holdoutSeed}), creation time,
   * training settings.
   */
  public Network finish(Network trained, double testAccuracy, String datasetFingerprint, String trainingImages,
                        int holdoutSize, long holdoutSeed) {
    ModelMetadata m = trained.metadata();
    Map<String, String> extra = new HashMap<>(m.extra());
    extra.put("training-images", trainingImages);
    extra.put(Network.HOLDOUT_SIZE_KEY, Integer.toString(holdoutSize));
    extra.put(Network.HOLDOUT_SEED_KEY, Long.toString(holdoutSeed));
    extra.put("input-normalisation", "pixel/255 (no mean/std)");
    extra.put("optimizer", "adam");
    extra.put("batch-size", Integer.toString(settings.batchSize()));
    extra.put("learning-rate", Double.toString(settings.learningRate()));
    extra.put("learning-rate-decay-per-epoch", Double.toString(settings.learningRateDecay()));
    extra.put("bn-calibration-images", Integer.toString(settings.bnCalibrationImages()));
    return trained.withMetadata(m.withTraining(m.epochs(), testAccuracy, m.trainingSeconds(), datasetFingerprint,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), extra)
        .withFigures(trained.totalParams(), trained.totalMacs()));
  }

  /** BatchNorm inference statistics over the first {@code bnCalibrationImages} training images, in batches of 500. */
  private Map<String, INDArray> estimateBatchNormStatistics(SameDiff sd, Network net, Dataset train) {
    int batch = 500;
    int images = Math.min(settings.bnCalibrationImages(), train.size());
    List<INDArray> batches = new ArrayList<>();
    for (int from = 0; from == 0 || from + batch <= images; from += batch) batches.add(train.batch(from, Math.min(images, from + batch)));
    return SameDiffGraph.batchNormStatistics(sd, net, batches, bn -> true);
  }

  private static Network collect(SameDiff sd, Network net, Map<String, INDArray> bnStats) {
    Map<String, INDArray> p = new HashMap<>();
    for (String k : net.params().keySet()) {
      if (bnStats.containsKey(k)) p.put(k, bnStats.get(k));
      else if (sd.hasVariable(k) && sd.getVariable(k).getVariableType() == VariableType.VARIABLE) p.put(k, sd.getVariable(k).getArr().dup());
      else p.put(k, net.params().get(k));
    }
    return net.withParams(p);
  }

  /** Mean softmax cross-entropy and top-1 accuracy (inference mode) on a dataset. */
  static double[] lossAndAccuracy(ExecutableNetwork net, Dataset data) {
    double loss = 0;
    int correct = 0;
    for (int from = 0; from < data.size(); from += 500) {
      int to = Math.min(data.size(), from + 500);
      float[][] z = net.output(data.batch(from, to)).toFloatMatrix();
      for (int i = 0; i < z.length; i++) {
        int label = data.labels()[from + i];
        double max = Double.NEGATIVE_INFINITY;
        int best = 0;
        for (int j = 0; j < z[i].length; j++) if (z[i][j] > max) { max = z[i][j]; best = j; }
        double sum = 0;
        for (float v : z[i]) sum += Math.exp(v - max);
        loss += Math.log(sum) + max - z[i][label];
        if (best == label) correct++;
      }
    }
    return new double[]{loss / data.size(), correct / (double) data.size()};
  }

  private static INDArray oneHot(int[] labels, int[] idx, int classes) {
    float[] v = new float[idx.length * classes];
    for (int i = 0; i < idx.length; i++) v[i * classes + labels[idx[i]]] = 1f;
    return Nd4j.create(v, new long[]{idx.length, classes}, 'c');
  }

  private static void shuffle(int[] a, Random rng) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
