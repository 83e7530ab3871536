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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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

  /**
   * Cluster mode: {@code workers} evaluators are reachable now; episodes in flight are capped at that (at least 1,
   * at most the wiring's {@code maxInFlight}). Never sent in one process.
   */
  public record EvaluatorsChanged(int workers) implements Command {}

  public sealed interface Progress extends JsonSerializable {}

  /** An episode was evaluated; {@code bestEnergyReduction} is the chosen plan's (NaN: none within the loss bound). */
  public record EpisodeDone(int episode, double reward, double accuracyLoss, double energyReduction,
                            double bestEnergyReduction, int bestEpisode) implements Progress {}

  public record Finished(String reason, int episodes) implements Progress {
    /** One line for the user: "done, 300 episodes", "--max-time reached after 120 episodes". */
    public String summary() {
      return switch (reason) {
        case "episodes" -> "done, " + episodes + " episodes";
        case "max-time" -> "--max-time reached after " + episodes + " episodes";
        default -> reason + " after " + episodes + " episodes";
      };
    }
  }

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
  private record EvaluationFailed(int episode, String message) implements Command {}

  /**
   * The journal folded: the provenance, every evaluated episode with its steps (journal order), the episodes started
   * and not yet evaluated with their steps so far ({@code open}: one at most in a single process, up to
   * {@code hwc.cluster.max-in-flight} in cluster mode; an open episode at a crash runs again), the last checkpoint.
   */
  public record State(SearchStarted started, List<Episode> episodes, Map<Integer, List<LayerStepTaken>> open,
                      AgentCheckpointed checkpoint, SearchCompleted completed) implements JsonSerializable {
    public record Episode(List<LayerStepTaken> steps, EpisodeEvaluated evaluated) {}

    public static State empty() {
      return new State(null, List.of(), Map.of(), null, null);
    }

    public int episodesDone() {
      return episodes.size();
    }

    public int checkpointEpisode() {
      return checkpoint == null ? 0 : checkpoint.episode();
    }

    /** The episode id evaluated last in journal order (0: none); the last checkpoint must be after it. */
    public int lastEvaluatedEpisode() {
      return episodes.isEmpty() ? 0 : episodes.get(episodes.size() - 1).evaluated().episode();
    }

    /** Whether episode {@code id} is journaled as evaluated: a second evaluation of it is never journaled. */
    public boolean isEvaluated(int id) {
      for (Episode e : episodes) if (e.evaluated().episode() == id) return true;
      return false;
    }

    public List<EpisodeEvaluated> evaluated() {
      return episodes.stream().map(Episode::evaluated).toList();
    }

    public State apply(SearchEvent e) {
      if (e instanceof SearchStarted s) return new State(s, episodes, open, checkpoint, completed);
      if (e instanceof EpisodeStarted s) return new State(started, episodes, put(open, s.episode(), List.of()), checkpoint, completed);
      if (e instanceof LayerStepTaken s)
        return new State(started, episodes, put(open, s.episode(), append(open.getOrDefault(s.episode(), List.of()), s)), checkpoint, completed);
      if (e instanceof EpisodeEvaluated s) {
        Map<Integer, List<LayerStepTaken>> rest = new TreeMap<>(open);
        List<LayerStepTaken> steps = rest.remove(s.episode());
        return new State(started, append(episodes, new Episode(steps == null ? List.of() : steps, s)), Map.copyOf(rest), checkpoint, completed);
      }
      if (e instanceof AgentCheckpointed s) return new State(started, episodes, open, s, completed);
      if (e instanceof SearchCompleted s) return new State(started, episodes, open, checkpoint, s);
      throw new IllegalStateException("unknown event " + e);
    }

    private static <T> List<T> append(List<T> list, T x) {
      List<T> out = new ArrayList<>(list.size() + 1);
      out.addAll(list);
      out.add(x);
      return List.copyOf(out);
    }

    private static Map<Integer, List<LayerStepTaken>> put(Map<Integer, List<LayerStepTaken>> m, int k, List<LayerStepTaken> v) {
      Map<Integer, List<LayerStepTaken>> out = new TreeMap<>(m);
      out.put(k, v);
      return Map.copyOf(out);
    }
  }

  /**
   * The actors a coordinator talks to, and the plain pieces it computes with. {@code evaluator} takes the episodes'
   * whole-plan evaluations: the local worker in one process, the {@link WorkDispatcher} in cluster mode;
   * {@code maxInFlight} episodes may be evaluated at once (1: the paper's strict order).
   */
  public record Wiring(ActorRef<DdpgAgent.Command> ddpg, ActorRef<RainbowLearner.Command> rainbow,
                       ActorRef<CompressionWorker.Command> worker, ActorRef<EnergyEstimator.Command> estimator,
                       RewardTable rewards, ActionMapping actions, CheckpointStore checkpoints, Duration askTimeout,
                       ActorRef<CompressionWorker.Evaluate> evaluator, int maxInFlight) {
    public Wiring {
      if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
    }

    /** One process: the local worker evaluates, one episode at a time. */
    public Wiring(ActorRef<DdpgAgent.Command> ddpg, ActorRef<RainbowLearner.Command> rainbow,
                  ActorRef<CompressionWorker.Command> worker, ActorRef<EnergyEstimator.Command> estimator,
                  RewardTable rewards, ActionMapping actions, CheckpointStore checkpoints, Duration askTimeout) {
      this(ddpg, rainbow, worker, estimator, rewards, actions, checkpoints, askTimeout, worker.narrow(), 1);
    }
  }

  public static PersistenceId persistenceId(String searchId) {
    return PersistenceId.ofUniqueId("search-" + searchId);
  }

  public static Behavior<Command> create(String searchId, Wiring wiring) {
    return Behaviors.setup(ctx -> new SearchCoordinator(ctx, searchId, wiring));
  }

  private final ActorContext<Command> ctx;
  private final Wiring w;

  // Per incarnation, not journaled: what Run asked for and where the episodes in flight stand. One episode's plan is
  // generated at a time (the agents act in order), several may be out for evaluation, and they learn one at a time
  // in the order their evaluations came back (which is the journal's order, so recovery refills replay the same way).
  private boolean agentsReady;
  private boolean restoring;
  private Run run;
  private EpisodeRun generating;
  private final Map<Integer, EpisodeRun> evaluating = new TreeMap<>();
  private final Deque<EpisodeRun> toLearn = new ArrayDeque<>();
  private EpisodeRun learning;
  /**
   * Generated past the end of a partial run ({@code Run} with fewer episodes than the search's): its evaluation
   * waits for the next run. Generating it before the last learning keeps the agents' order of work that of an
   * uninterrupted search, so running in slices ends where running at once does.
   */
  private EpisodeRun parked;
  /** Set by a failed evaluation: no new episode starts, the search stops once the work under way is journaled. */
  private String failed;
  /** Generated episodes whose evaluation failed: still ahead of the agents' checkpoint, to be evaluated on resume. */
  private final List<Integer> unevaluated = new ArrayList<>();
  private final List<CheckpointRef> pendingCheckpoint = new ArrayList<>();
  private List<LayerOutcome> pendingOutcomes = List.of();
  private int restoredReplies;
  /** After a restore: the checkpoint's episodes generated ahead, to evaluate again from their journaled steps. */
  private final Deque<Integer> toReplay = new ArrayDeque<>();
  private LayerEmbedding embedding;
  /** Reachable evaluators as last reported (-1: not reported, the wiring's maxInFlight applies). */
  private int workers = -1;

  private static final class EpisodeRun {
    final int episode;
    /** A journaled episode evaluated again on resume: its steps as journaled, the agents not asked (null: generate). */
    final List<LayerStepTaken> replay;
    int step;
    float[] state;
    float[] action;
    float[] hidden;
    float[] previousAction;
    double macsRemoved;
    final List<LayerPlan> plan = new ArrayList<>();
    final List<LayerResult> results = new ArrayList<>();
    final List<LayerStepTaken> steps = new ArrayList<>();
    EpisodeEvaluated evaluation;

    EpisodeRun(int episode) {
      this(episode, null);
    }

    EpisodeRun(int episode, List<LayerStepTaken> replay) {
      this.episode = episode;
      this.replay = replay;
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
        .onCommand(EvaluatorsChanged.class, (s, m) -> {
          workers = m.workers();
          return advance(s);
        })
        .onCommand(AgentsRestored.class, this::onAgentsRestored)
        .onCommand(GotAction.class, this::onAction)
        .onCommand(GotAlgorithm.class, this::onAlgorithm)
        .onCommand(Compressed.class, this::onCompressed)
        .onCommand(Priced.class, this::onPriced)
        .onCommand(Evaluated.class, this::onEvaluated)
        .onCommand(Learned.class, this::onLearned)
        .onCommand(Checkpointed.class, this::onCheckpointed)
        .onCommand(Failure.class, (s, m) -> fail(m.message()))
        .onCommand(EvaluationFailed.class, this::onEvaluationFailed)
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

  private int maxInFlight() {
    return workers < 0 ? w.maxInFlight() : Math.max(1, Math.min(w.maxInFlight(), workers));
  }

  private int inFlight() {
    return (generating == null ? 0 : 1) + evaluating.size() + toLearn.size() + (learning == null ? 0 : 1) + (parked == null ? 0 : 1);
  }

  /** Decides what comes next; every step of the loop comes back here. */
  private Effect<SearchEvent, State> advance(State s) {
    if (run == null) return Effect().none();
    if (!agentsReady) {
      if (!restoring) restoreAgents(s);
      restoring = true;
      return Effect().none();
    }
    if (learning == null && s.lastEvaluatedEpisode() != s.checkpointEpisode()) {
      // Evaluation and checkpoint are journaled together, so only a foreign or damaged journal gets here.
      run.listener().tell(new Failed("journal inconsistent: " + s.episodesDone() + " episodes evaluated, agents checkpointed after "
          + s.checkpointEpisode()));
      return Effect().stop();
    }
    int target = Math.min(s.started().episodes(), run.episodes());
    boolean late = run.deadlineEpochMillis() > 0 && System.currentTimeMillis() >= run.deadlineEpochMillis();
    if (failed != null) {
      // Only a learning the uninterrupted search would have done in this order (the next episode generated first).
      if (learning == null && generating == null && !toLearn.isEmpty() && generatedAfter(toLearn.peek().episode)) learn(s, toLearn.poll());
      if (learning == null && generating == null) return fail(failed);
      return Effect().none();
    }
    if (generating == null && !toReplay.isEmpty()) {
      int id = toReplay.poll();
      generating = new EpisodeRun(id, s.open().get(id));
      replayStep();
      return Effect().none();
    }
    if (parked != null && s.episodesDone() + inFlight() - 1 < target) {
      EpisodeRun e = parked;
      parked = null;
      evaluate(e);
    }
    // With two in flight, one episode past a partial run's end is generated (and parked), as an uninterrupted search would.
    int generateTo = maxInFlight() > 1 && run.episodes() < s.started().episodes() ? run.episodes() + 1 : target;
    if (learning == null && !toLearn.isEmpty() && mayLearn(s, toLearn.peek(), generateTo, late)) learn(s, toLearn.poll());
    int inFlight = inFlight();
    if (inFlight - (parked == null ? 0 : 1) == 0) {
      if (s.episodesDone() >= s.started().episodes()) return complete("episodes", s);
      if (s.episodesDone() >= run.episodes()) {
        // A partial run (tests, or a caller that runs a search in slices): the search stays open for resume.
        run.listener().tell(new Finished("paused", s.episodesDone()));
        run = null;
        return Effect().none();
      }
      if (late) return complete("max-time", s);
    }
    if (late || generating != null || inFlight >= maxInFlight() || s.episodesDone() + inFlight >= generateTo) return Effect().none();
    int episode = nextEpisode(s);
    generating = new EpisodeRun(episode);
    return Effect().persist(new EpisodeStarted(episode)).thenRun(ns -> act(ns));
  }

  /**
   * Whether the agents may learn from {@code e} now. They learn one episode at a time, never while generating one,
   * and only once the episode after it is generated, unless none can be: so the agents' work comes in one order,
   * whatever the evaluations' timing — with one episode in flight, act(k), learn(k), act(k+1); with two,
   * act(k+1), learn(k), act(k+2) (the policy acts one episode behind while an evaluation runs). A resume from the
   * checkpoint after learn(k) therefore continues exactly.
   */
  private boolean mayLearn(State s, EpisodeRun e, int generateTo, boolean late) {
    if (generating != null) return false;
    if (generated().higher(e.episode) != null) return true;
    return inFlight() >= maxInFlight() || late || s.episodesDone() + inFlight() >= generateTo;
  }

  /** Whether an episode after {@code episode} is generated (in the strict order, none needs to be). */
  private boolean generatedAfter(int episode) {
    return maxInFlight() == 1 || generated().higher(episode) != null;
  }

  /**
   * The episodes whose every step the agents have generated and that are not yet journaled as evaluated, the one
   * being learned from aside: what a checkpoint taken now is ahead of.
   */
  private TreeSet<Integer> generated() {
    TreeSet<Integer> ids = new TreeSet<>(evaluating.keySet());
    for (EpisodeRun r : toLearn) ids.add(r.episode);
    if (parked != null) ids.add(parked.episode);
    ids.addAll(unevaluated);
    return ids;
  }

  /** The smallest episode id neither evaluated nor in flight: an episode left open by a crash runs again under its id. */
  private int nextEpisode(State s) {
    Set<Integer> taken = new HashSet<>(evaluating.keySet());
    for (State.Episode e : s.episodes()) taken.add(e.evaluated().episode());
    for (EpisodeRun e : toLearn) taken.add(e.episode);
    if (learning != null) taken.add(learning.episode);
    if (parked != null) taken.add(parked.episode);
    taken.addAll(toReplay);
    int id = 1;
    while (taken.contains(id)) id++;
    return id;
  }

  private Effect<SearchEvent, State> complete(String reason, State s) {
    return Effect().persist(new SearchCompleted(reason, s.episodesDone()))
        .thenRun(ns -> run.listener().tell(new Finished(reason, ns.episodesDone())));
  }

  private void restoreAgents(State s) {
    // Every evaluated episode up to the one the last checkpoint follows, in journal order (the order they were learned).
    List<EpisodeTransitions.Step> journaled = new ArrayList<>();
    for (State.Episode e : s.episodes()) {
      if (s.checkpoint() == null) break;
      journaled.addAll(EpisodeTransitions.of(e.steps(), e.evaluated().reward()));
      if (e.evaluated().episode() == s.checkpointEpisode()) break;
    }
    List<EpisodeTransitions.Step> ct = List.copyOf(journaled), dt = ct;
    CheckpointRef d = s.checkpoint() == null ? null : s.checkpoint().of(DdpgAgent.NAME);
    CheckpointRef r = s.checkpoint() == null ? null : s.checkpoint().of(RainbowLearner.NAME);
    ctx.askWithStatus(Done.class, w.ddpg(), w.askTimeout(), reply -> new LearnerProtocol.Restore(d, ct, reply),
        (ok, err) -> err != null ? new Failure(err.getMessage()) : new AgentsRestored(DdpgAgent.NAME));
    ctx.askWithStatus(Done.class, w.rainbow(), w.askTimeout(), reply -> new LearnerProtocol.Restore(r, dt, reply),
        (ok, err) -> err != null ? new Failure(err.getMessage()) : new AgentsRestored(RainbowLearner.NAME));
  }

  private Effect<SearchEvent, State> onAgentsRestored(State s, AgentsRestored m) {
    // Both agents must be back before the first step.
    restoredReplies++;
    if (restoredReplies < 2) return Effect().none();
    agentsReady = true;
    // Episodes the checkpointed agents had generated ahead run again from their journaled steps (in id order, as
    // they were generated); one whose steps are not all journaled is generated anew.
    if (s.checkpoint() != null)
      for (int id : new TreeSet<>(s.checkpoint().ahead())) {
        List<LayerStepTaken> steps = s.open().get(id);
        if (!s.isEvaluated(id) && steps != null && steps.size() == s.started().decisionLayers().size()) toReplay.add(id);
      }
    return advance(s);
  }

  /** The next step of a replayed episode: the journaled decision goes to the worker, nothing is journaled again. */
  private void replayStep() {
    EpisodeRun e = generating;
    LayerStepTaken step = e.replay.get(e.step);
    e.state = step.state();
    e.action = step.action();
    e.hidden = step.hidden();
    e.steps.add(step);
    compress(e, step.decision());
  }

  private void act(State s) {
    EpisodeRun e = generating;
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
    if (notGenerating(m.episode())) return Effect().none();
    generating.action = m.action();
    generating.hidden = m.hidden();
    float[] input = EpisodeTransitions.rainbowInput(m.hidden(), generating.state);
    ctx.ask(RainbowLearner.Chosen.class, w.rainbow(), w.askTimeout(), reply -> new RainbowLearner.Choose(input, true, reply),
        (c, err) -> err != null ? new Failure("rainbow act: " + err.getMessage()) : new GotAlgorithm(m.episode(), c.algorithm()));
    return Effect().none();
  }

  private Effect<SearchEvent, State> onAlgorithm(State s, GotAlgorithm m) {
    if (notGenerating(m.episode())) return Effect().none();
    EpisodeRun e = generating;
    List<LayerShape> layers = s.started().decisionLayers();
    LayerDecision d;
    try {
      d = w.actions().decision(e.step, layers.size(), e.action, m.algorithm(), s.started().algorithms());
    } catch (IllegalArgumentException ex) {
      ctx.getSelf().tell(new Failure("step " + e.step + " of episode " + e.episode + ": " + ex.getMessage()));
      return Effect().none();
    }
    var step = new LayerStepTaken(e.episode, e.step, layers.get(e.step).name(), e.state, e.action, e.hidden, m.algorithm(), d);
    return Effect().persist(step).thenRun(ns -> {
      e.steps.add(step);
      compress(e, d);
    });
  }

  private void compress(EpisodeRun e, LayerDecision d) {
    ctx.askWithStatus(CompressionWorker.LayerCompressed.class, w.worker(), w.askTimeout(),
        reply -> new CompressionWorker.CompressLayer(e.episode, e.step, d, reply),
        (r, err) -> err != null ? new Failure(err.getMessage()) : new Compressed(r));
  }

  private Effect<SearchEvent, State> onCompressed(State s, Compressed m) {
    if (notGenerating(m.result().episode())) return Effect().none();
    List<EnergyEstimator.LayerCost> costs = new ArrayList<>();
    boolean activations = s.started().measuresActivations();
    for (LayerOutcome o : m.result().outcomes()) {
      double density = o.shape().weightDensity(o.params());
      costs.add(new EnergyEstimator.LayerCost(o.shape(), o.decision().weightBits(), o.decision().activationBits(), density,
          activations ? o.inputDensity() : 1.0));
    }
    int episode = generating.episode;
    pendingOutcomes = m.result().outcomes();
    ctx.ask(EnergyEstimator.Estimated.class, w.estimator(), w.askTimeout(),
        reply -> new EnergyEstimator.Estimate(m.result().step(), costs, reply),
        (r, err) -> err != null ? new Failure("energy: " + err.getMessage()) : new Priced(episode, r));
    return Effect().none();
  }

  private Effect<SearchEvent, State> onPriced(State s, Priced m) {
    if (notGenerating(m.episode())) return Effect().none();
    EpisodeRun e = generating;
    Map<String, LayerShape> original = originalShapes(s);
    for (int i = 0; i < pendingOutcomes.size(); i++) {
      LayerOutcome o = pendingOutcomes.get(i);
      LayerShape before = original.get(o.layer());
      if (before != null) e.macsRemoved += before.macs() - o.nonZeroMacs();
      e.plan.add(new LayerPlan(o.layer(), o.decision()));
      e.results.add(new LayerResult(o.layer(), o.shape(), o.sparsity(), o.keptChannels(), o.params(), o.macs(),
          o.nonZeroMacs(), o.decision().weightBits(), o.decision().activationBits(), m.estimated().energies().get(i),
          s.started().measuresActivations() ? o.inputDensity() : null));
    }
    e.previousAction = e.action;
    e.step++;
    if (e.step < s.started().decisionLayers().size()) {
      if (e.replay != null) replayStep();
      else act(s);
      return Effect().none();
    }
    generating = null;
    if (failed != null || s.episodesDone() + inFlight() >= run.episodes()) parked = e;
    else evaluate(e);
    // With room for more episodes in flight, the next plan is generated while this one is evaluated.
    return advance(s);
  }

  private void evaluate(EpisodeRun e) {
    CompressionPlan plan = new CompressionPlan(e.plan);
    evaluating.put(e.episode, e);
    ctx.askWithStatus(CompressionWorker.PlanEvaluated.class, w.evaluator(), w.askTimeout(),
        reply -> new CompressionWorker.Evaluate(e.episode, plan, reply),
        (r, err) -> err != null ? new EvaluationFailed(e.episode, err.getMessage()) : new Evaluated(r));
  }

  private Effect<SearchEvent, State> fail(String message) {
    ctx.getLog().error("search failed: {}", message);
    if (run != null) run.listener().tell(new Failed(message));
    return Effect().stop();
  }

  /**
   * A failed evaluation stops the search, but first the work under way ends as it would have: a generation in
   * progress completes (and is parked), and the agents learn from the episodes already evaluated and journal them.
   * So what a failure leaves in the journal does not depend on timing, and the resume continues exactly.
   */
  private Effect<SearchEvent, State> onEvaluationFailed(State s, EvaluationFailed m) {
    EpisodeRun e = evaluating.remove(m.episode());
    if (e == null) return Effect().none();
    unevaluated.add(e.episode);
    if (failed == null) failed = m.message();
    return advance(s);
  }

  private Effect<SearchEvent, State> onEvaluated(State s, Evaluated m) {
    EpisodeRun e = evaluating.remove(m.result().episode());
    // A duplicate or late result (a re-dispatched evaluation answered twice) is dropped: one evaluation per episode.
    if (e == null || s.isEvaluated(m.result().episode())) return Effect().none();
    SearchStarted st = s.started();
    double accuracy = m.result().accuracy();
    double loss = (st.baselineAccuracy() - accuracy) * 100;
    double energy = e.results.stream().mapToDouble(LayerResult::energy).sum();
    double reduction = 1 - energy / st.baselineEnergy();
    // Past the bound the penalty is graded by the first batch's loss: the same with early rejection on or off.
    double firstBatchLoss = (st.baselineAccuracy() - m.result().firstBatchAccuracy()) * 100;
    double reward = w.rewards().reward(loss, firstBatchLoss, reduction * 100);
    e.evaluation = new EpisodeEvaluated(e.episode, new CompressionPlan(e.plan), accuracy, loss, energy, reduction, reward, e.results);
    toLearn.add(e);
    return advance(s);
  }

  /**
   * The agents learn and checkpoint before the evaluation is journaled: EpisodeEvaluated and AgentCheckpointed are
   * persisted together, so a crash anywhere before leaves the episode in flight, to be run again from the previous
   * checkpoint with the same random state (learning first and journaling after would lose the RNG's advance).
   */
  private void learn(State s, EpisodeRun e) {
    learning = e;
    var ct = EpisodeTransitions.of(e.steps, e.evaluation.reward());
    int episode = e.episode;
    ctx.askWithStatus(Done.class, w.ddpg(), w.askTimeout(), reply -> new LearnerProtocol.Learn(episode, ct, reply),
        (ok, err) -> err != null ? new Failure(err.getMessage()) : new Learned(episode, DdpgAgent.NAME));
  }

  /** After DDPG learned: Rainbow learns; after Rainbow: the checkpoints. */
  private Effect<SearchEvent, State> onLearned(State s, Learned m) {
    if (notLearning(m.episode())) return Effect().none();
    int episode = m.episode();
    if (m.agent().equals(DdpgAgent.NAME)) {
      var dt = EpisodeTransitions.of(learning.steps, learning.evaluation.reward());
      ctx.askWithStatus(Done.class, w.rainbow(), w.askTimeout(), reply -> new LearnerProtocol.Learn(episode, dt, reply),
          (ok, err) -> err != null ? new Failure(err.getMessage()) : new Learned(episode, RainbowLearner.NAME));
    } else {
      pendingCheckpoint.clear();
      ctx.askWithStatus(CheckpointRef.class, w.ddpg(), w.askTimeout(), reply -> new LearnerProtocol.Checkpoint(episode, reply),
          (r, err) -> err != null ? new Failure(err.getMessage()) : new Checkpointed(episode, r));
    }
    return Effect().none();
  }

  private Effect<SearchEvent, State> onCheckpointed(State s, Checkpointed m) {
    if (notLearning(m.episode())) return Effect().none();
    pendingCheckpoint.add(m.ref());
    int episode = m.episode();
    if (pendingCheckpoint.size() == 1) {
      ctx.askWithStatus(CheckpointRef.class, w.rainbow(), w.askTimeout(), reply -> new LearnerProtocol.Checkpoint(episode, reply),
          (r, err) -> err != null ? new Failure(err.getMessage()) : new Checkpointed(episode, r));
      return Effect().none();
    }
    EpisodeEvaluated ev = learning.evaluation;
    // Generated after the previous learning and before this one: their actions are behind the checkpoint's state.
    List<Integer> ahead = List.copyOf(generated());
    var checkpointed = new AgentCheckpointed(episode, List.copyOf(pendingCheckpoint), ahead);
    pendingCheckpoint.clear();
    return Effect().persist(List.of(ev, checkpointed)).thenRun(ns -> {
      learning = null;
      w.checkpoints().retainOnly(Set.of(episode));
      var best = ParetoArchive.of(ns.evaluated()).chosen(w.rewards().maxAccuracyLoss());
      run.listener().tell(new EpisodeDone(ev.episode(), ev.reward(), ev.accuracyLoss(), ev.energyReduction(),
          best.map(ParetoArchive.Point::energyReduction).orElse(Double.NaN),
          best.map(ParetoArchive.Point::episode).orElse(0)));
      ctx.getSelf().tell(new Advance());
    });
  }

  private boolean notGenerating(int episode) {
    return generating == null || generating.episode != episode;
  }

  private boolean notLearning(int episode) {
    return learning == null || learning.episode != episode;
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
