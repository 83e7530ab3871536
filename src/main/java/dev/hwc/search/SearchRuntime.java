package dev.hwc.search;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * The actors of one search under one parent: spawns the agents, the worker (on the blocking dispatcher) and the
 * estimator, then the coordinator, forwards every command to the coordinator and stops when it stops.
 */
public final class SearchRuntime {
  private SearchRuntime() {}

  /** The plain pieces a search runs on (real classes in production, doubles in tests). */
  public record Parts(CompressionBackend compression, EnergyBackend energy, ContinuousPolicy ddpg, DiscretePolicy rainbow) {}

  /** {@code episodesInFlight}: 1, the strict order; 2, the next episode is generated while one is evaluated. */
  public static Behavior<SearchCoordinator.Command> create(String searchId, Parts parts, RewardTable rewards,
                                                           ActionMapping actions, Path searchDir, Duration askTimeout,
                                                           int episodesInFlight) {
    return Behaviors.setup(ctx -> {
      // With two episodes in flight the evaluations get their own actor (and thread) over the same backend.
      var wiring = wire(ctx, parts, rewards, actions, searchDir, askTimeout, worker -> episodesInFlight == 1 ? worker.narrow()
          : ctx.spawn(CompressionWorker.create(parts.compression()), "evaluator", CompressionWorker.DISPATCHER).narrow(),
          episodesInFlight);
      ActorRef<SearchCoordinator.Command> coordinator = ctx.spawn(SearchCoordinator.create(searchId, wiring), "coordinator");
      ctx.watch(coordinator);
      return SearchRuntime.forwardingTo(coordinator);
    });
  }

  /**
   * Spawns under {@code ctx} the actors a coordinator talks to (the two agents, the layer-step worker, the energy
   * estimator) and wires them with the evaluator that {@code evaluator} makes of the worker: the one actor set of
   * the local and the cluster search.
   */
  static SearchCoordinator.Wiring wire(ActorContext<?> ctx, Parts parts, RewardTable rewards, ActionMapping actions,
                                       Path searchDir, Duration askTimeout,
                                       Function<ActorRef<CompressionWorker.Command>, ActorRef<CompressionWorker.Evaluate>> evaluator,
                                       int maxInFlight) {
    CheckpointStore store = new CheckpointStore(searchDir);
    var ddpg = ctx.spawn(DdpgAgent.create(parts.ddpg(), store), DdpgAgent.NAME);
    var rainbow = ctx.spawn(RainbowLearner.create(parts.rainbow(), store), RainbowLearner.NAME);
    var worker = ctx.spawn(CompressionWorker.create(parts.compression()), "worker", CompressionWorker.DISPATCHER);
    var estimator = ctx.spawn(EnergyEstimator.create(parts.energy()), "estimator");
    return new SearchCoordinator.Wiring(ddpg, rainbow, worker, estimator, rewards, actions, store, askTimeout,
        evaluator.apply(worker), maxInFlight);
  }

  public static Behavior<SearchCoordinator.Command> create(String searchId, Parts parts, SearchSettings s, RewardTable rewards) {
    return create(searchId, parts, rewards, s.actions(), s.searchDir(searchId), s.askTimeout(), s.episodesInFlight());
  }

  /** The parent's behavior once it has spawned the coordinator (watched): passes commands on, stops with it. */
  static Behavior<SearchCoordinator.Command> forwardingTo(ActorRef<SearchCoordinator.Command> coordinator) {
    return Behaviors.receive(SearchCoordinator.Command.class)
        .onMessage(SearchCoordinator.Command.class, m -> {
          coordinator.tell(m);
          return Behaviors.same();
        })
        .onSignal(Terminated.class, t -> Behaviors.stopped())
        .build();
  }
}
