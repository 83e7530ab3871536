package dev.hwc.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Saves and loads a {@link Network} as a zip: {@code graph.json} (the node list), {@code metadata.json} and one
 * {@code params/<node>/<param>.bin} per parameter (ND4J binary, float32). Entries are written in a fixed order with a
 * fixed timestamp, so equal networks give byte-identical files.
 */
public final class ModelIO {
  static final String GRAPH = "graph.json";
  static final String METADATA = "metadata.json";
  static final String PARAMS = "params/";
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();
  private static final TypeReference<List<Node>> NODES = new TypeReference<>() {};

  private ModelIO() {}

  public static void save(Network net, Path file) {
    try {
      if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, toBytes(net));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot write model: " + e.getMessage(), e);
    }
  }

  public static byte[] toBytes(Network net) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      put(zip, GRAPH, JSON.writerFor(NODES).writeValueAsBytes(net.nodes()));
      put(zip, METADATA, JSON.writeValueAsBytes(net.metadata()));
      for (Map.Entry<String, INDArray> e : new TreeMap<>(net.params()).entrySet()) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(p)) {
          Nd4j.write(e.getValue().castTo(DataType.FLOAT).dup('c'), out);
        }
        put(zip, PARAMS + e.getKey() + ".bin", p.toByteArray());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static Network load(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": model file not found");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read model: " + e.getMessage());
    }
    return fromBytes(bytes, file.toString());
  }

  /** Reads a model zip; {@code source} names it in errors. */
  public static Network fromBytes(byte[] bytes, String source) {
    byte[] graph = null, metadata = null;
    Map<String, INDArray> params = new HashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      ZipEntry e;
      boolean any = false;
      while ((e = zip.getNextEntry()) != null) {
        any = true;
        byte[] data = zip.readAllBytes();
        String name = e.getName();
        if (name.equals(GRAPH)) graph = data;
        else if (name.equals(METADATA)) metadata = data;
        else if (name.startsWith(PARAMS) && name.endsWith(".bin")) {
          String key = name.substring(PARAMS.length(), name.length() - 4);
          try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            params.put(key, Nd4j.read((InputStream) in));
          } catch (RuntimeException | IOException ex) {
            throw new IllegalArgumentException(source + ": corrupt parameter file " + name + " (" + ex.getMessage() + ")");
          }
        }
      }
      if (!any) throw new IllegalArgumentException(source + ": not an hwc model zip (not a zip file or empty)");
    } catch (ZipException ex) {
      throw new IllegalArgumentException(source + ": not an hwc model zip (" + ex.getMessage() + ")");
    } catch (IOException ex) {
      throw new IllegalArgumentException(source + ": cannot read model: " + ex.getMessage());
    }
    if (graph == null) throw new IllegalArgumentException(source + ": not an hwc model zip (missing " + GRAPH + ")");
    if (metadata == null) throw new IllegalArgumentException(source + ": not an hwc model zip (missing " + METADATA + ")");
    List<Node> nodes;
    ModelMetadata meta;
    try {
      nodes = JSON.readValue(graph, NODES);
    } catch (IOException ex) {
      throw new IllegalArgumentException(source + ": bad " + GRAPH + ": " + ex.getMessage());
    }
    try {
      meta = JSON.readValue(metadata, ModelMetadata.class);
    } catch (IOException ex) {
      throw new IllegalArgumentException(source + ": bad " + METADATA + ": " + ex.getMessage());
    }
    try {
      return new Network(nodes, params, meta);
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException(source + ": " + ex.getMessage());
    }
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setTimeLocal(ENTRY_TIME);
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }

}
