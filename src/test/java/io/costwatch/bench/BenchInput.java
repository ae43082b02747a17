package io.costwatch.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-to-end harness's input, generated once and shared by every phase: {@code scopes} GPU clusters in
 * workspaces of ten, one 50-record body per workspace and minute, in time order (minute by minute across all
 * workspaces, as Azure Monitor streams them), so with many scopes windows close continuously while the run
 * proceeds. Odd workspaces send the DCR shape, even ones diagnostic settings.
 *
 * <p>Closing bodies, one per workspace a window and the default grace after its last minute, are sent only once a
 * topology run has read every measured body (see {@link TopologyRun}): windows close by each scope's own event
 * time, so each workspace's closing body pushes its own scopes past every real window's end plus grace, and every
 * real window closes and reaches detection. Their own windows close only by the idle timeout and are not counted.
 * They stay within {@code COSTWATCH_METRICS_MAX_AHEAD} of the wall clock (a body stamped further ahead would be a
 * dead letter).
 */
record BenchInput(int workspaces, int minutes, Instant start, List<Body> bodies, List<Body> closing, long bytes) {

  /**
   * Event time of the first minute: two hours before the run, on a whole hour. Not a fixed historical date: with
   * 2025 timestamps the exactly-once producer writing the repartition topic got OUT_OF_ORDER_SEQUENCE_NUMBER ("no
   * existing state") and the run stalled; the broker can expire a producer's state by record timestamp
   * ({@code producer.id.expiration.ms}, 24 h), which recent event times avoid. Likely, not proven: the error was
   * still seen (and recovered from) with recent times.
   */
  static final Instant START = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
  static final Duration WINDOW = Duration.ofMinutes(15);

  /** One raw metrics record as it is produced: key, producer timestamp and UTF-8 body. */
  record Body(String key, int partition, long timestamp, byte[] value) {
  }

  /**
   * @param partitions bodies of workspace {@code w} go to partition {@code w % partitions}, so every partition
   *     holds the same number of workspaces and its tasks move through event time at the same pace: with hashed
   *     keys, a partition holding one workspace would replay its minutes three times faster than one holding
   *     three, and the repartitioned windows would see records later than the grace (dropped as expired)
   */
  static BenchInput generate(int requestedRecords, int scopes, int partitions) {
    int workspaces = Math.max(1, scopes / MetricBodies.COMPUTES_PER_WORKSPACE);
    int perMinute = workspaces * MetricBodies.RECORDS_PER_BODY;
    int minutes = Math.max(1, (requestedRecords + perMinute - 1) / perMinute);
    MetricBodies generator = new MetricBodies(20250615L);
    if (minutes > 110) {
      throw new IllegalArgumentException(minutes + " minutes of data would reach past now; raise bench.scopes");
    }
    List<Body> bodies = new ArrayList<>(workspaces * minutes);
    long bytes = 0;
    for (int m = 0; m < minutes; m++) {
      Instant minute = START.plus(Duration.ofMinutes(m));
      for (int w = 0; w < workspaces; w++) {
        Body body = body(generator, w, w % partitions, minute);
        bodies.add(body);
        bytes += body.value().length;
      }
    }
    List<Body> closing = new ArrayList<>(workspaces);
    Instant far = START.plus(Duration.ofMinutes(minutes)).plus(WINDOW).plus(Duration.ofMinutes(6));
    for (int w = 0; w < workspaces; w++) {
      closing.add(body(generator, w, w % partitions, far));
    }
    return new BenchInput(workspaces, minutes, START, List.copyOf(bodies), List.copyOf(closing), bytes);
  }

  private static Body body(MetricBodies generator, int workspace, int partition, Instant minute) {
    MetricBodies.Shape shape = workspace % 2 == 0 ? MetricBodies.Shape.DIAGNOSTIC : MetricBodies.Shape.DCR;
    String text = generator.body(shape, workspace, minute);
    // the record timestamp is when Azure could first send the minute: its end
    return new Body(MetricBodies.key(workspace), partition, minute.plus(Duration.ofMinutes(1)).toEpochMilli(),
        text.getBytes(StandardCharsets.UTF_8));
  }

  int scopes() {
    return workspaces * MetricBodies.COMPUTES_PER_WORKSPACE;
  }

  /** Metric records in the measured bodies (closing bodies excluded). */
  long records() {
    return (long) bodies.size() * MetricBodies.RECORDS_PER_BODY;
  }

  long closingRecords() {
    return (long) closing.size() * MetricBodies.RECORDS_PER_BODY;
  }

  /** Windows the measured records fall into: every scope in every 15-minute window the minutes touch. */
  long expectedWindows() {
    long windowsPerScope = (minutes * 60_000L + WINDOW.toMillis() - 1) / WINDOW.toMillis();
    return scopes() * windowsPerScope;
  }
}
