package dev.hwc.search;

import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.LayerDecision;
import dev.hwc.search.CompressionBackend.LayerOutcome;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;

import java.util.List;

/**
 * Does the DNN work over a {@link CompressionBackend}: compresses layer by layer within an episode, and evaluates an
 * episode's whole plan. Blocking, so it runs on {@link #DISPATCHER}. In one process two of these share the backend,
 * one taking the layer steps and one the evaluations, so the next episode's layers are compressed while an
 * evaluation runs. Failures come back as {@link StatusReply#error}.
 */
public final class CompressionWorker {
  private CompressionWorker() {}

  /** The dispatcher (conf/pekko.conf) to spawn this actor on. */
  public static final DispatcherSelector DISPATCHER = DispatcherSelector.fromConfig("hwc-blocking-dispatcher");

  public sealed interface Command extends JsonSerializable {}

  /** Step 0 starts episode {@code episode} from the base model. */
  public record CompressLayer(int episode, int step, LayerDecision decision,
                              ActorRef<StatusReply<LayerCompressed>> replyTo) implements Command {}

  public record LayerCompressed(int episode, int step, List<LayerOutcome> outcomes) implements JsonSerializable {}

  /** Also the coordinator's request to a {@link WorkDispatcher} in cluster mode. */
  public record Evaluate(int episode, CompressionPlan plan, ActorRef<StatusReply<PlanEvaluated>> replyTo)
      implements Command, WorkDispatcher.Command {}

  /** {@code firstBatchAccuracy}: see {@link CompressionBackend.Accuracy}. */
  public record PlanEvaluated(int episode, double accuracy, double firstBatchAccuracy) implements JsonSerializable {}

  /** DEBUG (HWC_LOG_LEVEL=DEBUG): the worker's time per episode, to compare with the episode's wall time in the journal. */
  private static final org.slf4j.Logger TIMING = org.slf4j.LoggerFactory.getLogger(CompressionWorker.class.getName() + ".timing");

  public static Behavior<Command> create(CompressionBackend backend) {
    long[] compressNanos = {0};
    return Behaviors.setup(ctx -> Behaviors.receive(Command.class)
        .onMessage(CompressLayer.class, m -> {
          long t0 = System.nanoTime();
          if (m.step() == 0) compressNanos[0] = 0;
          try {
            m.replyTo().tell(StatusReply.success(new LayerCompressed(m.episode(), m.step(),
                backend.compressLayer(m.episode(), m.step(), m.decision()))));
          } catch (RuntimeException e) {
            ctx.getLog().error("compressing step {} of episode {} failed", m.step(), m.episode(), e);
            m.replyTo().tell(StatusReply.error("compressing step " + m.step() + " of episode " + m.episode() + ": " + e.getMessage()));
          }
          compressNanos[0] += System.nanoTime() - t0;
          if (m.step() == backend.decisionLayers().size() - 1)
            TIMING.debug("episode {} compressed in {} ms", m.episode(), compressNanos[0] / 1_000_000);
          return Behaviors.same();
        })
        .onMessage(Evaluate.class, m -> {
          long t0 = System.nanoTime();
          try {
            CompressionBackend.Accuracy accuracy = backend.evaluate(m.episode(), m.plan());
            TIMING.debug("episode {} evaluated in {} ms", m.episode(), (System.nanoTime() - t0) / 1_000_000);
            m.replyTo().tell(StatusReply.success(new PlanEvaluated(m.episode(), accuracy.accuracy(), accuracy.firstBatch())));
          } catch (RuntimeException e) {
            ctx.getLog().error("evaluating episode {} failed", m.episode(), e);
            m.replyTo().tell(StatusReply.error("evaluating episode " + m.episode() + ": " + e.getMessage()));
          }
          return Behaviors.same();
        })
        .build());
  }
}
