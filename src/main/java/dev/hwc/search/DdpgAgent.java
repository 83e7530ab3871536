package dev.hwc.search;

import dev.hwc.search.SearchEvent.CheckpointRef;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;

import java.util.List;

/** The DDPG half of the composite agent: acts per layer step, learns per episode, checkpoints to files. */
public final class DdpgAgent {
  private DdpgAgent() {}

  public static final String NAME = "ddpg";

  public sealed interface Command extends JsonSerializable {}

  public record Act(float[] state, boolean explore, ActorRef<Acted> replyTo) implements Command {}

  /** The raw action (ratio, weight bits, activation bits) in [0, 1] and the actor network's hidden features. */
  public record Acted(float[] action, float[] hidden) implements JsonSerializable {}

  /** Restores the checkpoint (none: keep the fresh policy), then refills the replay buffer with the journal's transitions. */
  public record Restore(CheckpointRef checkpoint, List<EpisodeTransitions.Step> transitions,
                        ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Adds one episode's transitions to the replay buffer and runs the end-of-episode updates. */
  public record Learn(int episode, List<EpisodeTransitions.Step> transitions,
                      ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public record Checkpoint(int episode, ActorRef<StatusReply<CheckpointRef>> replyTo) implements Command {}

  public static Behavior<Command> create(ContinuousPolicy initial, CheckpointStore store) {
    return Behaviors.setup(ctx -> running(initial, store));
  }

  private static Behavior<Command> running(ContinuousPolicy policy, CheckpointStore store) {
    return Behaviors.receive(Command.class)
        .onMessage(Act.class, m -> {
          ContinuousPolicy.Action a = policy.act(m.state(), m.explore());
          m.replyTo().tell(new Acted(a.action(), a.hidden()));
          return Behaviors.same();
        })
        .onMessage(Restore.class, m -> {
          try {
            ContinuousPolicy p = m.checkpoint() == null ? policy : policy.fromBytes(store.read(m.checkpoint()));
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
