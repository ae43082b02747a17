package io.costwatch.bench;

import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.testing.Poll;
import io.costwatch.topology.CostTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One run of the real topology ({@link CostTopology#build}) over the pre-filled raw metrics topic, with a fresh
 * application id (so it reads from the beginning and has its own state, changelogs and repartition topics). The
 * Streams settings are those of {@code costwatch run} (one stream thread, 10 MB cache), except
 * {@code commit.interval.ms}, set equal for both guarantees (see {@code src/site/markdown/benchmarks.md}).
 */
final class TopologyRun {

  /** What one run measured. */
  record Result(String guarantee, long records, double firstToLastSeconds, double startToLastSeconds,
      double cpuSeconds, String loadBefore, String loadAfter, long windows, long alerts, long rejected,
      double droppedRecords, long heapAfterGcMib, long maxRssMib, double streamThreadCpuSeconds, double jitSeconds,
      double gcSeconds) {

    double firstToLastRate() {
      return records / firstToLastSeconds;
    }

    double startToLastRate() {
      return records / startToLastSeconds;
    }
  }

  private static final Duration STARTUP = Duration.ofMinutes(2);
  /** A hard cap on one run; the stall rule ends a run that stops moving long before it. */
  private static final Duration RUN_LIMIT = Duration.ofHours(2);
  private static final Duration ALERTS_QUIET = Duration.ofSeconds(3);
  private static final Duration ALERTS_LIMIT = Duration.ofSeconds(60);
  static final long REPARTITION_PURGE_MS = 3_600_000L;
  static final long MAX_TASK_IDLE_MS = -1;

  private final java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
  private final Map<String, Object> client;
  private final long commitIntervalMs;
  private final int maxPartitionFetchBytes;

  TopologyRun(Map<String, Object> client, long commitIntervalMs, int maxPartitionFetchBytes) {
    this.client = client;
    this.commitIntervalMs = commitIntervalMs;
    this.maxPartitionFetchBytes = maxPartitionFetchBytes;
  }

  /**
   * @param closeWindows sends the closing bodies; called once every real body has been read, so that in every
   *     repartition partition they come after all real records (stream time is per partition: a closing record that
   *     overtook a lagging task's records would expire their windows)
   * @param stall fail when neither a body nor a window arrived for this long before the closing bodies were sent;
   *     after that, end the run with the windows seen (fewer than expected only when records were dropped as late)
   */
  Result run(String guarantee, BenchInput input, Runnable closeWindows, Duration stall)
      throws IOException, InterruptedException {
    Path stateDir = Files.createTempDirectory("costwatch-bench-state-");
    AppConfig config = ConfigLoader.load(Map.of("COSTWATCH_PROCESSING_GUARANTEE", guarantee))
        .withKafka(client)
        .withApplication("costwatch-bench-" + guarantee.replace('_', '-') + "-" + runs.incrementAndGet(), stateDir);
    CountingMetrics metrics = new CountingMetrics(input.expectedWindows());
    Properties props = streamsProperties(config.applicationId(), guarantee, stateDir);
    io.costwatch.topology.StreamErrors.configure(props, metrics);
    KafkaStreams streams = new KafkaStreams(CostTopology.build(config, metrics), props);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    streams.setUncaughtExceptionHandler(e -> {
      failure.compareAndSet(null, e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
          .SHUTDOWN_CLIENT;
    });
    try {
      String loadBefore = MachineStats.loadAverage();
      double cpuBefore = MachineStats.processCpuSeconds();
      Map<String, Double> vmBefore = MachineStats.vmThreadCpuSeconds();
      long start = System.nanoTime();
      streams.start();
      awaitDone(streams, metrics, failure, input.bodies().size(), closeWindows, stall);
      double cpu = metrics.cpuAtLastWindow() - cpuBefore;
      Map<String, Double> vmAfter = MachineStats.vmThreadCpuSeconds();
      String loadAfter = MachineStats.loadAverage();
      double dropped = metricSum(streams, "dropped-records-total");
      long alerts = settledAlerts(metrics);
      long heap = MachineStats.heapUsedAfterGcMib();
      return new Result(guarantee, input.records(), (metrics.lastWindowNanos() - metrics.firstInNanos()) / 1e9,
          (metrics.lastWindowNanos() - start) / 1e9, cpu, loadBefore, loadAfter, metrics.windows(), alerts,
          metrics.rejected(), dropped, heap, MachineStats.maxRssMib(), metrics.streamThreadCpuAtLastWindow(),
          delta(vmBefore, vmAfter, "jit"), delta(vmBefore, vmAfter, "gc"));
    } finally {
      streams.close(Duration.ofSeconds(30));
      Utils.delete(stateDir.toFile());
    }
  }

  /**
   * The Streams settings of every measured run, the real topology's and the floors' ({@link FloorRun}): those of
   * {@code costwatch run} (one stream thread, 10 MB cache, replication 1) except the four a bounded replay here needs.
   */
  Properties streamsProperties(String applicationId, String guarantee, Path stateDir) {
    Properties props = new Properties();
    props.putAll(client);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10 * 1024 * 1024L);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
    // Replaying a backlog: each source partition is its own task and nothing keeps tasks at the same event time.
    // With 1 MiB per-partition fetches (about 15 minutes of one partition's bodies) one task runs ahead and the
    // repartitioned windows receive the others' records later than the grace. Small fetches keep them in step.
    props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
        maxPartitionFetchBytes);
    // Seen here with exactly_once_v2 on 4.4.0: the broker answered OUT_OF_ORDER_SEQUENCE_NUMBER ("no existing
    // state" for the producer) on metrics-by-scope-repartition (now metrics-by-workspace) and some runs stalled. Not root-caused; purging
    // (deleteRecords every 30 s by default) is deferred to rule it out as a trigger. See src/site/markdown/benchmarks.md.
    props.put(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, REPARTITION_PURGE_MS);
    // findings-merge puts telemetry detection and spend detection in one sub-topology, so its tasks read
    // metrics-by-workspace and spend-by-workspace. With the default max.task.idle.ms=0 a task waits until it knows
    // the empty spend partition has no lag; with metrics-only input that stalled this run for 20 s and more.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, MAX_TASK_IDLE_MS);
    return props;
  }

  /**
   * Polls until the last expected window was evaluated, sending the closing bodies once every real body was read.
   * Fails with the cause if Streams dies, or when nothing moved for {@code stall}.
   */
  private static void awaitDone(KafkaStreams streams, CountingMetrics metrics, AtomicReference<Throwable> failure,
      long bodies, Runnable closeWindows, Duration stall) {
    Progress progress = new Progress(streams, metrics, failure, bodies, closeWindows, stall);
    if (Poll.until(RUN_LIMIT, progress::finished).isEmpty()) {
      throw new IllegalStateException("the run did not finish within " + RUN_LIMIT);
    }
  }

  /**
   * The alerts published once the count has stopped moving for {@link #ALERTS_QUIET} (at most {@link #ALERTS_LIMIT}
   * after the last window): a run is timed to its last window's evaluation, but that window's alerts still cross the
   * lifecycle repartition topic after it, and a small input closes nearly every window only at its closing records.
   * Nothing here is timed: the wait happens after the run's figures are taken.
   */
  private static long settledAlerts(CountingMetrics metrics) {
    long[] last = {metrics.alerts(), System.nanoTime()};
    Poll.until(ALERTS_LIMIT, () -> {
      long now = System.nanoTime();
      if (metrics.alerts() != last[0]) {
        last[0] = metrics.alerts();
        last[1] = now;
      }
      return now - last[1] >= ALERTS_QUIET.toNanos() ? Optional.of(true) : Optional.empty();
    });
    return metrics.alerts();
  }

  /** One poll of a run: empty while it is moving, a value once it is done; throws when it failed or stalled. */
  private static final class Progress {
    private final KafkaStreams streams;
    private final CountingMetrics metrics;
    private final AtomicReference<Throwable> failure;
    private final long bodies;
    private final Runnable closeWindows;
    private final Duration stall;
    private boolean closed;
    private long seen = -1;
    private long deadline;

    Progress(KafkaStreams streams, CountingMetrics metrics, AtomicReference<Throwable> failure, long bodies,
        Runnable closeWindows, Duration stall) {
      this.streams = streams;
      this.metrics = metrics;
      this.failure = failure;
      this.bodies = bodies;
      this.closeWindows = closeWindows;
      this.stall = stall;
    }

    Optional<Boolean> finished() {
      if (metrics.done()) {
        return Optional.of(true);
      }
      if (failure.get() != null || streams.state() == KafkaStreams.State.ERROR) {
        throw new IllegalStateException("Kafka Streams failed: " + failure.get(), failure.get());
      }
      if (!closed && metrics.bodies() >= bodies) {
        closeWindows.run();
        closed = true;
      }
      long now = System.nanoTime();
      if (metrics.bodies() + metrics.windows() != seen) {
        // start-up (internal topics, rebalance, state stores) gets a longer allowance than a stall mid-run
        deadline = now + (seen < 0 ? STARTUP.toNanos() : stall.toNanos());
        seen = metrics.bodies() + metrics.windows();
      } else if (now > deadline && closed && metrics.windows() > 0) {
        System.err.println("bench: " + metrics.windows() + " of " + metrics.expectedWindows()
            + " windows closed, nothing more for " + stall + "; ending the run (see dropped records)");
        return Optional.of(false);
      } else if (now > deadline) {
        throw new IllegalStateException("no progress for " + stall + ": " + metrics.windows() + " of "
            + metrics.expectedWindows() + " windows, " + metrics.bodies() + " bodies read (state "
            + streams.state() + ")");
      }
      return Optional.empty();
    }
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String kind) {
    return after.containsKey(kind) ? after.get(kind) - before.getOrDefault(kind, 0.0) : Double.NaN;
  }

  private static double metricSum(KafkaStreams streams, String name) {
    double sum = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      if (e.getKey().name().equals(name) && e.getValue().metricValue() instanceof Number n) {
        sum += n.doubleValue();
      }
    }
    return sum;
  }
}
