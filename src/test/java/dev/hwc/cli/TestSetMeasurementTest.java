package dev.hwc.cli;

import com.typesafe.config.ConfigFactory;
import dev.hwc.search.SearchEvent.SearchStarted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which model file a search's re-measurement loads, and the errors when it is missing or another file. */
class TestSetMeasurementTest {
  @TempDir Path tmp;

  private static SearchStarted started(Path model, String fingerprint) {
    return new SearchStarted("s1", "{}", model.toString(), fingerprint, "data-fp", "", 0.9, 1e6, 1.0, 7, 3, List.of("FilterL1"),
        List.of(), List.of(), 0L);
  }

  @Test void aMissingModelFileIsNamedWithWhereToGiveItsNewPlace() {
    Path gone = tmp.resolve("gone.zip");
    var e = assertThrows(IllegalArgumentException.class, () -> TestSetMeasurement.of(started(gone, "fp"), ConfigFactory.load(), null));
    assertEquals("model file of search 's1' not found: " + gone + " (if it moved, give its new place with --model)", e.getMessage());
    Path alsoGone = tmp.resolve("also-gone.zip");
    e = assertThrows(IllegalArgumentException.class, () -> TestSetMeasurement.of(started(gone, "fp"), ConfigFactory.load(), alsoGone));
    assertEquals("model file of search 's1' not found: " + alsoGone, e.getMessage());
  }

  @Test void anotherFileInTheModelsPlaceIsRefusedBeforeAnythingLoads() throws Exception {
    Path journaled = Files.writeString(tmp.resolve("m.zip"), "the search's model");
    Path other = Files.writeString(tmp.resolve("other.zip"), "another model");
    String sha = dev.hwc.search.RealParts.fingerprint(journaled);
    var e = assertThrows(IllegalArgumentException.class, () -> TestSetMeasurement.of(started(journaled, sha), ConfigFactory.load(), other));
    assertEquals("model " + other + " is not the one search 's1' ran on (" + journaled + ") (fingerprint "
        + dev.hwc.search.RealParts.fingerprint(other) + ", journal " + sha + ")", e.getMessage());
    // the journaled file itself, changed since
    Files.writeString(journaled, "changed");
    e = assertThrows(IllegalArgumentException.class, () -> TestSetMeasurement.of(started(journaled, sha), ConfigFactory.load(), null));
    assertEquals("model " + journaled + " has changed since search 's1' started (fingerprint "
        + dev.hwc.search.RealParts.fingerprint(journaled) + ", journal " + sha + ")", e.getMessage());
  }
}
