package dev.hwc.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The actor system of a search process: the resolved hwc configuration with the journal URL filled in, and the
 * journal's tables created if missing (idempotent; SchemaUtils runs the plugin's own H2/Postgres script).
 */
public final class SearchSystem {
  private SearchSystem() {}

  /** The configuration Pekko runs with: {@code root} with the journal database's URL set from the settings. */
  public static Config pekkoConfig(Config root, SearchSettings settings) {
    return ConfigFactory.empty()
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.url",
            ConfigValueFactory.fromAnyRef(settings.effectiveJournalUrl()))
        .withFallback(root);
  }

  /** Starts a system named {@code hwc} and makes sure the journal's schema exists. */
  public static <T> ActorSystem<T> start(Behavior<T> guardian, Config root, SearchSettings settings) {
    if (settings.journalUrl().isBlank()) {
      try {
        Files.createDirectories(settings.workDir().resolve("journal"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create journal directory under " + settings.workDir() + ": " + e.getMessage(), e);
      }
    }
    // Bind slf4j before Pekko's threads log concurrently (else slf4j prints a "replayed calls" notice).
    org.slf4j.LoggerFactory.getILoggerFactory();
    long t0 = System.nanoTime();
    ActorSystem<T> system = ActorSystem.create(guardian, "hwc", pekkoConfig(root, settings));
    long t1 = System.nanoTime();
    try {
      createSchema(system, Duration.ofSeconds(60));
      org.slf4j.LoggerFactory.getLogger("dev.hwc.timing").debug("actor system created in {} ms, journal schema checked in {} ms",
          (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
    return system;
  }

  public static ActorSystem<Void> start(Config root, SearchSettings settings) {
    return start(Behaviors.empty(), root, settings);
  }

  public static void createSchema(ActorSystem<?> system, Duration timeout) {
    try {
      SchemaUtils.createIfNotExists(system).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException("cannot open the journal database: " + c.getMessage(), c);
    }
  }

  /** Terminates the system and waits for it (the journal's connections close with it). */
  public static void stop(ActorSystem<?> system, Duration timeout) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // Terminating is best effort at exit; the journal's writes were acknowledged before.
    }
  }
}
