package dev.hwc.compress;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The decisions of one episode, one per prunable layer in topological order. A value: equal plans have equal
 * canonical JSON and equal {@link #hash()}.
 */
public record CompressionPlan(List<LayerPlan> layers) {

  /** One prunable layer's decision, named by the layer. */
  public record LayerPlan(String layer, LayerDecision decision) {
    public LayerPlan {
      Objects.requireNonNull(layer, "layer");
      Objects.requireNonNull(decision, "decision of layer " + layer);
    }
  }

  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  public CompressionPlan {
    Objects.requireNonNull(layers, "layers");
    layers = List.copyOf(layers);
    var seen = new HashSet<String>();
    for (LayerPlan l : layers)
      if (!seen.add(l.layer())) throw new IllegalArgumentException("plan names layer '" + l.layer() + "' twice");
  }

  public LayerDecision decision(String layer) {
    for (LayerPlan l : layers) if (l.layer().equals(layer)) return l.decision();
    throw new IllegalArgumentException("plan has no decision for layer '" + layer + "'");
  }

  public int size() {
    return layers.size();
  }

  /** Canonical JSON: properties sorted, no whitespace. */
  public String toCanonicalJson() {
    try {
      return CANONICAL.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 of the canonical JSON, hex, first 16 characters. */
  public String hash() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(toCanonicalJson().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static CompressionPlan fromJson(String json) {
    try {
      return CANONICAL.readValue(json, CompressionPlan.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("bad plan JSON: " + e.getOriginalMessage(), e);
    }
  }
}
