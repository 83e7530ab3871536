package dev.hwc.search;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** The DDPG half of the composite agent: acts per layer step, learns per episode, checkpoints to files. */
public final class DdpgAgent {
  private DdpgAgent() {}

  public static final String NAME = "ddpg";

  /** Act, and the learner messages shared with the other half ({@link LearnerProtocol}). */
  public sealed interface Command extends JsonSerializable
      permits Act, LearnerProtocol.Restore, LearnerProtocol.Learn, LearnerProtocol.Checkpoint {}

  public record Act(float[] state, boolean explore, ActorRef<Acted> replyTo) implements Command {}

  /** The raw action (ratio, weight bits, activation bits) in [0, 1] and the actor network's hidden features. */
  public record Acted(float[] action, float[] hidden) implements JsonSerializable {}

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
        .onMessage(LearnerProtocol.Restore.class, m -> LearnerProtocol.restore(m, NAME, policy, store, p -> running(p, store)))
        .onMessage(LearnerProtocol.Learn.class, m -> LearnerProtocol.learn(m, NAME, policy))
        .onMessage(LearnerProtocol.Checkpoint.class, m -> LearnerProtocol.checkpoint(m, NAME, policy, store))
        .build();
  }
}
