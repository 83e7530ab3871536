package dev.hwc.cli;

import com.typesafe.config.Config;
import dev.hwc.search.ClusterSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `hwc node`'s input checks and the Pekko configuration a node runs with; no node is started. */
class NodeCommandTest {
  @Test void aNodeRunsAClusterBoundToItsAddressWithTheSplitBrainResolverAndJacksonOnly() {
    Config root = HwcConfig.load(null);
    var settings = ClusterSettings.from(root).with("10.1.2.3", 25530, List.of("10.1.2.3:25530", "10.1.2.4:25530"));
    Config c = settings.nodeConfig(root, ClusterSettings.WORKER);
    assertEquals("cluster", c.getString("pekko.actor.provider"));
    assertEquals("10.1.2.3", c.getString("pekko.remote.artery.canonical.hostname"));
    assertEquals(25530, c.getInt("pekko.remote.artery.canonical.port"));
    // "" = the canonical address: the node listens on the configured address only, never on 0.0.0.0
    assertEquals("", c.getString("pekko.remote.artery.bind.hostname"));
    assertEquals(List.of("pekko://hwc@10.1.2.3:25530", "pekko://hwc@10.1.2.4:25530"), c.getStringList("pekko.cluster.seed-nodes"));
    assertEquals(List.of("worker"), c.getStringList("pekko.cluster.roles"));
    assertEquals("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider", c.getString("pekko.cluster.downing-provider-class"));
    assertEquals("keep-majority", c.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    assertEquals("off", c.getString("pekko.actor.allow-java-serialization"));
    assertEquals("jackson-cbor", c.getString("pekko.actor.serialization-bindings.\"dev.hwc.search.JsonSerializable\""));
    // one process keeps the local provider
    assertEquals("local", root.getString("pekko.actor.provider"));
    assertEquals(Duration.ofMinutes(5), settings.redispatchTimeout());
    assertEquals(Integer.MAX_VALUE, settings.maxInFlightCeiling());
  }

  @Test void badInputGetsOneReadableError() {
    var r = SearchCliTest.hwc("node", "--role", "boss", "--seed-nodes", "127.0.0.1:25520");
    assertEquals(2, r.code());
    assertEquals("hwc node: error: --role must be coordinator or worker, was 'boss'", r.err().strip());

    r = SearchCliTest.hwc("node", "--role", "worker", "--seed-nodes", "localhost");
    assertEquals(2, r.code());
    assertEquals("hwc node: error: seed node 'localhost' is not HOST:PORT (e.g. 10.0.0.5:25520)", r.err().strip());

    r = SearchCliTest.hwc("node", "--role", "worker");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--seed-nodes is required"), r.err());

    var e = assertThrows(IllegalArgumentException.class, () -> ClusterSettings.from(HwcConfig.load(null)).with(null, 70000, null));
    assertEquals("hwc.cluster.port must be in [0, 65535], was 70000", e.getMessage());
  }
}
