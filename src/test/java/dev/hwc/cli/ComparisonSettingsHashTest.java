package dev.hwc.cli;

import dev.hwc.search.SearchEvent.SearchStarted;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The comparison's settings hash: the same settings give the same hash wherever hwc, its work dir and the data were. */
class ComparisonSettingsHashTest {
  private static SearchStarted started(String configJson) {
    return new SearchStarted("s", configJson, "m.zip", "f", "d", "", 0.9, 1e6, 1, 1, 10, List.of("Magnitude"), List.of(), List.of(), 0);
  }

  @Test void locationsAndTheStrategyDoNotEnterTheHash() {
    String a = BenchCompareCommand.settingsJson(started(
        "{\"home\": \"/a\", \"work-dir\": \"/a/hwc-data\", \"data\": {\"dir\": \"/x\", \"limit\": 5}, \"search\": {\"strategy\": \"composite\", \"seed\": 1}}"));
    String b = BenchCompareCommand.settingsJson(started(
        "{\"home\": \"/b\", \"work-dir\": \"/tmp/w\", \"data\": {\"dir\": \"/y\", \"limit\": 5}, \"search\": {\"strategy\": \"random\", \"seed\": 1}}"));
    assertEquals("{\"data\":{\"limit\":5},\"search\":{\"seed\":1}}", a);
    assertEquals(a, b);
    String c = BenchCompareCommand.settingsJson(started(
        "{\"home\": \"/a\", \"work-dir\": \"/a/hwc-data\", \"data\": {\"dir\": \"/x\", \"limit\": 6}, \"search\": {\"strategy\": \"composite\", \"seed\": 1}}"));
    assertNotEquals(BenchCompareCommand.sha256(a), BenchCompareCommand.sha256(c));
  }
}
