package dev.hwc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: one picocli command per job; each subcommand prints figures as a table or, with --json, as JSON. */
@Command(
    name = "hwc",
    mixinStandardHelpOptions = true,
    version = "hwc 0.1.0",
    description = "Hardware-aware DNN compression: searches per-layer pruning and mixed precision for minimum Eyeriss energy.",
    subcommands = {CommandLine.HelpCommand.class, TrainCommand.class, InfoCommand.class, EvaluateCommand.class,
        DemoCommand.class, SearchCommand.class, ResumeCommand.class, SearchesCommand.class, JournalCommand.class,
        ReportCommand.class, RescoreCommand.class, CompressCommand.class, EnergyCommand.class, ImportCommand.class,
        BenchCommand.class, NodeCommand.class, DataCommand.class})
public final class Hwc implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, with one readable line and exit code 2 for bad input, 1 for failures. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Hwc());
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      Throwable root = ex;
      while (root.getCause() != null && (root instanceof java.util.concurrent.CompletionException
          || root instanceof java.lang.reflect.InvocationTargetException)) root = root.getCause();
      String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
      cmd.getErr().println("hwc " + cmd.getCommandName() + ": error: " + msg);
      if (Boolean.getBoolean("hwc.debug")) root.printStackTrace(cmd.getErr());
      return root instanceof IllegalArgumentException || root instanceof java.io.UncheckedIOException
          || root instanceof java.io.IOException ? 2 : 1;
    });
    return cl;
  }
}
