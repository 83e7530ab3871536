package dev.hwc.search;

import com.typesafe.config.Config;
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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** The production pieces: the DL4J/SameDiff model and compressor, the row-stationary energy model, the composite agent. */
public final class RealParts implements PartsFactory {
  @Override
  public SearchRuntime.Parts create(Config root, Path model, long seed, Path hardware) {
    CompressionSettings cs = CompressionSettings.from(root);
    var compression = compression(root, model);

    EnergySettings es = EnergySettings.fromConfig(root.getConfig("hwc.energy"));
    Path hw = hardware != null ? hardware : InstallDir.resolve(es.hardware());
    var energy = new AcceleratorEnergy(new ModelEnergy(new RowStationaryModel(Accelerator.load(hw), es.densityStep()), es.baselineBits()));

    var agents = new CompositePolicies(CompositeAgent.Config.from(root.getConfig("hwc.rl.composite")),
        Ddpg.Config.from(root.getConfig("hwc.rl.ddpg")), Rainbow.Config.from(root.getConfig("hwc.rl.rainbow")),
        LayerEmbedding.SIZE, cs.algorithms().size(), seed);
    return policies(root, cs.algorithms(), seed, compression, energy, agents);
  }

  /** The real compression backend of a search on {@code model} (loads the model and the data splits). */
  public static ModelCompression compression(Config root, Path model) {
    Network net = ModelIO.load(model);
    DataSplits splits = DataSplits.load(DataSettings.from(root), net.signature(model.getFileName().toString()));
    return new ModelCompression(net, fingerprint(model), splits, CompressionSettings.from(root), EvaluationSettings.from(root),
        root.getDouble("hwc.search.max-accuracy-loss"));
  }

  /**
   * A cluster worker's backend for {@code job}: the search's journaled configuration over this node's, and the model
   * at the journaled path, which must be the very file the search started with (same fingerprint).
   */
  public static CompressionBackend evaluationBackend(Config local, WorkDispatcher.SearchJob job) {
    Config root = JournaledConfig.of(job.configJson(), local);
    Path model = Path.of(job.modelPath());
    if (!Files.isRegularFile(model))
      throw new IllegalArgumentException("model " + model + " of search '" + job.searchId() + "' is not on this node");
    String fp = fingerprint(model);
    if (!fp.equals(job.modelFingerprint()))
      throw new IllegalArgumentException("model " + model + " on this node differs from search '" + job.searchId()
          + "''s (fingerprint " + fp + ", journal " + job.modelFingerprint() + ")");
    return compression(root, model);
  }

  /** The two policies of hwc.search.strategy (the composite agent's halves, or a baseline's). */
  static SearchRuntime.Parts policies(Config root, List<String> menu, long seed, CompressionBackend compression,
                                      EnergyBackend energy, CompositePolicies agents) {
    return policies(root, menu, seed, compression, energy, agents.ddpg(), agents.rainbow());
  }

  /**
   * The two policies of hwc.search.strategy over the composite agent's halves {@code ddpg} and {@code rainbow}; public
   * so that tests can run every strategy over doubles of the backends and agents.
   */
  public static SearchRuntime.Parts policies(Config root, List<String> menu, long seed, CompressionBackend compression,
                                             EnergyBackend energy, ContinuousPolicy ddpg, DiscretePolicy rainbow) {
    SearchStrategy strategy = SearchStrategy.parse(root.getString("hwc.search.strategy"));
    int fixed = strategy == SearchStrategy.COMPOSITE || strategy == SearchStrategy.RANDOM || strategy == SearchStrategy.UNIFORM
        ? 0 : fixedAlgorithm(root, menu);
    var one = new SearchStrategy.FixedAlgorithm(fixed);
    BehaviourPolicy behaviour = behaviourPolicy(root, menu, seed);
    if (behaviour != null && strategy != SearchStrategy.RANDOM && strategy != SearchStrategy.UNIFORM) {
      ddpg = behaviour.continuous(ddpg);
      rainbow = behaviour.discrete(rainbow);
    }
    return switch (strategy) {
      case COMPOSITE -> new SearchRuntime.Parts(compression, energy, ddpg, rainbow);
      case DDPG_FIXED -> new SearchRuntime.Parts(compression, energy, ddpg, one);
      // action 1 maps to the top of the bits range (8), action 0 to the bottom of the ratio range (no pruning)
      case PRUNE_ONLY -> new SearchRuntime.Parts(compression, energy,
          new SearchStrategy.Masked(ddpg, new float[] {-1, 1, 1}), one);
      case QUANT_ONLY -> new SearchRuntime.Parts(compression, energy,
          new SearchStrategy.Masked(ddpg, new float[] {0, -1, -1}), one);
      case RANDOM -> {
        var rng = new dev.hwc.rl.Rng(seed);
        yield new SearchRuntime.Parts(compression, energy,
            new SearchStrategy.RandomActions(LayerEmbedding.ACTION_SIZE, rng),
            new SearchStrategy.RandomAlgorithm(menu.size(), new dev.hwc.rl.Rng(seed ^ 0x5DEECE66DL)));
      }
      case UNIFORM -> new SearchRuntime.Parts(compression, energy,
          new SearchStrategy.GridActions(uniformGrid(root, menu.size()), ActionMapping.from(CompressionSettings.from(root))),
          new SearchStrategy.GridAlgorithm());
    };
  }

  /**
   * The learning agents' behaviour policy of hwc.search.warmup and hwc.search.incumbent ({@link BehaviourPolicy}), or
   * null when neither is on (a random warm-up and no exploration around the incumbent: the agents alone).
   */
  static BehaviourPolicy behaviourPolicy(Config root, List<String> menu, long seed) {
    try {
      String warmup = root.getString("hwc.search.warmup");
      if (!List.of("grid", "frontier", "random").contains(warmup))
        throw new IllegalArgumentException("hwc.search.warmup '" + warmup + "' is not one of grid, frontier, random");
      String in = "hwc.search.incumbent.";
      var exploration = new BehaviourPolicy.Exploration(root.getDouble(in + "share"), root.getDouble(in + "sigma"),
          root.getDouble(in + "global-share"), root.getInt(in + "parents"), root.getDouble(in + "keep-algorithm"));
      if (warmup.equals("random") && exploration.share() == 0) return null;
      ActionMapping mapping = ActionMapping.from(CompressionSettings.from(root));
      WarmupOrder order = null;
      if (!warmup.equals("random")) {
        List<Integer> algorithms = warmupAlgorithms(root, menu);
        UniformGrid grid = uniformGrid(root, algorithms);
        SearchStrategy strategy = SearchStrategy.parse(root.getString("hwc.search.strategy"));
        // the bisections read the algorithm each episode ran: ddpg-fixed's is its fixed one; prune-only's and
        // quant-only's masks keep the probes' bits or ratios from being run, so they take the grid's order
        if (warmup.equals("grid") || strategy == SearchStrategy.PRUNE_ONLY || strategy == SearchStrategy.QUANT_ONLY) order = grid;
        else order = new FrontierWarmup(grid, strategy == SearchStrategy.DDPG_FIXED ? List.of(fixedAlgorithm(root, menu)) : algorithms,
            mapping, SearchSettings.penalty(root.getConfig("hwc.search.reward")).atBound());
      }
      return new BehaviourPolicy(order, mapping, root.getInt("hwc.rl.ddpg.warmup-episodes"), exploration, seed);
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }

  /** hwc.search.fixed-algorithm's index in the menu. */
  private static int fixedAlgorithm(Config root, List<String> menu) {
    String name = root.getString("hwc.search.fixed-algorithm");
    int fixed = menu.indexOf(name);
    if (fixed < 0) throw new IllegalArgumentException("hwc.search.fixed-algorithm '" + name + "' is not in hwc.compress.algorithms " + menu);
    return fixed;
  }

  /**
   * The warm-up's algorithms: hwc.search.warmup-algorithms (names of the menu) as menu indices, in their listing order,
   * or the whole menu when that list is empty.
   */
  static List<Integer> warmupAlgorithms(Config root, List<String> menu) {
    List<String> names = root.getStringList("hwc.search.warmup-algorithms");
    if (names.isEmpty()) return IntStream.range(0, menu.size()).boxed().toList();
    List<Integer> indices = new ArrayList<>();
    for (String n : names) {
      int i = menu.indexOf(n);
      if (i < 0) throw new IllegalArgumentException("hwc.search.warmup-algorithms: '" + n + "' is not in hwc.compress.algorithms " + menu);
      if (indices.contains(i)) throw new IllegalArgumentException("hwc.search.warmup-algorithms lists '" + n + "' twice");
      indices.add(i);
    }
    return indices;
  }

  /** The uniform strategy's grid from hwc.search.uniform, the ratio range and the energy baseline's bits. */
  public static UniformGrid uniformGrid(Config root, int algorithms) {
    return uniformGrid(root, IntStream.range(0, algorithms).boxed().toList());
  }

  /** The uniform grid over the menu indices {@code algorithms}. */
  private static UniformGrid uniformGrid(Config root, List<Integer> algorithms) {
    CompressionSettings cs = CompressionSettings.from(root);
    try {
      Config u = root.getConfig("hwc.search.uniform");
      return UniformGrid.of(u.getIntList("bits"), u.getDouble("ratio-step"), cs.minRatio(), cs.maxRatio(), algorithms,
          EnergySettings.fromConfig(root.getConfig("hwc.energy")).baselineBits());
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }

  /** SHA-256 of the model file, hex. */
  public static String fingerprint(Path model) {
    try {
      return CheckpointStore.sha256(Files.readAllBytes(model));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model " + model + ": " + e.getMessage(), e);
    }
  }
}
