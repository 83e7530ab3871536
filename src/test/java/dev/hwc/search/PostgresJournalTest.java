package dev.hwc.search;

import com.typesafe.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The coordinator's recovery tests (restart and exact resume, an episode in flight at a crash, a crash between
 * evaluation and checkpoint) on the PostgreSQL journal of deploy/postgres/journal.conf, one fresh database each.
 */
class PostgresJournalTest extends SearchCoordinatorRecoveryTest {
  private static TestPostgres postgres;

  @BeforeAll static void startPostgres() throws Exception {
    postgres = TestPostgres.start();
  }

  @AfterAll static void stopPostgres() throws Exception {
    if (postgres != null) postgres.close();
  }

  @Override Config config() throws Exception {
    return TestPostgres.config(postgres.newDatabase());
  }
}
