package dev.hwc.cli;

import dev.hwc.search.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import java.util.List;

/** The exact-resume test (three SIGKILLs, resumed each time, same results) with the journal on PostgreSQL. */
@Tag("acceptance")
class PostgresExactResumeTest extends ExactResumeTest {
  private static TestPostgres postgres;
  private List<String> options;

  @BeforeAll static void startPostgres() throws Exception {
    postgres = TestPostgres.start();
  }

  @AfterAll static void stopPostgres() throws Exception {
    if (postgres != null) postgres.close();
  }

  @Override List<String> jvmOptions() throws Exception {
    if (options == null) options = TestPostgres.jvmOptions(postgres.newDatabase());
    return options;
  }
}
