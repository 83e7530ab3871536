package dev.hwc.search;

import dev.hwc.search.SearchEvent.SearchStarted;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Cluster mode, on a coordinator node: one search as a cluster singleton (role {@code coordinator}). Wherever the
 * singleton runs it spawns the agents, a local {@link CompressionWorker} for the cheap per-layer steps, the
 * estimator, a {@link WorkDispatcher} for the evaluations and the {@link SearchCoordinator}, which recovers from the
 * shared journal; it starts the search if the journal does not hold it yet, then runs it to its journaled episode
 * count. Killing the node that hosts it moves it to another coordinator node, which goes on from the journal.
 */
public final class ClusterSearch {
  private ClusterSearch() {}

  /**
   * @param started  the search's provenance, journaled first if the journal does not hold the search (refused, and
   *                 ignored, if it does)
   * @param job      what workers need to build the search's backend
   * @param listener progress of the run, on this node
   */
  public static Behavior<SearchCoordinator.Command> create(String searchId, SearchRuntime.Parts parts, RewardTable rewards,
                                                           ActionMapping actions, Path searchDir, Duration askTimeout,
                                                           ClusterSettings cluster, SearchStarted started,
                                                           WorkDispatcher.SearchJob job,
                                                           ActorRef<SearchCoordinator.Progress> listener) {
    return Behaviors.setup(ctx -> {
      var dispatcher = ctx.spawn(WorkDispatcher.create(job, cluster.redispatchTimeout()), "dispatcher");
      var wiring = SearchRuntime.wire(ctx, parts, rewards, actions, searchDir, askTimeout, worker -> dispatcher.narrow(),
          cluster.maxInFlightCeiling());
      ActorRef<SearchCoordinator.Command> coordinator = ctx.spawn(SearchCoordinator.create(searchId, wiring), "coordinator");
      ctx.watch(coordinator);
      dispatcher.tell(new WorkDispatcher.WatchCapacity(coordinator.narrow()));
      // Start is refused when the journal holds the search already (a resumed or failed-over coordinator): run either way.
      ctx.askWithStatus(Done.class, coordinator, askTimeout, reply -> new SearchCoordinator.Start(started, reply),
          (r, err) -> new SearchCoordinator.Run(Integer.MAX_VALUE, 0, listener));
      return SearchRuntime.forwardingTo(coordinator);
    });
  }

  /** Runs {@code search} as the cluster's singleton on nodes with the coordinator role; returns its proxy. */
  public static ActorRef<SearchCoordinator.Command> initSingleton(ActorSystem<?> system, String searchId,
                                                                 Behavior<SearchCoordinator.Command> search) {
    return ClusterSingleton.get(system).init(SingletonActor.of(search, "search-" + searchId)
        .withSettings(ClusterSingletonSettings.create(system).withRole(ClusterSettings.COORDINATOR)));
  }
}
