package dev.hwc.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigOptionTest {

  private static void collect(CommandLine cl, List<CommandLine> out) {
    out.add(cl);
    for (CommandLine sub : cl.getSubcommands().values()) collect(sub, out);
  }

  @Test void everyCommandThatReadsTheConfigurationTakesTheSameOption() {
    List<CommandLine> all = new ArrayList<>();
    collect(Hwc.commandLine(), all);
    List<String> with = new ArrayList<>();
    for (CommandLine cl : all) {
      CommandLine.Model.OptionSpec o = cl.getCommandSpec().findOption("--config");
      if (o == null) continue;
      with.add(cl.getCommandName());
      assertEquals(List.of("A configuration file layered over conf/application.conf."), List.of(o.description()), cl.getCommandName());
      assertEquals("FILE", o.paramLabel(), cl.getCommandName());
    }
    // search, resume, report, rescore, journal, searches, node, train, evaluate, compress, energy and three bench commands
    assertTrue(with.size() >= 14, "commands with --config: " + with);
  }

  @Test void theOptionIsPassedOnAsGiven() {
    ConfigOption none = new ConfigOption();
    assertEquals(List.of(), none.arguments());
    ConfigOption some = new ConfigOption();
    new CommandLine(some).parseArgs("--config", "runs/b06.conf");
    assertEquals(Path.of("runs/b06.conf"), some.file);
    assertEquals(List.of("--config", "runs/b06.conf"), some.arguments());
  }
}
