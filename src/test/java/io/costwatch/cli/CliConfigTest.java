package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What a user sees for a misspelt variable or a duration option, without a broker. */
class CliConfigTest {

  private final StringWriter err = new StringWriter();

  @Test
  void aMisspeltVariableStopsRunWithExitCode2AndASuggestion() {
    RunCommand run = new RunCommand();
    run.env = Map.of("COSTWATCH_ALERTMANGER_URL", "http://alertmanager:9093");

    int exit = Costwatch.withErrorHandling(new CommandLine(run)).setErr(new PrintWriter(err, true)).execute();

    assertEquals(2, exit);
    assertTrue(err.toString().contains("costwatch: configuration error: COSTWATCH_ALERTMANGER_URL is not a Costwatch "
        + "setting; did you mean COSTWATCH_ALERTMANAGER_URL?"), err.toString());
  }

  @Test
  void snoozeForAcceptsHoursAndMinutes() {
    FeedbackCommandLine feedback = new FeedbackCommandLine();
    new CommandLine(feedback).parseArgs("snooze", "--alert", "a1", "--for", "4h");
    assertEquals(Duration.ofHours(4), feedback.duration);

    new CommandLine(feedback).parseArgs("snooze", "--alert", "a1", "--for", "30m");
    assertEquals(Duration.ofMinutes(30), feedback.duration);

    new CommandLine(feedback).parseArgs("snooze", "--alert", "a1", "--for", "P7D");
    assertEquals(Duration.ofDays(7), feedback.duration);
  }

  @Test
  void aBadDurationIsAUsageErrorWithAPlainMessage() {
    int exit = Costwatch.withErrorHandling(new CommandLine(new FeedbackCommandLine()))
        .setErr(new PrintWriter(err, true)).execute("snooze", "--alert", "a1", "--for", "soon");

    assertEquals(2, exit);
    assertTrue(err.toString().startsWith("Invalid value for option '--for': 'soon' is not a duration (e.g. 30m, 4h, "
        + "7d, 1h30m or ISO-8601 PT30M, PT4H, P7D)"), err.toString());
    assertTrue(!err.toString().contains("DateTimeParseException"), err.toString());
  }
}
