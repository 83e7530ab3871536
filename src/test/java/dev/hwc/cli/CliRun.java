package dev.hwc.cli;

import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the hwc command line: its exit code, what it printed on System.out and picocli's error stream. */
record CliRun(int exit, String out, String err) {
  static CliRun run(String... args) {
    CommandLine cl = Hwc.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out));
    try {
      return new CliRun(cl.execute(args), out.toString(), err.toString());
    } finally {
      System.setOut(old);
    }
  }
}
