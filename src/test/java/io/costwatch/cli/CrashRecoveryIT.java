package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.ingest.demo.DemoEvent;
import io.costwatch.testing.CostwatchProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code costwatch run} as a separate process on persistent state, against a broker the test owns (it survives the
 * service), fed the demo's workload while it is killed with {@code kill -9}, while its broker restarts, and across a
 * graceful stop. Each time, the committed alerts at the end of input equal an uninterrupted run's: same ids,
 * statuses, severities and amounts, nothing lost, nothing twice.
 *
 * <p>Scaled for the default build: {@code -Dcostwatch.crash.points=N} (default 2) kill points chosen by
 * {@code -Dcostwatch.crash.seed} (default fixed, printed on failure).
 */
@Tag("crash")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashRecoveryIT {

  private static final Duration START = Duration.ofMinutes(3);
  private static final Duration FINISH = Duration.ofMinutes(4);
  private static final String RUNNING = "costwatch run: RUNNING";
  /** What a restart after a clean stop must never log: a wiped store, restored from scratch. */
  private static final List<Pattern> CORRUPTION = List.of(
      Pattern.compile("TaskCorruptedException"),
      Pattern.compile("did not find checkpoint offsets"),
      Pattern.compile("bootstrap from scratch"),
      Pattern.compile("Finished restoring changelog .* with a total number of [1-9]\\d* records"));

  private static final int POINTS = Integer.getInteger("costwatch.crash.points", 2);
  private static final long SEED = Long.getLong("costwatch.crash.seed", 13L);

  private static List<DemoEvent> events;
  private static List<String> expected;

  @TempDir
  static Path shared;

  @TempDir
  Path dir;

  @BeforeAll
  static void uninterruptedRun() {
    events = LiveFeed.workload(Instant.now());
    try (EmbeddedKafka broker = EmbeddedKafka.start(shared.resolve("kafka"), 0, true)) {
      LiveFeed.createTopics(broker.bootstrapServers());
      try (LiveFeed feed = new LiveFeed(broker.bootstrapServers());
          CostwatchProcess run = start(shared, "clean", broker.bootstrapServers())) {
        run.awaitLog(RUNNING, START);
        feed.send(events);
        feed.finish();
        feed.awaitEndOfInput(FINISH, () -> assertTrue(run.isAlive(), run::tail));
        expected = feed.committedAlerts();
        run.kill();
      }
    }
    assertFalse(expected.isEmpty(), "the workload raises alerts");
    assertEquals(expected.size(), LiveFeed.counts(expected).size(), "an uninterrupted run publishes no event twice");
  }

  @Test
  @Order(1)
  void killedAtRandomPointsDuringIngestLosesAndRepeatsNothing() {
    Random random = new Random(SEED);
    List<List<DemoEvent>> chunks = chunks(events, POINTS + 1, random);
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"), 0, true)) {
      LiveFeed.createTopics(broker.bootstrapServers());
      List<CostwatchProcess> started = new ArrayList<>();
      try (LiveFeed feed = new LiveFeed(broker.bootstrapServers())) {
        CostwatchProcess run = start(dir, "run-0", broker.bootstrapServers());
        started.add(run);
        for (int i = 0; i < chunks.size(); i++) {
          run.awaitLog(RUNNING, START);
          feed.send(chunks.get(i));
          if (i < POINTS) {
            // into the middle of processing what was just sent, or a little after it
            LockSupport.parkNanos(Duration.ofMillis(random.nextInt(2_000)).toNanos());
            run.kill();
            run = start(dir, "run-" + (i + 1), broker.bootstrapServers());
            started.add(run);
          }
        }
        feed.finish();
        CostwatchProcess last = run;
        feed.awaitEndOfInput(FINISH, () -> assertTrue(last.isAlive(), last::tail));
        assertSameAlerts(feed.committedAlerts(), POINTS + " kill -9 points, seed " + SEED);
      } finally {
        started.forEach(CostwatchProcess::close);
      }
    }
  }

  @Test
  @Order(2)
  void brokerRestartMidStreamLosesAndRepeatsNothing() {
    Path data = dir.resolve("kafka");
    EmbeddedKafka broker = EmbeddedKafka.start(data, 0, false);
    int port = Integer.parseInt(broker.bootstrapServers().split(":")[1]);
    LiveFeed.createTopics(broker.bootstrapServers());
    List<List<DemoEvent>> halves = chunks(events, 2, new Random(SEED));
    try (LiveFeed feed = new LiveFeed(broker.bootstrapServers());
        CostwatchProcess run = start(dir, "run", broker.bootstrapServers())) {
      run.awaitLog(RUNNING, START);
      feed.send(halves.get(0));
      broker.close();
      broker = EmbeddedKafka.start(data, port, false);
      feed.send(halves.get(1));
      feed.finish();
      feed.awaitEndOfInput(FINISH, () -> assertTrue(run.isAlive(), run::tail));
      assertSameAlerts(feed.committedAlerts(), "a broker restart mid-stream");
      run.kill();
    } finally {
      broker.close();
    }
  }

  @Test
  @Order(3)
  void gracefulStopAndStartLosesAndRepeatsNothing() {
    List<List<DemoEvent>> halves = chunks(events, 2, new Random(SEED));
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"), 0, true)) {
      LiveFeed.createTopics(broker.bootstrapServers());
      try (LiveFeed feed = new LiveFeed(broker.bootstrapServers())) {
        stopGracefullyAfter(feed, halves.get(0), broker);
        try (CostwatchProcess second = start(dir, "second", broker.bootstrapServers())) {
          second.awaitLog(RUNNING, START);
          feed.send(halves.get(1));
          feed.finish();
          feed.awaitEndOfInput(FINISH, () -> assertTrue(second.isAlive(), second::tail));
          assertSameAlerts(feed.committedAlerts(), "a graceful stop and start");
        }
      }
    }
  }

  /**
   * Issue 13: after a clean SIGTERM stop (Streams reports "stopped completely" within 2 s), the next start found
   * {@code usage-by-scope-store} without checkpoint offsets, treated task 2_0 as corrupted, wiped the store and
   * restored it from its changelog (2 of 3 runs). That store is gone (the per-scope windowing processor's stores
   * replaced it); a restart must restore nothing from scratch.
   */
  @Test
  @Order(4)
  void gracefulStopAndStartRestoresNothingFromScratch() {
    List<List<DemoEvent>> halves = chunks(events, 2, new Random(SEED));
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"), 0, true)) {
      LiveFeed.createTopics(broker.bootstrapServers());
      try (LiveFeed feed = new LiveFeed(broker.bootstrapServers())) {
        String firstLog = stopGracefullyAfter(feed, halves.get(0), broker);
        try (CostwatchProcess second = start(dir, "second", broker.bootstrapServers())) {
          second.awaitLog(RUNNING, START);
          feed.send(halves.get(1));
          String log = second.stderr();
          for (Pattern p : CORRUPTION) {
            assertFalse(p.matcher(log).find(), () -> "a restart after SIGTERM logged '" + p + "':\n" + log
                + "\n\nthe stopped instance's log ended with:\n" + firstLog);
          }
        }
      }
    }
  }

  /** Starts the service, sends {@code events}, stops it with SIGTERM; returns the end of its log. */
  private String stopGracefullyAfter(LiveFeed feed, List<DemoEvent> events, EmbeddedKafka broker) {
    try (CostwatchProcess first = start(dir, "first", broker.bootstrapServers())) {
      first.awaitLog(RUNNING, START);
      feed.send(events);
      int exit = first.stop();
      // the JVM ends a SIGTERM with 128 + 15 once its shutdown hook (which closes Streams) returned
      assertTrue(exit == 0 || exit == 143, () -> "exit " + exit + " after SIGTERM:\n" + first.tail());
      assertTrue(first.stderr().contains("Streams client stopped completely"), first::tail);
      return first.tail();
    }
  }

  private void assertSameAlerts(List<String> actual, String scenario) {
    assertEquals(LiveFeed.counts(expected), LiveFeed.counts(actual),
        "committed alerts after " + scenario + " (event -> times published) differ from an uninterrupted run's");
  }

  /**
   * The service configured through the environment only: the test's broker, state kept in {@code dir/state} across
   * restarts, the demo's VM sizes, and spend days judged only at the end-of-input marker (a settle delay longer than
   * the test), so the wall clock never decides an alert.
   */
  static CostwatchProcess start(Path dir, String name, String bootstrapServers) {
    return CostwatchProcess.start(dir.resolve("logs"), name, Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
        // a killed member leaves the group after 6 s (the broker's minimum), not the default 45 s
        "KAFKA_SESSION_TIMEOUT_MS", "6000",
        "COSTWATCH_APPLICATION_ID", "costwatch-crash",
        "COSTWATCH_STATE_DIR", dir.resolve("state").toString(),
        "COSTWATCH_HTTP_PORT", "0",
        "COSTWATCH_COMPUTE_SKUS", LiveFeed.COMPUTE_SKUS,
        "COSTWATCH_BILLING_SETTLE", "PT2H"), "run");
  }

  /** {@code parts} consecutive, non-empty slices of {@code all}, cut at random places. */
  static <T> List<List<T>> chunks(List<T> all, int parts, Random random) {
    List<Integer> cuts = new ArrayList<>();
    cuts.add(0);
    for (int i = 1; i < parts; i++) {
      int lo = all.size() * i / parts - all.size() / (4 * parts);
      cuts.add(Math.max(cuts.get(i - 1) + 1, lo + random.nextInt(Math.max(1, all.size() / (2 * parts)))));
    }
    cuts.add(all.size());
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      out.add(all.subList(cuts.get(i), cuts.get(i + 1)));
    }
    return out;
  }
}
