package dev.hwc.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One child JVM of the process tests ({@link ClusterDoublesMain} nodes, {@code hwc} itself), its merged stdout and
 * stderr read line by line, a progress bar's \r counting as a line end.
 */
final class Child {
  /** Starts {@code hwc args} with the doubles, work directory {@code work} and the extra JVM options. */
  static Child start(Path work, List<String> jvmOptions, List<String> args) throws IOException {
    List<String> jvm = new ArrayList<>(List.of("-Xmx512m", "-Dhwc.home=" + ClusterProcessTest.home(), "-Dhwc.work-dir=" + work,
        // a killed node is downed soon after it stops answering (the split-brain resolver's default waits 20 s)
        "-Dhwc-node.pekko.cluster.split-brain-resolver.stable-after=3s"));
    jvm.addAll(jvmOptions);
    return java(jvm, "dev.hwc.cli.ClusterDoublesMain", args, 120, 180);
  }

  /**
   * Starts {@code java jvmArguments mainClass args} on the test class path (OMP_NUM_THREADS=1); {@link #awaitOut}
   * waits at most {@code awaitSeconds} for a line, {@link #waitFor} {@code endSeconds} for the end.
   */
  static Child java(List<String> jvmArguments, String mainClass, List<String> args, int awaitSeconds, int endSeconds) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path")));
    cmd.addAll(jvmArguments);
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OMP_NUM_THREADS", "1");
    return new Child(pb.start(), awaitSeconds, endSeconds);
  }

  final Process process;
  final List<String> lines = new ArrayList<>();
  private final Thread reader;
  private final int awaitSeconds, endSeconds;

  private Child(Process p, int awaitSeconds, int endSeconds) {
    this.process = p;
    this.awaitSeconds = awaitSeconds;
    this.endSeconds = endSeconds;
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = r.read()) >= 0) {
          if (c == '\n' || c == '\r') {
            if (sb.length() > 0) add(sb.toString());
            sb.setLength(0);
          } else sb.append((char) c);
        }
        if (sb.length() > 0) add(sb.toString());
      } catch (IOException ignored) {
        // The process was killed: what was read stays.
      }
      synchronized (this) {
        notifyAll();
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
  }

  private synchronized void add(String line) {
    lines.add(line);
    notifyAll();
  }

  /** Waits until a line matches or the process ends; true if one matched. */
  synchronized boolean awaitOut(Predicate<String> p) throws InterruptedException {
    int seen = 0;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(awaitSeconds);
    while (System.nanoTime() < end) {
      for (; seen < lines.size(); seen++) if (p.test(lines.get(seen))) return true;
      if (!reader.isAlive()) return false;
      wait(1000);
    }
    return false;
  }

  /** SIGKILL (no shutdown hook runs), then wait for the process to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "killed process did not end");
    reader.join(10_000);
  }

  int waitFor() throws InterruptedException {
    assertTrue(process.waitFor(endSeconds, TimeUnit.SECONDS), "process did not end in " + endSeconds + " s\n" + output());
    reader.join(10_000);
    return process.exitValue();
  }

  synchronized String line(Predicate<String> p) {
    for (String l : lines) if (p.test(l)) return l;
    throw new AssertionError("no such line in\n" + output());
  }

  synchronized String output() {
    return String.join("\n", lines);
  }
}
