package io.costwatch.cli;

import io.costwatch.config.ConfigException;
import io.costwatch.config.Redaction;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code costwatch} command line. */
@Command(name = "costwatch", mixinStandardHelpOptions = true, version = "costwatch 0.1.0",
    description = "Catches Azure Machine Learning cost waste in minutes: GPU idle and under-use, idle nodes, "
        + "spend spikes; alerts and priced recommendations on Kafka.",
    subcommands = {RunCommand.class, DemoCommand.class, ReplayCommand.class, AlertsCommand.class, IngestCommand.class, BridgeCommand.class, PollMetricsCommand.class, FeedbackCommandLine.class,
        CommandLine.HelpCommand.class})
public final class Costwatch {

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code (0 success, 1 failure, 2 usage or configuration error). */
  public static int execute(String... args) {
    return withErrorHandling(new CommandLine(new Costwatch())).execute(args);
  }

  /** {@code cli} reporting configuration errors with exit code 2 and other failures with 1 (secrets masked). */
  static CommandLine withErrorHandling(CommandLine cli) {
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof ConfigException) {
        commandLine.getErr().println("costwatch: configuration error: " + e.getMessage());
        return 2;
      }
      commandLine.getErr().println("costwatch " + commandLine.getCommandName() + ": "
          + Redaction.mask(e.getMessage()));
      if (System.getenv("COSTWATCH_DEBUG") != null) {
        commandLine.getErr().println(Redaction.mask(stackTrace(e)));
      }
      return 1;
    });
    return cli;
  }

  private static String stackTrace(Throwable e) {
    java.io.StringWriter text = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(text));
    return text.toString();
  }
}
