package dev.hwc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.hwc.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BenchCommandsTest {
  private static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");

  @Test
  void benchAloneListsItsSubcommands() {
    CliRun r = run("bench");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("eval") && r.out().contains("early-rejection"), r.out());
  }

  @Test
  void badOptionsAreOneLineAndExitTwo() {
    CliRun r = run("bench", "eval", "--model", "lenet5", "--runs", "0");
    assertEquals(2, r.exit());
    assertEquals("hwc eval: error: --runs must be >= 1, was 0", r.err().trim());
    r = run("bench", "eval", "--model", "no-such-net", "--data", DATA.toString());
    assertEquals(2, r.exit());
    assertEquals("hwc eval: error: --model no-such-net: neither a model file nor a reference architecture "
        + "(known: lenet5, vgg-small, resnet-small, mobilenet-small)", r.err().trim());
    r = run("bench", "early-rejection", "--model", "lenet5", "--bits", "9");
    assertEquals(2, r.exit());
    assertEquals("hwc early-rejection: error: --bits must be in [2, 8], was 9", r.err().trim());
  }

  @Test
  void evalBenchReportsRatesAndRatiosAsJson() throws Exception {
    assumeTrue(Files.isDirectory(DATA), "Fashion-MNIST not installed");
    CliRun r = run("bench", "eval", "--model", "lenet5", "--images", "64", "--batch", "32", "--runs", "1", "--warmup", "0",
        "--gemm", "32", "--data", DATA.toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals(64, j.get("images").asInt());
    assertEquals(32, j.get("batchSize").asInt());
    assertEquals(416_520, j.get("macsPerImage").asLong());
    // GFLOP/s = 2·MACs·img/s
    JsonNode dense = j.get("dense");
    assertEquals(2 * 416_520 * dense.get("imagesPerSecond").asDouble() / 1e9, dense.get("gflops").asDouble(), 1e-6);
    assertTrue(j.get("candidateOverDense").asDouble() > 0 && j.get("denseOverGemm").asDouble() > 0, r.out());
  }
}
