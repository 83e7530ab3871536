package dev.hwc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hwc bench}: the parent of the speed benchmarks (one subcommand each); alone it prints its usage. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks: evaluation speed (medians after warm-up), early rejection, strategy comparison.",
    subcommands = {CommandLine.HelpCommand.class, BenchEvalCommand.class, BenchEarlyRejectionCommand.class,
        BenchCompareCommand.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
