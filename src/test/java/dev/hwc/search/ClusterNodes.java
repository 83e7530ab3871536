package dev.hwc.search;

import com.typesafe.config.Config;
import dev.hwc.search.SearchEvent.SearchStarted;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

/** Several cluster nodes (actor systems) in one JVM on loopback, for the cluster tests; the first node is the seed. */
final class ClusterNodes implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);

  final Config root;
  final SearchSettings settings;
  final ClusterSettings cluster;
  final List<ActorTestKit> nodes = new ArrayList<>();

  ClusterNodes(Config root, SearchSettings settings) {
    this.root = root;
    this.settings = settings;
    this.cluster = ClusterSettings.from(root).with("127.0.0.1", 0, List.of());
  }

  /** A new node with {@code role} (port chosen by the system), joined to the first node. */
  ActorTestKit add(String role) {
    ActorTestKit kit = ActorTestKit.create(ClusterSettings.SYSTEM,
        cluster.nodeConfig(SearchSystem.pekkoConfig(root, settings), role));
    if (role.equals(ClusterSettings.COORDINATOR)) SearchSystem.createSchema(kit.system(), WAIT);
    ActorSystem<?> seed = nodes.isEmpty() ? kit.system() : nodes.get(0).system();
    Cluster.get(kit.system()).manager().tell(new Join(Cluster.get(seed).selfMember().address()));
    nodes.add(kit);
    return kit;
  }

  /** A worker node whose evaluation workers build their backend with {@code backends}. */
  ActorTestKit addWorker(EvaluationWorker.BackendFactory backends) {
    ActorTestKit kit = add(ClusterSettings.WORKER);
    kit.spawn(EvaluationWorker.create(backends, WAIT), "evaluation-worker");
    return kit;
  }

  /** Waits until {@code n} members are up, as {@code node} sees them. */
  void awaitUp(ActorTestKit node, int n) {
    TestProbe<Void> probe = node.createTestProbe();
    probe.awaitAssert(WAIT, () -> {
      long up = StreamSupport.stream(Cluster.get(node.system()).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count();
      if (up != n) throw new AssertionError(up + " of " + n + " members up");
      return null;
    });
  }

  /** The search's singleton behavior on a coordinator node, with the doubles' agents and backend. */
  ActorRef<SearchCoordinator.Command> initSearch(ActorTestKit coordinator, String id, SearchStarted started,
                                                 ActorRef<SearchCoordinator.Progress> listener) {
    var parts = new SearchRuntime.Parts(new Doubles.Backend(0), new Doubles.Energy(), new Doubles.Ddpg(started.seed()),
        new Doubles.Rainbow(started.seed() + 1));
    var job = new WorkDispatcher.SearchJob(id, started.modelPath(), started.modelFingerprint(), started.configJson());
    var behavior = ClusterSearch.create(id, parts, settings.loadRewardTable(), settings.actions(),
        settings.searchDir(id), WAIT, cluster, started, job, listener);
    return ClusterSearch.initSingleton(coordinator.system(), id, behavior);
  }

  static SearchStarted started(String id, int episodes) {
    var b = new Doubles.Backend(0);
    var energy = new Doubles.Energy().baselineEnergy(b.prunableLayers());
    return new SearchStarted(id, "{}", "models/x.zip", "model-fp", "data-fp", "", 0.9, energy, 1.0, 7, episodes,
        b.algorithms(), b.decisionLayers(), b.prunableLayers(), 0);
  }

  /** Stops one node (a graceful leave: its singleton is handed over). */
  void stop(ActorTestKit node) {
    node.shutdownTestKit();
    nodes.remove(node);
  }

  @Override
  public void close() {
    for (int i = nodes.size() - 1; i >= 0; i--) nodes.get(i).shutdownTestKit();
    nodes.clear();
  }
}
