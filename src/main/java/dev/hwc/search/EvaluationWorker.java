package dev.hwc.search;

import dev.hwc.compress.CompressionPlan;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Cluster mode, on a worker node: registers under {@link #KEY}, finds the running search's {@link WorkDispatcher}
 * through the Receptionist and pulls episodes from it one at a time. Each episode's plan is evaluated by a local
 * {@link CompressionWorker} (on its blocking dispatcher) over a backend built once per search from the job's model
 * and configuration; the result goes back keyed by episode id.
 */
public final class EvaluationWorker {
  private EvaluationWorker() {}

  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "hwc-evaluation-worker");

  /** Builds the compression backend of a search on this node (loads the model and data; blocking). */
  @FunctionalInterface
  public interface BackendFactory {
    CompressionBackend create(WorkDispatcher.SearchJob job);
  }

  public sealed interface Command extends JsonSerializable {}

  /** One episode to evaluate; the answer goes to {@code dispatcher}. */
  public record Work(WorkDispatcher.SearchJob job, int episode, CompressionPlan plan,
                     ActorRef<WorkDispatcher.Command> dispatcher) implements Command {}

  private record DispatchersListed(Receptionist.Listing listing) implements Command {}
  private record Evaluated(Work work, double accuracy, double firstBatchAccuracy, String error) implements Command {}

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EvaluationWorker.class);

  /** {@code evaluateTimeout}: how long one evaluation may take on this node before it counts as failed. */
  public static Behavior<Command> create(BackendFactory backends, Duration evaluateTimeout) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(WorkDispatcher.KEY,
          ctx.messageAdapter(Receptionist.Listing.class, DispatchersListed::new)));
      return new Worker(ctx, backends, evaluateTimeout).behavior();
    });
  }

  private static final class Worker {
    final ActorContext<Command> ctx;
    final BackendFactory backends;
    final Duration evaluateTimeout;
    final Deque<Work> pending = new ArrayDeque<>();
    Set<ActorRef<WorkDispatcher.Command>> dispatchers = Set.of();
    Work current;
    String jobKey;
    ActorRef<CompressionWorker.Command> evaluator;

    Worker(ActorContext<Command> ctx, BackendFactory backends, Duration evaluateTimeout) {
      this.ctx = ctx;
      this.backends = backends;
      this.evaluateTimeout = evaluateTimeout;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(DispatchersListed.class, m -> {
            Set<ActorRef<WorkDispatcher.Command>> now = m.listing().getServiceInstances(WorkDispatcher.KEY);
            Set<ActorRef<WorkDispatcher.Command>> added = new HashSet<>(now);
            added.removeAll(dispatchers);
            dispatchers = Set.copyOf(now);
            if (idle()) for (var d : added) d.tell(new WorkDispatcher.RequestWork(ctx.getSelf()));
            return Behaviors.same();
          })
          .onMessage(Work.class, m -> {
            pending.addLast(m);
            if (current == null) next();
            return Behaviors.same();
          })
          .onMessage(Evaluated.class, m -> {
            if (m.work() != current) return Behaviors.same();  // a second word on an episode already answered
            Work w = m.work();
            if (m.error() == null) w.dispatcher().tell(new WorkDispatcher.EpisodeResult(w.episode(), m.accuracy(), m.firstBatchAccuracy(), ctx.getSelf()));
            else w.dispatcher().tell(new WorkDispatcher.EpisodeFailed(w.episode(), m.error(), ctx.getSelf()));
            current = null;
            next();
            return Behaviors.same();
          })
          .onSignal(Terminated.class, t -> {
            // The evaluator died building its backend or evaluating: that episode fails, the next job builds afresh.
            evaluator = null;
            jobKey = null;
            if (current != null) ctx.getSelf().tell(new Evaluated(current, Double.NaN, Double.NaN,
                "worker on " + ctx.getSystem().address() + " could not evaluate episode " + current.episode() + " (see its log)"));
            return Behaviors.same();
          })
          .build();
    }

    boolean idle() {
      return current == null && pending.isEmpty();
    }

    void next() {
      current = pending.pollFirst();
      if (current == null) {
        for (var d : dispatchers) d.tell(new WorkDispatcher.RequestWork(ctx.getSelf()));
        return;
      }
      Work w = current;
      String key = w.job().searchId() + "@" + w.job().modelFingerprint();
      if (!key.equals(jobKey)) {
        if (evaluator != null) {
          ctx.unwatch(evaluator);
          ctx.stop(evaluator);
        }
        WorkDispatcher.SearchJob job = w.job();
        // The backend is built inside the child, on the blocking dispatcher: loading a model takes seconds.
        evaluator = ctx.spawnAnonymous(Behaviors.setup(c -> CompressionWorker.create(backends.create(job))), CompressionWorker.DISPATCHER);
        ctx.watch(evaluator);
        jobKey = key;
      }
      LOG.info("evaluating episode {} of search {} ({})", w.episode(), w.job().searchId(), WorkDispatcher.describe(w.plan()));
      ctx.askWithStatus(CompressionWorker.PlanEvaluated.class, evaluator, evaluateTimeout,
          reply -> new CompressionWorker.Evaluate(w.episode(), w.plan(), reply),
          (r, err) -> err != null ? new Evaluated(w, Double.NaN, Double.NaN, err.getMessage())
              : new Evaluated(w, r.accuracy(), r.firstBatchAccuracy(), null));
    }
  }
}
