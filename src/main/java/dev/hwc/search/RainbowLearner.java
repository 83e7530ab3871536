package dev.hwc.search;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** The Rainbow-DQN half of the composite agent: picks the pruning algorithm per layer step from DDPG's hidden features and the state. */
public final class RainbowLearner {
  private RainbowLearner() {}

  public static final String NAME = "rainbow";

  /** Choose, and the learner messages shared with the other half ({@link LearnerProtocol}). */
  public sealed interface Command extends JsonSerializable
      permits Choose, LearnerProtocol.Restore, LearnerProtocol.Learn, LearnerProtocol.Checkpoint {}

  /** Input: DDPG's hidden features followed by the state ({@link EpisodeTransitions#rainbowInput}). */
  public record Choose(float[] input, boolean explore, ActorRef<Chosen> replyTo) implements Command {}

  /** The algorithm's index in the menu. */
  public record Chosen(int algorithm) implements JsonSerializable {}

  public static Behavior<Command> create(DiscretePolicy initial, CheckpointStore store) {
    return Behaviors.setup(ctx -> running(initial, store));
  }

  private static Behavior<Command> running(DiscretePolicy policy, CheckpointStore store) {
    return Behaviors.receive(Command.class)
        .onMessage(Choose.class, m -> {
          m.replyTo().tell(new Chosen(policy.act(m.input(), m.explore())));
          return Behaviors.same();
        })
        .onMessage(LearnerProtocol.Restore.class, m -> LearnerProtocol.restore(m, NAME, policy, store, p -> running(p, store)))
        .onMessage(LearnerProtocol.Learn.class, m -> LearnerProtocol.learn(m, NAME, policy))
        .onMessage(LearnerProtocol.Checkpoint.class, m -> LearnerProtocol.checkpoint(m, NAME, policy, store))
        .build();
  }
}
