package dev.hwc.search;

import com.typesafe.config.Config;
import dev.hwc.cli.HwcConfig;
import dev.hwc.compress.CompressionSettings;
import dev.hwc.data.DataSettings;
import dev.hwc.data.DataSplits;
import dev.hwc.energy.Accelerator;
import dev.hwc.energy.EnergySettings;
import dev.hwc.energy.ModelEnergy;
import dev.hwc.energy.RowStationaryModel;
import dev.hwc.model.EvaluationSettings;
import dev.hwc.model.ModelIO;
import dev.hwc.model.Network;
import dev.hwc.rl.CompositeAgent;
import dev.hwc.rl.Ddpg;
import dev.hwc.rl.Rainbow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The production pieces: the DL4J/SameDiff model and compressor, the row-stationary energy model, the composite agent. */
public final class RealParts implements PartsFactory {
  @Override
  public SearchRuntime.Parts create(Config root, Path model, long seed, Path hardware) {
    Network net = ModelIO.load(model);
    DataSplits splits = DataSplits.load(DataSettings.from(root));
    CompressionSettings cs = CompressionSettings.from(root);
    var compression = new ModelCompression(net, fingerprint(model), splits, cs, EvaluationSettings.from(root),
        root.getDouble("hwc.search.max-accuracy-loss"));

    EnergySettings es = EnergySettings.fromConfig(root.getConfig("hwc.energy"));
    Path hw = hardware != null ? hardware : HwcConfig.resolve(es.hardware());
    var energy = new AcceleratorEnergy(new ModelEnergy(new RowStationaryModel(Accelerator.load(hw), es.densityStep()), es.baselineBits()));

    var agents = new CompositePolicies(CompositeAgent.Config.from(root.getConfig("hwc.rl.composite")),
        Ddpg.Config.from(root.getConfig("hwc.rl.ddpg")), Rainbow.Config.from(root.getConfig("hwc.rl.rainbow")),
        LayerEmbedding.SIZE, cs.algorithms().size(), seed);
    return new SearchRuntime.Parts(compression, energy, agents.ddpg(), agents.rainbow());
  }

  /** SHA-256 of the model file, hex. */
  static String fingerprint(Path model) {
    try {
      return CheckpointStore.sha256(Files.readAllBytes(model));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model " + model + ": " + e.getMessage(), e);
    }
  }
}
