package dev.hwc.search;

import dev.hwc.search.SearchEvent.CheckpointRef;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;

import java.util.List;
import java.util.function.Function;

/**
 * The learner half of the {@link DdpgAgent} and {@link RainbowLearner} protocols: the same three messages and
 * handlers for both (restore from a checkpoint and the journal, learn from an episode, write a checkpoint).
 */
public final class LearnerProtocol {
  private LearnerProtocol() {}

  /** Restores the checkpoint (none: keep the fresh policy), then refills the replay buffer with the journal's transitions. */
  public record Restore(CheckpointRef checkpoint, List<EpisodeTransitions.Step> transitions,
                        ActorRef<StatusReply<Done>> replyTo) implements DdpgAgent.Command, RainbowLearner.Command {}

  /** Adds one episode's transitions to the replay buffer and runs the end-of-episode updates. */
  public record Learn(int episode, List<EpisodeTransitions.Step> transitions,
                      ActorRef<StatusReply<Done>> replyTo) implements DdpgAgent.Command, RainbowLearner.Command {}

  public record Checkpoint(int episode, ActorRef<StatusReply<CheckpointRef>> replyTo)
      implements DdpgAgent.Command, RainbowLearner.Command {}

  /** Handles {@link Restore}: the restored policy's behavior, or the same one (with an error reply) on failure. */
  static <P extends LearningPolicy<P>, C> Behavior<C> restore(Restore m, String name, P policy, CheckpointStore store,
                                                               Function<P, Behavior<C>> running) {
    try {
      P p = m.checkpoint() == null ? policy : policy.fromBytes(store.read(m.checkpoint()));
      p.remember(m.transitions());
      m.replyTo().tell(StatusReply.ack());
      return running.apply(p);
    } catch (RuntimeException e) {
      m.replyTo().tell(StatusReply.error("restoring " + name + ": " + e.getMessage()));
      return Behaviors.same();
    }
  }

  static <C> Behavior<C> learn(Learn m, String name, LearningPolicy<?> policy) {
    try {
      policy.remember(m.transitions());
      policy.learn();
      m.replyTo().tell(StatusReply.ack());
    } catch (RuntimeException e) {
      m.replyTo().tell(StatusReply.error(name + " learning from episode " + m.episode() + ": " + e.getMessage()));
    }
    return Behaviors.same();
  }

  static <C> Behavior<C> checkpoint(Checkpoint m, String name, LearningPolicy<?> policy, CheckpointStore store) {
    try {
      m.replyTo().tell(StatusReply.success(store.write(name, m.episode(), policy.toBytes())));
    } catch (RuntimeException e) {
      m.replyTo().tell(StatusReply.error(name + " checkpoint of episode " + m.episode() + ": " + e.getMessage()));
    }
    return Behaviors.same();
  }
}
