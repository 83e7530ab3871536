package dev.hwc.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * How a search worker evaluates candidates (from {@code hwc.model}: {@code eval-batch-size} and
 * {@code early-rejection}). The accuracy-loss bound itself is the search's ({@code hwc.search.max-accuracy-loss}).
 */
public record EvaluationSettings(int batchSize, boolean earlyRejection, double confidence) {

  public EvaluationSettings {
    if (batchSize < 1) throw new IllegalArgumentException("hwc.model.eval-batch-size must be >= 1, was " + batchSize);
    if (!(confidence > 0 && confidence < 1))
      throw new IllegalArgumentException("hwc.model.early-rejection.confidence must be in (0, 1), was " + confidence);
  }

  public static EvaluationSettings from(Config root) {
    try {
      Config m = root.getConfig("hwc.model");
      return new EvaluationSettings(m.getInt("eval-batch-size"), m.getBoolean("early-rejection.enabled"),
          m.getDouble("early-rejection.confidence"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("configuration: " + e.getMessage(), e);
    }
  }

  /**
   * The early-rejection rule of one search against its baseline accuracy (in [0, 1], on the same prepared subset)
   * and {@code maxLossPoints} (percentage points), or null when early rejection is off: pass it straight to
   * {@link Evaluator#evaluate(ExecutableNetwork, Evaluator.Batches, Evaluator.EarlyRejection)}.
   */
  public Evaluator.EarlyRejection earlyRejection(double baselineAccuracy, double maxLossPoints) {
    return earlyRejection ? new Evaluator.EarlyRejection(baselineAccuracy, maxLossPoints, confidence) : null;
  }
}
