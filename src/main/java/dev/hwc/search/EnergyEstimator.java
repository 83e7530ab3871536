package dev.hwc.search;

import dev.hwc.model.LayerShape;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.ArrayList;
import java.util.List;

/** Prices compressed layers on the accelerator model; the maths is the {@link EnergyBackend}'s. */
public final class EnergyEstimator {
  private EnergyEstimator() {}

  public sealed interface Command extends JsonSerializable {}

  /**
   * One layer to price: its (thinned) shape, bit-widths, the fraction of its weights that are non-zero and of its
   * input activations (1 where the search does not measure them).
   */
  public record LayerCost(LayerShape shape, int weightBits, int activationBits, double weightDensity, double inputDensity) {}

  public record Estimate(int step, List<LayerCost> layers, ActorRef<Estimated> replyTo) implements Command {}

  /** Energies (pJ) in the order of the request's layers. */
  public record Estimated(int step, List<Double> energies) implements JsonSerializable {}

  public static Behavior<Command> create(EnergyBackend energy) {
    return Behaviors.receive(Command.class)
        .onMessage(Estimate.class, m -> {
          List<Double> out = new ArrayList<>(m.layers().size());
          for (LayerCost l : m.layers())
            out.add(energy.layerEnergy(l.shape(), l.weightBits(), l.activationBits(), l.weightDensity(), l.inputDensity()));
          m.replyTo().tell(new Estimated(m.step(), out));
          return Behaviors.same();
        })
        .build();
  }
}
