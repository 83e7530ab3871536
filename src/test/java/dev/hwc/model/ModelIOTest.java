package dev.hwc.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ModelIOTest {
  @TempDir Path dir;

  @Test
  void roundTripsAndWritesIdenticalBytesForEqualNetworks() throws Exception {
    Network net = TinyNetworks.depthwiseResidual();
    net = net.withMetadata(new ModelMetadata("tiny", 3, 2, 0.5, 24, 40, 1.5, "abc", "0.1.0", "2026-11-28T00:00:00Z",
        Map.of("input-normalisation", "pixel/255")));
    Path a = dir.resolve("a.zip"), b = dir.resolve("b.zip");
    ModelIO.save(net, a);
    ModelIO.save(TinyNetworks.depthwiseResidual().withMetadata(net.metadata()), b);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    Network back = ModelIO.load(a);
    assertEquals(net.nodes(), back.nodes());
    assertEquals(net.metadata(), back.metadata());
    assertEquals(net.params().keySet(), back.params().keySet());
    for (String k : net.params().keySet()) assertEquals(net.params().get(k), back.params().get(k), k);
    assertArrayEquals(new float[]{85, -85}, ExecutableNetwork.of(back).output(TinyNetworks.twoChannelImage()).toFloatVector(), 1e-4f);
  }

  @Test
  void foreignFilesGetOneClearError() throws Exception {
    Path text = dir.resolve("notes.zip");
    Files.writeString(text, "hello");
    var e = assertThrows(IllegalArgumentException.class, () -> ModelIO.load(text));
    assertEquals(text + ": not an hwc model zip (not a zip file or empty)", e.getMessage());

    Path other = dir.resolve("other.zip");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      z.putNextEntry(new ZipEntry("model.bin"));
      z.write(1);
      z.closeEntry();
    }
    Files.write(other, bytes.toByteArray());
    e = assertThrows(IllegalArgumentException.class, () -> ModelIO.load(other));
    assertEquals(other + ": not an hwc model zip (missing graph.json)", e.getMessage());

    Path missing = dir.resolve("missing.zip");
    e = assertThrows(IllegalArgumentException.class, () -> ModelIO.load(missing));
    assertEquals(missing + ": model file not found", e.getMessage());
  }
}
