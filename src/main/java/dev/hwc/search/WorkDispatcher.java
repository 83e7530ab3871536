package dev.hwc.search;

import dev.hwc.compress.CompressionPlan;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.pattern.StatusReply;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Cluster mode: hands the coordinator's whole-plan evaluations to {@link EvaluationWorker}s on any node. Workers
 * pull: one that is idle sends {@link RequestWork} and gets one {@link EvaluationWorker.Work} when there is some, so
 * a busy worker is never sent more (back-pressure). Work is keyed by episode id: an episode whose worker is lost
 * (its node unreachable, or the worker stopped) goes back to the front of the queue at once, and one still out after
 * {@code redispatchTimeout} is handed to the next idle worker too; the first result for an episode answers the
 * coordinator and any later one is dropped, so re-delivery is idempotent. The reachable workers registered under
 * {@link EvaluationWorker#KEY} are counted and reported to the coordinator, which keeps that many episodes in flight.
 */
public final class WorkDispatcher {
  private WorkDispatcher() {}

  /** The dispatcher of the running search, found by workers through the Receptionist. */
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "hwc-work-dispatcher");

  public sealed interface Command extends JsonSerializable
      permits CompressionWorker.Evaluate, RequestWork, EpisodeResult, EpisodeFailed, WatchCapacity, WorkersListed,
      MemberUnreachable, Overdue {}

  /** What a worker needs to build the search's compression backend: the journaled model and configuration. */
  public record SearchJob(String searchId, String modelPath, String modelFingerprint, String configJson) implements JsonSerializable {}

  /** An idle worker asks for one episode. */
  public record RequestWork(ActorRef<EvaluationWorker.Command> worker) implements Command {}

  public record EpisodeResult(int episode, double accuracy, double firstBatchAccuracy, ActorRef<EvaluationWorker.Command> worker)
      implements Command {}

  /** The worker's backend failed on the plan: the search fails with this message (a bad plan fails on any worker). */
  public record EpisodeFailed(int episode, String message, ActorRef<EvaluationWorker.Command> worker) implements Command {}

  /** Where to report the number of reachable workers (the coordinator). */
  public record WatchCapacity(ActorRef<SearchCoordinator.EvaluatorsChanged> coordinator) implements Command {}

  private record WorkersListed(Receptionist.Listing listing) implements Command {}
  private record MemberUnreachable(ClusterEvent.UnreachableMember event) implements Command {}
  private record Overdue(int episode, long sentAtNanos) implements Command {}

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(WorkDispatcher.class);

  public static Behavior<Command> create(SearchJob job, Duration redispatchTimeout) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(EvaluationWorker.KEY,
          ctx.messageAdapter(Receptionist.Listing.class, WorkersListed::new)));
      Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.UnreachableMember.class, MemberUnreachable::new), ClusterEvent.UnreachableMember.class));
      return new Dispatch(ctx, timers, job, redispatchTimeout).behavior();
    }));
  }

  private static final class Dispatch {
    final ActorContext<Command> ctx;
    final TimerScheduler<Command> timers;
    final SearchJob job;
    final Duration redispatchTimeout;
    /** Every episode submitted and not yet answered, queued or out. */
    final Map<Integer, CompressionWorker.Evaluate> outstanding = new HashMap<>();
    final Deque<Integer> queue = new ArrayDeque<>();
    final Map<Integer, ActorRef<EvaluationWorker.Command>> assignedTo = new HashMap<>();
    final Map<Integer, Long> lostAtNanos = new HashMap<>();
    final Set<Integer> answered = new HashSet<>();
    final LinkedHashSet<ActorRef<EvaluationWorker.Command>> idle = new LinkedHashSet<>();
    final Set<ActorRef<EvaluationWorker.Command>> watched = new HashSet<>();
    ActorRef<SearchCoordinator.EvaluatorsChanged> coordinator;
    int workers = -1;

    Dispatch(ActorContext<Command> ctx, TimerScheduler<Command> timers, SearchJob job, Duration redispatchTimeout) {
      this.ctx = ctx;
      this.timers = timers;
      this.job = job;
      this.redispatchTimeout = redispatchTimeout;
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(CompressionWorker.Evaluate.class, this::onSubmit)
          .onMessage(RequestWork.class, this::onRequest)
          .onMessage(EpisodeResult.class, this::onResult)
          .onMessage(EpisodeFailed.class, this::onFailed)
          .onMessage(WatchCapacity.class, m -> {
            coordinator = m.coordinator();
            if (workers >= 0) coordinator.tell(new SearchCoordinator.EvaluatorsChanged(workers));
            return Behaviors.same();
          })
          .onMessage(WorkersListed.class, this::onListing)
          .onMessage(MemberUnreachable.class, m -> {
            for (var w : Set.copyOf(watched))
              if (w.path().address().equals(m.event().member().address())) lose(w, "its node " + m.event().member().address() + " is unreachable");
            return Behaviors.same();
          })
          .onMessage(Overdue.class, this::onOverdue)
          .onSignal(Terminated.class, t -> {
            for (var w : Set.copyOf(watched)) if (w.path().equals(t.getRef().path())) lose(w, "it stopped");
            return Behaviors.same();
          })
          .build();
    }

    Behavior<Command> onSubmit(CompressionWorker.Evaluate m) {
      if (answered.contains(m.episode()) || outstanding.containsKey(m.episode())) {
        LOG.warn("episode {} submitted twice; the first submission stands", m.episode());
        return Behaviors.same();
      }
      outstanding.put(m.episode(), m);
      queue.addLast(m.episode());
      dispatch();
      return Behaviors.same();
    }

    Behavior<Command> onRequest(RequestWork m) {
      if (watched.add(m.worker())) ctx.watch(m.worker());
      // A worker asks only when idle: anything still assigned to it was lost (it restarted).
      for (var e : Map.copyOf(assignedTo).entrySet())
        if (e.getValue().equals(m.worker())) requeue(e.getKey(), "its worker asked for new work");
      idle.add(m.worker());
      dispatch();
      return Behaviors.same();
    }

    Behavior<Command> onResult(EpisodeResult m) {
      var submitted = outstanding.remove(m.episode());
      if (submitted == null) {
        LOG.info("dropping a second result for episode {} (from {})", m.episode(), m.worker().path());
        return Behaviors.same();
      }
      answered.add(m.episode());
      assignedTo.remove(m.episode());
      queue.remove(m.episode());
      timers.cancel(m.episode());
      Long lost = lostAtNanos.remove(m.episode());
      if (lost != null)
        LOG.info("episode {} evaluated by {} {} ms after its first worker was lost", m.episode(), m.worker().path(),
            (System.nanoTime() - lost) / 1_000_000);
      submitted.replyTo().tell(StatusReply.success(new CompressionWorker.PlanEvaluated(m.episode(), m.accuracy(), m.firstBatchAccuracy())));
      return Behaviors.same();
    }

    Behavior<Command> onFailed(EpisodeFailed m) {
      var submitted = outstanding.remove(m.episode());
      if (submitted == null) return Behaviors.same();
      answered.add(m.episode());
      assignedTo.remove(m.episode());
      queue.remove(m.episode());
      timers.cancel(m.episode());
      submitted.replyTo().tell(StatusReply.error(m.message()));
      return Behaviors.same();
    }

    Behavior<Command> onListing(WorkersListed m) {
      // Reachable instances only: a worker whose node stops answering leaves this set before it is downed.
      Set<ActorRef<EvaluationWorker.Command>> reachable = m.listing().getServiceInstances(EvaluationWorker.KEY);
      if (reachable.size() != workers) {
        workers = reachable.size();
        LOG.info("{} evaluation workers reachable", workers);
        if (coordinator != null) coordinator.tell(new SearchCoordinator.EvaluatorsChanged(workers));
      }
      return Behaviors.same();
    }

    Behavior<Command> onOverdue(Overdue m) {
      if (assignedTo.containsKey(m.episode()))
        requeue(m.episode(), "it was not answered within " + redispatchTimeout.toMillis() + " ms");
      return Behaviors.same();
    }

    void lose(ActorRef<EvaluationWorker.Command> w, String why) {
      if (watched.remove(w)) ctx.unwatch(w);
      idle.remove(w);
      for (var e : Map.copyOf(assignedTo).entrySet())
        if (e.getValue().equals(w)) {
          lostAtNanos.putIfAbsent(e.getKey(), System.nanoTime());
          requeue(e.getKey(), "worker " + w.path() + " was lost: " + why);
        }
    }

    void requeue(int episode, String why) {
      assignedTo.remove(episode);
      timers.cancel(episode);
      if (!outstanding.containsKey(episode) || queue.contains(episode)) return;
      LOG.warn("re-dispatching episode {}: {}", episode, why);
      queue.addFirst(episode);
      dispatch();
    }

    void dispatch() {
      while (!queue.isEmpty() && !idle.isEmpty()) {
        var w = idle.iterator().next();
        idle.remove(w);
        int episode = queue.pollFirst();
        CompressionWorker.Evaluate m = outstanding.get(episode);
        assignedTo.put(episode, w);
        long now = System.nanoTime();
        timers.startSingleTimer(episode, new Overdue(episode, now), redispatchTimeout);
        w.tell(new EvaluationWorker.Work(job, episode, m.plan(), ctx.getSelf()));
      }
    }
  }

  /** The plan of an episode, for a worker's log line. */
  static String describe(CompressionPlan plan) {
    return plan.size() + " layers, hash " + plan.hash().substring(0, Math.min(12, plan.hash().length()));
  }
}
