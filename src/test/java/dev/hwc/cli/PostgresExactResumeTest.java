package dev.hwc.cli;

import dev.hwc.search.TestPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

/** The exact-resume test (three SIGKILLs, resumed each time, same results) with the journal on PostgreSQL. */
@Tag("acceptance")
class PostgresExactResumeTest extends ExactResumeTest {
  @RegisterExtension static final TestPostgres.PerClass postgres = new TestPostgres.PerClass();
  private List<String> options;

  @Override List<String> jvmOptions() throws Exception {
    if (options == null) options = TestPostgres.jvmOptions(postgres.newDatabase());
    return options;
  }
}
