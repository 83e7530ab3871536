package dev.hwc.search;

import dev.hwc.compress.CompressionPlan;
import dev.hwc.compress.CompressionPlan.LayerPlan;
import dev.hwc.compress.LayerDecision;
import dev.hwc.model.LayerShape;
import dev.hwc.search.CompressionBackend.LayerOutcome;
import dev.hwc.search.SearchEvent.AgentCheckpointed;
import dev.hwc.search.SearchEvent.CheckpointRef;
import dev.hwc.search.SearchEvent.EpisodeEvaluated;
import dev.hwc.search.SearchEvent.EpisodeStarted;
import dev.hwc.search.SearchEvent.LayerResult;
import dev.hwc.search.SearchEvent.LayerStepTaken;
import dev.hwc.search.SearchEvent.SearchCompleted;
import dev.hwc.search.SearchEvent.SearchStarted;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One search, event-sourced (persistence id {@code search-<id>}): drives episodes layer by layer through the
 * agents, the compression worker and the energy estimator, and journals every step (DESIGN.md, "Data flow of one
 * episode"). After recovery, {@link Run} first restores the agents from the last checkpoint and refills their replay
 * buffers from the journal, and runs again an episode left in flight — so an episode counts once, and resuming
 * continues exactly as an uninterrupted search would. An episode's evaluation and the agents' checkpoint after
 * learning from it are journaled atomically, as one write.
 */
public final class SearchCoordinator extends EventSourcedBehavior<SearchCoordinator.Command, SearchEvent, SearchCoordinator.State> {

  public sealed interface Command extends JsonSerializable {}

  /** Journals the search's provenance; refused if the search exists. */
  public record Start(SearchStarted started, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /**
   * Runs until {@code episodes} are evaluated in all (or the deadline, epoch ms, 0 = none), reporting to the listener.
   * Reaching the search's own episode count (or the deadline) completes the search; fewer pauses it.
   */
  public record Run(int episodes, long deadlineEpochMillis, ActorRef<Progress> listener) implements Command {}

  /** Stops after the event being persisted; what is journaled stays, an episode in flight runs again on resume. */
  public record Stop(ActorRef<Done> replyTo) implements Command {}

  public record GetState(ActorRef<State> replyTo) implements Command {}

  public sealed interface Progress extends JsonSerializable {}

  /** An episode was evaluated; {@code bestEnergyReduction} is the chosen plan's (NaN: none within the loss bound). */
  public record EpisodeDone(int episode, double reward, double accuracyLoss, double energyReduction,
                            double bestEnergyReduction, int bestEpisode) implements Progress {}

  public record Finished(String reason, int episodes) implements Progress {}

  public record Failed(String message) implements Progress {}

  // Internal: the agents', worker's and estimator's replies, adapted.
  private record Advance() implements Command {}
  private record AgentsRestored(String agent) implements Command {}
  private record GotAction(int episode, float[] action, float[] hidden) implements Command {}
  private record GotAlgorithm(int episode, int algorithm) implements Command {}
  private record Compressed(CompressionWorker.LayerCompressed result) implements Command {}
  private record Priced(int episode, EnergyEstimator.Estimated estimated) implements Command {}
  private record Evaluated(CompressionWorker.PlanEvaluated result) implements Command {}
  private record Learned(int episode, String agent) implements Command {}
  private record Checkpointed(int episode, CheckpointRef ref) implements Command {}
  private record Failure(String message) implements Command {}

  /** The journal folded: the provenance, every evaluated episode with its steps, the episode in flight. */
  public record State(SearchStarted started, List<Episode> episodes, int inFlight, List<LayerStepTaken> inFlightSteps,
                      AgentCheckpointed checkpoint, SearchCompleted completed) implements JsonSerializable {
    public record Episode(List<LayerStepTaken> steps, EpisodeEvaluated evaluated) {}

    public static State empty() {
      return new State(null, List.of(), 0, List.of(), null, null);
    }

    public int episodesDone() {
      return episodes.size();
    }

    public int checkpointEpisode() {
      return checkpoint == null ? 0 : checkpoint.episode();
    }

    public List<EpisodeEvaluated> evaluated() {
      return episodes.stream().map(Episode::evaluated).toList();
    }

    public State apply(SearchEvent e) {
      if (e instanceof SearchStarted s) return new State(s, episodes, inFlight, inFlightSteps, checkpoint, completed);
      if (e instanceof EpisodeStarted s) return new State(started, episodes, s.episode(), List.of(), checkpoint, completed);
      if (e instanceof LayerStepTaken s) return new State(started, episodes, inFlight, append(inFlightSteps, s), checkpoint, completed);
      if (e instanceof EpisodeEvaluated s)
        return new State(started, append(episodes, new Episode(inFlightSteps, s)), 0, List.of(), checkpoint, completed);
      if (e instanceof AgentCheckpointed s) return new State(started, episodes, inFlight, inFlightSteps, s, completed);
      if (e instanceof SearchCompleted s) return new State(started, episodes, inFlight, inFlightSteps, checkpoint, s);
      throw new IllegalStateException("unknown event " + e);
    }

    private static <T> List<T> append(List<T> list, T x) {
      List<T> out = new ArrayList<>(list.size() + 1);
      out.addAll(list);
      out.add(x);
      return List.copyOf(out);
    }
  }

  /** The actors a coordinator talks to, and the plain pieces it computes with. */
  public record Wiring(ActorRef<DdpgAgent.Command> ddpg, ActorRef<RainbowLearner.Command> rainbow,
                       ActorRef<CompressionWorker.Command> worker, ActorRef<EnergyEstimator.Command> estimator,
                       RewardTable rewards, ActionMapping actions, CheckpointStore checkpoints, Duration askTimeout) {}

  public static PersistenceId persistenceId(String searchId) {
    return PersistenceId.ofUniqueId("search-" + searchId);
  }

  public static Behavior<Command> create(String searchId, Wiring wiring) {
    return Behaviors.setup(ctx -> new SearchCoordinator(ctx, searchId, wiring));
  }

  private final ActorContext<Command> ctx;
  private final Wiring w;

  // Per incarnation, not journaled: what Run asked for and where the episode in flight stands.
  private boolean agentsReady;
  private Run run;
  private EpisodeRun current;
  private final List<CheckpointRef> pendingCheckpoint = new ArrayList<>();
  private List<LayerOutcome> pendingOutcomes = List.of();
  private int restoredReplies;
  private LayerEmbedding embedding;

  private static final class EpisodeRun {
    final int episode;
    int step;
    float[] state;
    float[] action;
    float[] hidden;
    float[] previousAction;
    double macsRemoved;
    final List<LayerPlan> plan = new ArrayList<>();
    final List<LayerResult> results = new ArrayList<>();
    EpisodeEvaluated evaluation;

    EpisodeRun(int episode) {
      this.episode = episode;
    }
  }

  private SearchCoordinator(ActorContext<Command> ctx, String searchId, Wiring wiring) {
    super(persistenceId(searchId));
    this.ctx = ctx;
    this.w = wiring;
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public EventHandler<State, SearchEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  public CommandHandler<Command, SearchEvent, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Start.class, this::onStart)
        .onCommand(Run.class, this::onRun)
        .onCommand(Stop.class, (s, m) -> {
          m.replyTo().tell(Done.getInstance());
          return Effect().stop();
        })
        .onCommand(GetState.class, (s, m) -> {
          m.replyTo().tell(s);
          return Effect().none();
        })
        .onCommand(Advance.class, (s, m) -> advance(s))
        .onCommand(AgentsRestored.class, this::onAgentsRestored)
        .onCommand(GotAction.class, this::onAction)
        .onCommand(GotAlgorithm.class, this::onAlgorithm)
        .onCommand(Compressed.class, this::onCompressed)
        .onCommand(Priced.class, this::onPriced)
        .onCommand(Evaluated.class, this::onEvaluated)
        .onCommand(Learned.class, this::onLearned)
        .onCommand(Checkpointed.class, this::onCheckpointed)
        .onCommand(Failure.class, (s, m) -> {
          ctx.getLog().error("search failed: {}", m.message());
          if (run != null) run.listener().tell(new Failed(m.message()));
          return Effect().stop();
        })
        .build();
  }

  private Effect<SearchEvent, State> onStart(State s, Start m) {
    if (s.started() != null) {
      m.replyTo().tell(StatusReply.error("search '" + s.started().searchId() + "' already exists"));
      return Effect().none();
    }
    return Effect().persist(m.started()).thenRun(ns -> m.replyTo().tell(StatusReply.ack()));
  }

  private Effect<SearchEvent, State> onRun(State s, Run m) {
    if (s.started() == null) {
      m.listener().tell(new Failed("search not started"));
      return Effect().none();
    }
    if (s.completed() != null) {
      m.listener().tell(new Finished(s.completed().reason(), s.episodesDone()));
      return Effect().none();
    }
    if (run != null) {
      m.listener().tell(new Failed("search is already running"));
      return Effect().none();
    }
    run = m;
    return advance(s);
  }

  /** Decides what comes next; every step of the loop comes back here. */
  private Effect<SearchEvent, State> advance(State s) {
    if (run == null) return Effect().none();
    if (!agentsReady) {
      restoreAgents(s);
      return Effect().none();
    }
    if (s.episodesDone() != s.checkpointEpisode()) {
      // Evaluation and checkpoint are journaled together, so only a foreign or damaged journal gets here.
      run.listener().tell(new Failed("journal inconsistent: " + s.episodesDone() + " episodes evaluated, agents checkpointed after "
          + s.checkpointEpisode()));
      return Effect().stop();
    }
    if (s.episodesDone() >= s.started().episodes()) return complete("episodes", s);
    if (s.episodesDone() >= run.episodes()) {
      // A partial run (tests, or a caller that runs a search in slices): the search stays open for resume.
      run.listener().tell(new Finished("paused", s.episodesDone()));
      run = null;
      return Effect().none();
    }
    if (run.deadlineEpochMillis() > 0 && System.currentTimeMillis() >= run.deadlineEpochMillis()) return complete("max-time", s);
    int episode = s.episodesDone() + 1;
    return Effect().persist(new EpisodeStarted(episode)).thenRun(ns -> {
      current = new EpisodeRun(episode);
      act(ns);
    });
  }

  private Effect<SearchEvent, State> complete(String reason, State s) {
    return Effect().persist(new SearchCompleted(reason, s.episodesDone()))
        .thenRun(ns -> run.listener().tell(new Finished(reason, ns.episodesDone())));
  }

  private void restoreAgents(State s) {
    List<EpisodeTransitions.Step> journaled = new ArrayList<>();
    for (State.Episode e : s.episodes()) {
      if (e.evaluated().episode() > s.checkpointEpisode()) break;
      journaled.addAll(EpisodeTransitions.of(e.steps(), e.evaluated().reward()));
    }
    List<EpisodeTransitions.Step> ct = List.copyOf(journaled), dt = ct;
    CheckpointRef d = s.checkpoint() == null ? null : s.checkpoint().of(DdpgAgent.NAME);
    CheckpointRef r = s.checkpoint() == null ? null : s.checkpoint().of(RainbowLearner.NAME);
    ctx.askWithStatus(Done.class, w.ddpg(), w.askTimeout(), reply -> new DdpgAgent.Restore(d, ct, reply),
        (ok, err) -> err != null ? new Failure(err.getMessage()) : new AgentsRestored(DdpgAgent.NAME));
    ctx.askWithStatus(Done.class, w.rainbow(), w.askTimeout(), reply -> new RainbowLearner.Restore(r, dt, reply),
        (ok, err) -> err != null ? new Failure(err.getMessage()) : new AgentsRestored(RainbowLearner.NAME));
  }

  private Effect<SearchEvent, State> onAgentsRestored(State s, AgentsRestored m) {
    // Both agents must be back before the first step.
    restoredReplies++;
    if (restoredReplies < 2) return Effect().none();
    agentsReady = true;
    return advance(s);
  }

  private void act(State s) {
    EpisodeRun e = current;
    List<LayerShape> layers = s.started().decisionLayers();
    LayerEmbedding embedding = embedding(s);
    double total = totalMacs(s);
    double ahead = 0;
    for (int j = e.step + 1; j < layers.size(); j++) ahead += layers.get(j).macs();
    e.state = embedding.state(e.step, e.macsRemoved / total, ahead / total, e.previousAction);
    float[] state = e.state;
    ctx.ask(DdpgAgent.Acted.class, w.ddpg(), w.askTimeout(), reply -> new DdpgAgent.Act(state, true, reply),
        (a, err) -> err != null ? new Failure("ddpg act: " + err.getMessage()) : new GotAction(e.episode, a.action(), a.hidden()));
  }

  private Effect<SearchEvent, State> onAction(State s, GotAction m) {
    if (stale(m.episode())) return Effect().none();
    current.action = m.action();
    current.hidden = m.hidden();
    float[] input = EpisodeTransitions.rainbowInput(m.hidden(), current.state);
    ctx.ask(RainbowLearner.Chosen.class, w.rainbow(), w.askTimeout(), reply -> new RainbowLearner.Choose(input, true, reply),
        (c, err) -> err != null ? new Failure("rainbow act: " + err.getMessage()) : new GotAlgorithm(m.episode(), c.algorithm()));
    return Effect().none();
  }

  private Effect<SearchEvent, State> onAlgorithm(State s, GotAlgorithm m) {
    if (stale(m.episode())) return Effect().none();
    EpisodeRun e = current;
    List<LayerShape> layers = s.started().decisionLayers();
    LayerDecision d;
    try {
      d = w.actions().decision(e.step, layers.size(), e.action, m.algorithm(), s.started().algorithms());
    } catch (IllegalArgumentException ex) {
      ctx.getSelf().tell(new Failure("step " + e.step + " of episode " + e.episode + ": " + ex.getMessage()));
      return Effect().none();
    }
    var step = new LayerStepTaken(e.episode, e.step, layers.get(e.step).name(), e.state, e.action, e.hidden, m.algorithm(), d);
    return Effect().persist(step).thenRun(ns ->
        ctx.askWithStatus(CompressionWorker.LayerCompressed.class, w.worker(), w.askTimeout(),
            reply -> new CompressionWorker.CompressLayer(e.episode, e.step, d, reply),
            (r, err) -> err != null ? new Failure(err.getMessage()) : new Compressed(r)));
  }

  private Effect<SearchEvent, State> onCompressed(State s, Compressed m) {
    if (stale(m.result().episode())) return Effect().none();
    List<EnergyEstimator.LayerCost> costs = new ArrayList<>();
    for (LayerOutcome o : m.result().outcomes()) {
      double density = Math.min(1.0, Math.max(0.0, (double) o.params() / o.shape().weights()));
      costs.add(new EnergyEstimator.LayerCost(o.shape(), o.decision().weightBits(), o.decision().activationBits(), density));
    }
    int episode = current.episode;
    pendingOutcomes = m.result().outcomes();
    ctx.ask(EnergyEstimator.Estimated.class, w.estimator(), w.askTimeout(),
        reply -> new EnergyEstimator.Estimate(m.result().step(), costs, reply),
        (r, err) -> err != null ? new Failure("energy: " + err.getMessage()) : new Priced(episode, r));
    return Effect().none();
  }

  private Effect<SearchEvent, State> onPriced(State s, Priced m) {
    if (stale(m.episode())) return Effect().none();
    EpisodeRun e = current;
    Map<String, LayerShape> original = originalShapes(s);
    for (int i = 0; i < pendingOutcomes.size(); i++) {
      LayerOutcome o = pendingOutcomes.get(i);
      LayerShape before = original.get(o.layer());
      if (before != null) e.macsRemoved += before.macs() - o.nonZeroMacs();
      e.plan.add(new LayerPlan(o.layer(), o.decision()));
      e.results.add(new LayerResult(o.layer(), o.shape(), o.sparsity(), o.keptChannels(), o.params(), o.macs(),
          o.nonZeroMacs(), o.decision().weightBits(), o.decision().activationBits(), m.estimated().energies().get(i)));
    }
    e.previousAction = e.action;
    e.step++;
    if (e.step < s.started().decisionLayers().size()) {
      act(s);
      return Effect().none();
    }
    CompressionPlan plan = new CompressionPlan(e.plan);
    ctx.askWithStatus(CompressionWorker.PlanEvaluated.class, w.worker(), w.askTimeout(),
        reply -> new CompressionWorker.Evaluate(e.episode, plan, reply),
        (r, err) -> err != null ? new Failure(err.getMessage()) : new Evaluated(r));
    return Effect().none();
  }

  private Effect<SearchEvent, State> onEvaluated(State s, Evaluated m) {
    if (stale(m.result().episode())) return Effect().none();
    EpisodeRun e = current;
    SearchStarted st = s.started();
    double accuracy = m.result().accuracy();
    double loss = (st.baselineAccuracy() - accuracy) * 100;
    double energy = e.results.stream().mapToDouble(LayerResult::energy).sum();
    double reduction = 1 - energy / st.baselineEnergy();
    double reward = w.rewards().reward(loss, reduction * 100);
    e.evaluation = new EpisodeEvaluated(e.episode, new CompressionPlan(e.plan), accuracy, loss, energy, reduction, reward, e.results);
    // The agents learn and checkpoint before the evaluation is journaled: EpisodeEvaluated and AgentCheckpointed are
    // persisted together, so a crash anywhere before leaves the episode in flight, to be run again from the previous
    // checkpoint with the same random state (learning first and journaling after would lose the RNG's advance).
    var ct = EpisodeTransitions.of(s.inFlightSteps(), reward);
    int episode = e.episode;
    ctx.askWithStatus(Done.class, w.ddpg(), w.askTimeout(), reply -> new DdpgAgent.Learn(episode, ct, reply),
        (ok, err) -> err != null ? new Failure(err.getMessage()) : new Learned(episode, DdpgAgent.NAME));
    return Effect().none();
  }

  /** After DDPG learned: Rainbow learns; after Rainbow: the checkpoints. */
  private Effect<SearchEvent, State> onLearned(State s, Learned m) {
    if (stale(m.episode())) return Effect().none();
    int episode = m.episode();
    if (m.agent().equals(DdpgAgent.NAME)) {
      var dt = EpisodeTransitions.of(s.inFlightSteps(), current.evaluation.reward());
      ctx.askWithStatus(Done.class, w.rainbow(), w.askTimeout(), reply -> new RainbowLearner.Learn(episode, dt, reply),
          (ok, err) -> err != null ? new Failure(err.getMessage()) : new Learned(episode, RainbowLearner.NAME));
    } else {
      pendingCheckpoint.clear();
      ctx.askWithStatus(CheckpointRef.class, w.ddpg(), w.askTimeout(), reply -> new DdpgAgent.Checkpoint(episode, reply),
          (r, err) -> err != null ? new Failure(err.getMessage()) : new Checkpointed(episode, r));
    }
    return Effect().none();
  }

  private Effect<SearchEvent, State> onCheckpointed(State s, Checkpointed m) {
    if (stale(m.episode())) return Effect().none();
    pendingCheckpoint.add(m.ref());
    int episode = m.episode();
    if (pendingCheckpoint.size() == 1) {
      ctx.askWithStatus(CheckpointRef.class, w.rainbow(), w.askTimeout(), reply -> new RainbowLearner.Checkpoint(episode, reply),
          (r, err) -> err != null ? new Failure(err.getMessage()) : new Checkpointed(episode, r));
      return Effect().none();
    }
    EpisodeEvaluated ev = current.evaluation;
    var checkpointed = new AgentCheckpointed(episode, List.copyOf(pendingCheckpoint));
    pendingCheckpoint.clear();
    return Effect().persist(List.of(ev, checkpointed)).thenRun(ns -> {
      current = null;
      w.checkpoints().retainOnly(Set.of(episode));
      var best = ParetoArchive.of(ns.evaluated()).chosen(w.rewards().maxAccuracyLoss());
      run.listener().tell(new EpisodeDone(ev.episode(), ev.reward(), ev.accuracyLoss(), ev.energyReduction(),
          best.map(ParetoArchive.Point::energyReduction).orElse(Double.NaN),
          best.map(ParetoArchive.Point::episode).orElse(0)));
      ctx.getSelf().tell(new Advance());
    });
  }

  private boolean stale(int episode) {
    return current == null || current.episode != episode;
  }

  private LayerEmbedding embedding(State s) {
    if (embedding == null) embedding = LayerEmbedding.of(s.started().decisionLayers());
    return embedding;
  }

  private static double totalMacs(State s) {
    double t = 0;
    for (LayerShape l : s.started().prunableLayers()) t += l.macs();
    return t;
  }

  private static Map<String, LayerShape> originalShapes(State s) {
    Map<String, LayerShape> m = new HashMap<>();
    for (LayerShape l : s.started().prunableLayers()) m.put(l.name(), l);
    return m;
  }
}
