package dev.hwc.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The typed {@code hwc.cluster} settings (conf/cluster.conf) of one node, and the Pekko configuration a node runs
 * with. {@code maxInFlight} 0 means as many episodes as evaluation workers are reachable.
 */
public record ClusterSettings(String host, int port, List<String> seedNodes, int maxInFlight, Duration redispatchTimeout) {
  public static final String COORDINATOR = "coordinator";
  public static final String WORKER = "worker";
  /** The actor system's name on every node: seed-node addresses are {@code pekko://hwc@HOST:PORT}. */
  public static final String SYSTEM = "hwc";

  private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\-]+:\\d{1,5}");

  public ClusterSettings {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("hwc.cluster.host must not be empty");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("hwc.cluster.port must be in [0, 65535], was " + port);
    for (String s : seedNodes)
      if (!HOST_PORT.matcher(s).matches())
        throw new IllegalArgumentException("seed node '" + s + "' is not HOST:PORT (e.g. 10.0.0.5:25520)");
    seedNodes = List.copyOf(seedNodes);
    if (maxInFlight < 0) throw new IllegalArgumentException("hwc.cluster.max-in-flight must be >= 0, was " + maxInFlight);
    if (redispatchTimeout.isNegative() || redispatchTimeout.isZero())
      throw new IllegalArgumentException("hwc.cluster.redispatch-timeout must be positive, was " + redispatchTimeout);
  }

  public static ClusterSettings from(Config root) {
    try {
      Config c = root.getConfig("hwc.cluster");
      return new ClusterSettings(c.getString("host"), c.getInt("port"), c.getStringList("seed-nodes"),
          c.getInt("max-in-flight"), c.getDuration("redispatch-timeout"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }

  /** These settings with the command line's choices (null: keep the configured one). */
  public ClusterSettings with(String host, Integer port, List<String> seedNodes) {
    return new ClusterSettings(host != null ? host : this.host, port != null ? port : this.port,
        seedNodes != null ? seedNodes : this.seedNodes, maxInFlight, redispatchTimeout);
  }

  /** The ceiling on episodes in flight that the coordinator's wiring gets (0 means: no ceiling but the workers). */
  public int maxInFlightCeiling() {
    return maxInFlight == 0 ? Integer.MAX_VALUE : maxInFlight;
  }

  /**
   * What a node with {@code role} runs with: {@code root} with hwc-node.pekko layered over its pekko section, the
   * remoting bound to {@code host:port} only, and the seed nodes and role set.
   */
  public Config nodeConfig(Config root, String role) {
    List<String> seeds = new ArrayList<>();
    for (String s : seedNodes) seeds.add("pekko://" + SYSTEM + "@" + s);
    return ConfigFactory.empty()
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(host))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(List.of(role)))
        .withFallback(root.getConfig("hwc-node").withOnlyPath("pekko"))
        .withFallback(root);
  }
}
