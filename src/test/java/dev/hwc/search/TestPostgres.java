package dev.hwc.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.hwc.cli.HwcConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server for the journal tests: initdb into a temporary directory, pg_ctl on a free loopback
 * port (as the {@code postgres} user when the tests run as root, which PostgreSQL refuses to run as), one fresh
 * database per {@link #newDatabase()}. Tests are skipped only when the server binaries are absent (.ci/run installs
 * them: apt-get install postgresql). A test class holds one server for all its tests through {@link PerClass}, the only
 * way to start one.
 */
public final class TestPostgres implements AutoCloseable {
  final Path bin;
  final Path dir;
  final int port;
  private final boolean asPostgres;
  private final AtomicInteger databases = new AtomicInteger();

  private TestPostgres(Path bin, Path dir, int port, boolean asPostgres) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgres = asPostgres;
  }

  /** The newest /usr/lib/postgresql/N/bin holding initdb and pg_ctl, or null. */
  static Path findBinaries() {
    Path base = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(base)) return null;
    try (Stream<Path> versions = Files.list(base)) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString()))).orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static int version(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Starts a server, or skips the calling test class when PostgreSQL is not installed. */
  private static TestPostgres start() throws Exception {
    Path bin = findBinaries();
    Assumptions.assumeTrue(bin != null,
        "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql); skipping the PostgreSQL journal tests");
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("hwc-pg");
    if (root) {
      UserPrincipal pg = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(dir, pg);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    var server = new TestPostgres(bin, dir, port, root);
    server.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "hwc", "-A", "trust",
        "-E", "UTF8", "--no-sync"));
    server.run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
        "-l", dir.resolve("server.log").toString(),
        "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60",
        "start"));
    return server;
  }

  /** A new, empty database; returns its JDBC URL. */
  private String newDatabase() throws Exception {
    String name = "hwc" + databases.incrementAndGet();
    run(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "hwc", name));
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
  }

  /** conf/application.conf with deploy/postgres/journal.conf over it, pointed at {@code url}. */
  public static Config config(String url) {
    Config root = HwcConfig.load(HwcConfig.home().resolve("deploy/postgres/journal.conf"));
    return ConfigFactory.empty()
        .withValue("hwc.search.journal-url", ConfigValueFactory.fromAnyRef(url))
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.user", ConfigValueFactory.fromAnyRef("hwc"))
        .withValue("pekko-persistence-jdbc.shared-databases.slick.db.password", ConfigValueFactory.fromAnyRef(""))
        .withFallback(root);
  }

  /** JVM options that point an hwc process at the journal database {@code url} (deploy/postgres/journal.conf's keys). */
  public static List<String> jvmOptions(String url) {
    String slick = "-Dpekko-persistence-jdbc.shared-databases.slick.";
    return List.of("-Dhwc.search.journal-url=" + url, slick + "profile=slick.jdbc.PostgresProfile$",
        slick + "db.driver=org.postgresql.Driver", slick + "db.user=hwc", slick + "db.password=");
  }

  private void run(List<String> command) throws Exception {
    List<String> cmd = new ArrayList<>();
    if (asPostgres) cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    cmd.addAll(command);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0)
      throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
  }

  @Override
  public void close() throws Exception {
    try {
      run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "stop"));
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /**
   * One server for a whole test class, started before its first test and stopped after its last:
   * {@code @RegisterExtension static final TestPostgres.PerClass postgres = new TestPostgres.PerClass();}, then
   * {@link #newDatabase()} per test. The class is skipped when the PostgreSQL server binaries are not installed.
   */
  public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private TestPostgres server;

    @Override public void beforeAll(ExtensionContext context) throws Exception {
      server = start();
    }

    @Override public void afterAll(ExtensionContext context) throws Exception {
      if (server != null) server.close();
      server = null;
    }

    /** A new, empty database on the class's server; returns its JDBC URL. */
    public String newDatabase() throws Exception {
      if (server == null) throw new IllegalStateException("the PostgreSQL server is not running (register PerClass as a static @RegisterExtension)");
      return server.newDatabase();
    }
  }
}
