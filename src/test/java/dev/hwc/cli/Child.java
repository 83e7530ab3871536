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

/** One `hwc` process of the cluster tests ({@link ClusterDoublesMain}), its merged stdout and stderr read line by line. */
final class Child {
  /** Starts {@code hwc args} with the doubles, work directory {@code work} and the extra JVM options. */
  static Child start(Path work, List<String> jvmOptions, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "-Dhwc.home=" + ClusterProcessTest.home(), "-Dhwc.work-dir=" + work,
        // a killed node is downed soon after it stops answering (the split-brain resolver's default waits 20 s)
        "-Dhwc-node.pekko.cluster.split-brain-resolver.stable-after=3s"));
    cmd.addAll(jvmOptions);
    cmd.add("dev.hwc.cli.ClusterDoublesMain");
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OMP_NUM_THREADS", "1");
    return new Child(pb.start());
  }

  final Process process;
  final List<String> lines = new ArrayList<>();
  private final Thread reader;

  private Child(Process p) {
    this.process = p;
    this.reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) add(l);
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
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < end) {
      for (; seen < lines.size(); seen++) if (p.test(lines.get(seen))) return true;
      if (!reader.isAlive()) return false;
      wait(1000);
    }
    return false;
  }

  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "killed process did not end");
    reader.join(10_000);
  }

  int waitFor() throws InterruptedException {
    assertTrue(process.waitFor(180, TimeUnit.SECONDS), "process did not end in 180 s\n" + output());
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
