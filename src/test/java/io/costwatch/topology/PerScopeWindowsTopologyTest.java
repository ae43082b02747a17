package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Windows close by each scope's own event time, or by the idle timeout; never by another scope's records. */
class PerScopeWindowsTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  @TempDir
  Path stateDir;
  private TopologyHarness harness;
  private TestInputTopic<String, String> metrics;
  private TestOutputTopic<String, AlertEvent> alerts;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  @BeforeEach
  void start() {
    harness = new TopologyHarness(Fixtures.config(), stateDir);
    metrics = harness.input(Topics.METRICS_RAW);
    alerts = harness.output(Topics.ALERTS);
    deadLetters = harness.output(Topics.DEAD_LETTERS);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  /** An idle GPU cluster of {@code workspace} for {@code minutes} minutes from {@code start}, one body a minute. */
  private void idleCluster(String workspace, Instant start, int minutes) {
    for (int m = 0; m < minutes; m++) {
      Instant t = start.plusSeconds(60L * m);
      metrics.pipeInput("k", Fixtures.body(Fixtures.cluster(workspace, "gpu1", t, 1, 0.5, 2, 0)), t);
    }
  }

  private void endOfInput() {
    Instant far = Instant.parse("2027-12-01T00:00:00Z");
    metrics.pipeInput(FlushMarker.KEY, null, far);
    metrics.pipeInput(FlushMarker.KEY, null, far.plusSeconds(21 * 60));
  }

  @Test
  void aScopeAnHourBehindAnotherOnTheSamePartitionLosesNothing() {
    idleCluster("ws-a", T0.plus(Duration.ofHours(1)), 45);
    idleCluster("ws-b", T0, 45);
    List<String> closedByOwnTime = alerts.readValuesToList().stream().map(AlertEvent::resourceId).toList();
    assertTrue(closedByOwnTime.stream().anyMatch(r -> r.contains("ws-b")), "ws-b's first windows closed by ws-b's "
        + "own progress: " + closedByOwnTime);
    endOfInput();
    assertTrue(deadLetters.isEmpty(), "no sample of the lagging scope is late");
  }

  @Test
  void aRecordFarAheadOfTheWallClockIsDeadLetteredAndClosesNothing() {
    idleCluster("ws-a", T0, 10);
    Instant future = Instant.now().plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", future, 1, 0.5, 2, 0)), future);
    idleCluster("ws-a", T0.plus(Duration.ofMinutes(10)), 5);
    assertTrue(alerts.isEmpty(), "the future record did not close ws-a's window");
    List<DeadLetter> dead = deadLetters.readValuesToList();
    assertEquals(3, dead.size(), dead::toString);
    assertTrue(dead.stream().allMatch(d -> d.reason().equals("future-of-wall-clock")
        && d.detail().contains(future.toString()) && d.stage().equals("usage-windows")), dead::toString);
    idleCluster("ws-a", T0.plus(Duration.ofMinutes(15)), 6);
    assertEquals(1, alerts.readValuesToList().size(), "ws-a's own progress closes its first window");
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void aQuietScopeClosesItsWindowsAfterTheIdleTimeout() {
    idleCluster("ws-a", T0, 15);
    idleCluster("ws-b", T0.plus(Duration.ofHours(3)), 1);
    harness.driver.advanceWallClockTime(Duration.ofMinutes(4));
    assertTrue(alerts.isEmpty(), "not yet idle for 5 minutes");
    harness.driver.advanceWallClockTime(Duration.ofMinutes(2));
    List<AlertEvent> out = alerts.readValuesToList();
    assertEquals(List.of("ws-a:" + T0.plusSeconds(15 * 60), "ws-b:" + T0.plus(Duration.ofMinutes(195))),
        out.stream().map(a -> a.resourceId().replaceAll(".*/workspaces/([^/]*)/.*", "$1") + ":" + a.windowEnd())
            .sorted().toList(), "both quiet scopes closed, each its own window");
    idleCluster("ws-a", T0.plus(Duration.ofMinutes(14)), 1);
    List<DeadLetter> late = deadLetters.readValuesToList();
    assertEquals(3, late.size());
    assertTrue(late.stream().allMatch(d -> d.reason().equals("late-for-scope")), late::toString);
  }
}
