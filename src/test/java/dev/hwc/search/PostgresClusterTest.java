package dev.hwc.search;

import com.typesafe.config.Config;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster tests (a search on two worker nodes, re-dispatch, coordinator failover) with the coordinators on the
 * shared PostgreSQL journal of deploy/postgres/journal.conf, one fresh database each.
 */
class PostgresClusterTest extends ClusterSearchTest {
  @RegisterExtension static final TestPostgres.PerClass postgres = new TestPostgres.PerClass();

  @Override Config config() throws Exception {
    return TestPostgres.config(postgres.newDatabase());
  }
}
