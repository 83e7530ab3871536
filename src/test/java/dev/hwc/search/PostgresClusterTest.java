package dev.hwc.search;

import com.typesafe.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The cluster tests (a search on two worker nodes, re-dispatch, coordinator failover) with the coordinators on the
 * shared PostgreSQL journal of deploy/postgres/journal.conf, one fresh database each.
 */
class PostgresClusterTest extends ClusterSearchTest {
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
