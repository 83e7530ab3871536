package dev.hwc.search;

import com.typesafe.config.Config;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The coordinator's recovery tests (restart and exact resume, an episode in flight at a crash, a crash between
 * evaluation and checkpoint) on the PostgreSQL journal of deploy/postgres/journal.conf, one fresh database each.
 */
class PostgresJournalTest extends SearchCoordinatorRecoveryTest {
  @RegisterExtension static final TestPostgres.PerClass postgres = new TestPostgres.PerClass();

  @Override Config config() throws Exception {
    return TestPostgres.config(postgres.newDatabase());
  }
}
