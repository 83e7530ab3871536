package dev.hwc.search;

import dev.hwc.search.SearchEvent.CheckpointRef;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;

import java.util.List;

/** The Rainbow-DQN half of the composite agent: picks the pruning algorithm per layer step from DDPG's hidden features and the state. */
public final class RainbowLearner {
  private RainbowLearner() {}

  public static final String NAME = "rainbow";

  public sealed interface Command extends JsonSerializable {}

  /** Input: DDPG's hidden features followed by the state ({@link EpisodeTransitions#rainbowInput}). */
  public record Choose(float[] input, boolean explore, ActorRef<Chosen> replyTo) implements Command {}

  /** The algorithm's index in the menu. */
  public record Chosen(int algorithm) implements JsonSerializable {}

  /** Restores the checkpoint (none: keep the fresh policy), then refills the replay buffer with the journal's transitions. */
  public record Restore(CheckpointRef checkpoint, List<EpisodeTransitions.Step> transitions,
                        ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Adds one episode's transitions to the replay buffer and runs the end-of-episode updates. */
  public record Learn(int episode, List<EpisodeTransitions.Step> transitions,
                      ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record Checkpoint(int episode, ActorRef<StatusReply<CheckpointRef>> replyTo) implements Command {}

  public static Behavior<Command> create(DiscretePolicy initial, CheckpointStore store) {
    return Behaviors.setup(ctx -> running(initial, store));
  }

  private static Behavior<Command> running(DiscretePolicy policy, CheckpointStore store) {
    return Behaviors.receive(Command.class)
        .onMessage(Choose.class, m -> {
          m.replyTo().tell(new Chosen(policy.act(m.input(), m.explore())));
          return Behaviors.same();
        })
        .onMessage(Restore.class, m -> {
          try {
            DiscretePolicy p = m.checkpoint() == null ? policy : policy.fromBytes(store.read(m.checkpoint()));
            p.remember(m.transitions());
            m.replyTo().tell(StatusReply.ack());
            return running(p, store);
          } catch (RuntimeException e) {
            m.replyTo().tell(StatusReply.error("restoring " + NAME + ": " + e.getMessage()));
            return Behaviors.same();
          }
        })
        .onMessage(Learn.class, m -> {
          try {
            policy.remember(m.transitions());
            policy.learn();
            m.replyTo().tell(StatusReply.ack());
          } catch (RuntimeException e) {
            m.replyTo().tell(StatusReply.error(NAME + " learning from episode " + m.episode() + ": " + e.getMessage()));
          }
          return Behaviors.same();
        })
        .onMessage(Checkpoint.class, m -> {
          try {
            m.replyTo().tell(StatusReply.success(store.write(NAME, m.episode(), policy.toBytes())));
          } catch (RuntimeException e) {
            m.replyTo().tell(StatusReply.error(NAME + " checkpoint of episode " + m.episode() + ": " + e.getMessage()));
          }
          return Behaviors.same();
        })
        .build();
  }
}
