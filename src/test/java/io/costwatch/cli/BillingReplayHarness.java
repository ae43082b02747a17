package io.costwatch.cli;

import io.costwatch.alert.AlertEvent;
import io.costwatch.config.AppConfig;
import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportReader;
import io.costwatch.ingest.billing.ExportRunPublisher;
import io.costwatch.topology.DeadLetter;
import io.costwatch.topology.FlushMarker;
import io.costwatch.topology.PipelineMetrics;
import io.costwatch.topology.Topics;
import io.costwatch.usage.DailySpend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The pieces of {@code costwatch replay} in the order a benchmark needs them, so that each can be timed alone: a
 * throw-away embedded broker with the catalogue's topics; the export files published as {@code replay} publishes
 * them (see {@link #ingest}); then the topology started as {@code replay} starts it ({@link StreamsRuntime} in
 * bounded mode) over what is already in the topic, and the end-of-input markers of
 * {@link BoundedRun#finish}, waiting until every day is judged.
 */
public final class BillingReplayHarness implements AutoCloseable {

  /** What publishing measured: records acknowledged (rows and run ends) and the rows read. */
  public record Ingested(long rowsRead, long acknowledged, long runEnds, double seconds) {
  }

  /** What the topology run saw. */
  public record Judged(double seconds, double streamThreadCpuSeconds, int rebalances, List<String> states,
      Throwable failure, List<AlertEvent> alerts, List<DeadLetter> deadLetters, Map<String, DailySpend> dailySpend,
      Map<String, List<DailySpend>> dailySpendUpdates, Map<String, Long> recordsSent) {
  }

  private final AppConfig config;
  private final KafkaConnection kafka;
  private final Path stateDir;
  private final int partitions;

  private BillingReplayHarness(AppConfig config, KafkaConnection kafka, Path stateDir, int partitions) {
    this.config = config;
    this.kafka = kafka;
    this.stateDir = stateDir;
    this.partitions = partitions;
  }

  /** Starts a throw-away broker under {@code workRoot} and creates the topics with {@code partitions} each. */
  public static BillingReplayHarness start(AppConfig base, Path workRoot, int partitions) throws IOException {
    Path stateDir = WorkDirs.create(workRoot, "costwatch-bench-state-");
    AppConfig config = base.withApplication("costwatch-billing-bench", stateDir);
    KafkaConnection kafka = KafkaConnection.temporary(config, workRoot, EmbeddedKafka.Options.DEFAULT);
    kafka.createTopics(partitions);
    return new BillingReplayHarness(config, kafka, stateDir, partitions);
  }

  /**
   * Publishes {@code files} as {@code costwatch replay} does (its producer settings, {@link ExportRunPublisher} with a
   * flush barrier before every run end): returns once every record is acknowledged. Not {@code ingest billing}'s
   * {@link IngestProducer}: its 15 s delivery timeout, meant for an interactive command, expired on the first batch
   * after the broker started on this loaded machine (load 27 on 2 cores); the records and keys are the same.
   */
  public Ingested ingest(List<Path> files) throws IOException {
    long t0 = System.nanoTime();
    long[] rows = new long[1];
    java.util.concurrent.atomic.LongAdder acknowledged = new java.util.concurrent.atomic.LongAdder();
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(StreamsRuntime.producerConfig(kafka),
        new StringSerializer(), new ByteArraySerializer())) {
      Runnable flush = () -> {
        producer.flush();
        if (failed.get() != null) {
          throw new IllegalStateException("the embedded broker rejected input: " + failed.get(), failed.get());
        }
      };
      ExportRunPublisher publisher = new ExportRunPublisher(new BillingRowParser(), (key, row) -> {
        byte[] value = Topics.BILLING_RAW.valueSerde().serializer().serialize(Topics.BILLING_RAW.name(), row);
        producer.send(new ProducerRecord<>(Topics.BILLING_RAW.name(), key, value), (metadata, e) -> {
          if (e == null) {
            acknowledged.increment();
          } else {
            failed.compareAndSet(null, e);
          }
        });
      }, flush);
      new ExportReader().read(files, row -> {
        rows[0]++;
        publisher.row(row);
      }, publisher::runEnd);
      flush.run();
      return new Ingested(rows[0], acknowledged.sum(), publisher.runEndsSent(), (System.nanoTime() - t0) / 1e9);
    }
  }

  /** Every committed value of {@code topic} so far, in offset order per partition. */
  public <V> List<V> read(io.costwatch.topology.TopicSpec<String, V> topic) {
    List<V> values = new ArrayList<>();
    TopicSnapshot.forEach(kafka.clientConfig(), topic, (key, value) -> values.add(value));
    return values;
  }

  /** What a floor topology run measured: start to its last row, and its stream threads' CPU. */
  public record Floor(double seconds, double streamThreadCpuSeconds, long rows) {
  }

  /**
   * Runs {@code topology} over what is already in the topics, with the Streams settings {@code replay} runs with (its
   * own application id and state directory), until {@code done} reports {@code rows}; before {@link #judge}, whose
   * end-of-input markers the floor must not see.
   */
  public Floor floor(org.apache.kafka.streams.Topology topology, java.util.function.LongSupplier done, long rows,
      Duration timeout) throws IOException {
    Path dir = WorkDirs.create(stateDir, "floor-");
    AppConfig floorConfig = config.withApplication("costwatch-billing-floor", dir);
    java.util.Properties props = StreamsRuntime.properties(floorConfig, kafka, PipelineMetrics.NONE, true,
        BoundedRun.Pace.THROUGHPUT.streamsSettings());
    long t0 = System.nanoTime();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (KafkaStreams streams = new KafkaStreams(topology, props)) {
      streams.setUncaughtExceptionHandler(e -> {
        failure.compareAndSet(null, e);
        return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
            .SHUTDOWN_CLIENT;
      });
      streams.start();
      boolean finished = io.costwatch.testing.Poll.until(timeout, () -> {
        if (failure.get() != null || streams.state() == KafkaStreams.State.ERROR) {
          throw new IllegalStateException("the floor topology failed: " + failure.get(), failure.get());
        }
        return done.getAsLong() >= rows ? java.util.Optional.of(true) : java.util.Optional.<Boolean>empty();
      }).isPresent();
      if (!finished) {
        throw new IllegalStateException("the floor topology stored " + done.getAsLong() + " of " + rows
            + " rows within " + timeout);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new Floor(seconds, streamThreadCpuSeconds(), done.getAsLong());
    }
  }

  /**
   * Starts the topology as {@code replay} does, sends the end-of-input markers at once (they queue behind the
   * ingested records) and waits until every billing and telemetry path acknowledged them. A failed stream thread
   * ends the wait and is returned, not thrown, so the caller can report it.
   */
  public Judged judge(PipelineMetrics metrics, Duration timeout) throws InterruptedException {
    return judge(metrics, timeout, () -> { });
  }

  /** {@link #judge(PipelineMetrics, Duration)}, calling {@code tick} between polls of the output (progress lines). */
  public Judged judge(PipelineMetrics metrics, Duration timeout, Runnable tick) throws InterruptedException {
    long t0 = System.nanoTime();
    List<String> states = new ArrayList<>();
    AtomicInteger rebalances = new AtomicInteger();
    AtomicReference<Boolean> wasRunning = new AtomicReference<>(false);
    KafkaStreams.StateListener listener = (now, before) -> {
      synchronized (states) {
        states.add(String.format(java.util.Locale.ROOT, "%s->%s@%.0fs", before, now,
            (System.nanoTime() - t0) / 1e9));
      }
      if (now == KafkaStreams.State.RUNNING) {
        wasRunning.set(true);
      } else if (now == KafkaStreams.State.REBALANCING && wasRunning.get()) {
        rebalances.incrementAndGet();
      }
    };
    try (OutputCollector outputs = new OutputCollector(kafka, event -> { });
        StreamsRuntime runtime = StreamsRuntime.start(config, kafka, metrics, true, BoundedRun.Pace.THROUGHPUT.streamsSettings(), listener)) {
      sendMarkers();
      Throwable failure = null;
      try {
        Set<String> paths = FlushMarker.paths(partitions);
        outputs.awaitEndOfInput(Map.of(FlushMarker.METRICS_DONE, paths, FlushMarker.BILLING_DONE, paths), timeout,
            () -> {
              tick.run();
              runtime.checkAlive();
            });
      } catch (IllegalStateException e) {
        failure = e;
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double streamCpu = streamThreadCpuSeconds();
      Map<String, Long> sent = recordsSent(runtime.streams());
      synchronized (states) {
        return new Judged(seconds, streamCpu, rebalances.get(), List.copyOf(states), failure, outputs.alerts(),
            outputs.deadLetters(), outputs.dailySpend(), outputs.dailySpendUpdates(), sent);
      }
    }
  }

  /**
   * Records the stream threads' producers sent so far, by topic (the producers' {@code record-send-total} per topic;
   * internal topics without the application id prefix): changelogs, repartition topics and sinks.
   */
  static Map<String, Long> recordsSent(KafkaStreams streams) {
    Map<String, Long> sent = new java.util.TreeMap<>();
    streams.metrics().forEach((name, metric) -> {
      if (name.group().equals("producer-topic-metrics") && name.name().equals("record-send-total")) {
        String topic = name.tags().getOrDefault("topic", "?").replaceFirst("^costwatch-billing-bench-", "");
        sent.merge(topic, Math.round(((Number) metric.metricValue()).doubleValue()), Long::sum);
      }
    });
    return sent;
  }

  /** CPU time of the live stream threads (they start with the runtime, so it is this run's so far). */
  public static double streamThreadCpuSeconds() {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long nanos = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      // the stream threads only, not their producers' I/O threads ("...-StreamThread-1-producer")
      if (t.getName().matches(".*-StreamThread-\\d+")) {
        nanos += Math.max(0, threads.getThreadCpuTime(t.getId()));
      }
    }
    return nanos / 1e9;
  }

  /** The markers of {@link BoundedRun#finish}: one to every partition of both raw topics. */
  private void sendMarkers() {
    Instant far = Instant.now().plus(Duration.ofDays(366)).truncatedTo(ChronoUnit.DAYS);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(StreamsRuntime.producerConfig(kafka),
        new StringSerializer(), new ByteArraySerializer())) {
      for (String topic : List.of(Topics.METRICS_RAW.name(), Topics.BILLING_RAW.name())) {
        for (int p = 0; p < partitions; p++) {
          ProducerRecord<String, byte[]> marker = new ProducerRecord<>(topic, p, far.toEpochMilli(), FlushMarker.KEY,
              (byte[]) null);
          marker.headers().add(FlushMarker.PARTITIONS_HEADER,
              Integer.toString(partitions).getBytes(StandardCharsets.UTF_8));
          producer.send(marker);
        }
      }
      producer.flush();
    }
  }

  @Override
  public void close() {
    kafka.close();
    WorkDirs.release(stateDir);
  }
}
