package io.costwatch.cli;

import io.costwatch.config.AppConfig;
import io.costwatch.core.SourceRef;
import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.monitor.MetricBodyKey;
import io.costwatch.topology.FlushMarker;
import io.costwatch.topology.PipelineMetrics;
import io.costwatch.topology.Sources;
import io.costwatch.topology.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * A bounded run of the real topology on a throw-away embedded broker: start, feed input, close every window with
 * the end-of-input markers, wait for the acknowledgements, and hand back what was published. {@code demo} and
 * {@code replay} are both this.
 */
final class BoundedRun implements AutoCloseable {

  private final AppConfig config;
  private final KafkaConnection kafka;
  private final Path stateDir;
  private final StreamsRuntime runtime;
  private final KafkaProducer<String, byte[]> producer;
  private final OutputCollector outputs;
  private final int partitions;
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
  private boolean closed;

  private BoundedRun(AppConfig config, KafkaConnection kafka, Path stateDir, StreamsRuntime runtime,
      KafkaProducer<String, byte[]> producer, OutputCollector outputs, int partitions) {
    this.config = config;
    this.partitions = partitions;
    this.kafka = kafka;
    this.stateDir = stateDir;
    this.runtime = runtime;
    this.producer = producer;
    this.outputs = outputs;
  }

  /** Every topic of a bounded run has this many partitions unless told otherwise. */
  static final int DEFAULT_PARTITIONS = 3;

  /**
   * Streams settings of every bounded run, whose application always starts on a fresh broker. Kafka Streams then
   * creates its internal topics (25 repartition and changelog topics) in the first rebalance and checks whether they
   * are ready every {@code retry.backoff.ms} of its main consumer; one became ready per check, so at the default
   * 100 ms no task started for 2.4 s (demo, Kafka 4.4). Checking every 10 ms takes about 0.3 s. The main consumer
   * also retries its own failed requests sooner, which a broker in the same process can take.
   */
  static final Map<String, Object> FRESH_APPLICATION = Map.of(
      StreamsConfig.mainConsumerPrefix(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG), 10L);

  /**
   * How a bounded run trades throughput for the time to its first results; the results are the same either way.
   *
   * <p>Kafka Streams processes everything one poll returned before it polls again, and a record reaches the next
   * sub-topology only through a repartition topic: committed, fetched, then returned by a later poll, behind the raw
   * input that earlier fetches queued. With the consumer's defaults (1,000 records a poll, 1 MiB per partition and
   * fetch) and large producer batches, a window's samples wait behind about half of all the raw input, and its
   * alert behind more of it. Small fetches, polls and input batches let records cross the repartition topics in small
   * steps, so the first windows close while the rest of the input is still being read.
   */
  enum Pace {
    /** Kafka's throughput-oriented defaults, 256 KiB input batches: {@code replay}. */
    THROUGHPUT(Map.of(), 262_144),
    /**
     * Small input batches, fetches and polls, and no record cache: {@code demo}, whose first alerts a user waits for.
     * The cache saves changelog records on a large replay, but on the demo's 1,887 events it cost time to the first
     * alert (DemoFirstAlertBench, 2026-12-03: median 9.9 s over 3 rounds with it, 9.3 s without, back to back).
     */
    FIRST_RESULTS(Map.of(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 100,
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 32_768,
        StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L), 16_384);

    private final Map<String, Object> streamsSettings;
    private final int inputBatchBytes;

    Pace(Map<String, Object> streamsSettings, int inputBatchBytes) {
      this.streamsSettings = streamsSettings;
      this.inputBatchBytes = inputBatchBytes;
    }

    /** Streams properties to add (the configured {@code KAFKA_*} properties take precedence). */
    Map<String, Object> streamsSettings() {
      Map<String, Object> all = new HashMap<>(FRESH_APPLICATION);
      all.putAll(streamsSettings);
      return all;
    }

    /**
     * The input producer's {@code batch.size}: a fetch returns whole batches, so a batch larger than the partition
     * fetch size would come in one piece anyway.
     */
    int inputBatchBytes() {
      return inputBatchBytes;
    }
  }

  static BoundedRun start(AppConfig base, String name, PipelineMetrics metrics, Consumer<Object> listener)
      throws IOException {
    return start(base, name, metrics, listener, WorkDirs.defaultRoot(), EmbeddedKafka.Options.DEFAULT,
        DEFAULT_PARTITIONS, Pace.THROUGHPUT);
  }

  /**
   * @param workRoot where the broker's log and the Streams state go ({@code costwatch-kafka-*},
   *     {@code costwatch-<name>-state-*}); removed on close, on SIGTERM/SIGINT, or by a later run if this one is killed
   */
  static BoundedRun start(AppConfig base, String name, PipelineMetrics metrics, Consumer<Object> listener,
      Path workRoot) throws IOException {
    return start(base, name, metrics, listener, workRoot, EmbeddedKafka.Options.DEFAULT, DEFAULT_PARTITIONS,
        Pace.THROUGHPUT);
  }

  /**
   * @param broker how the throw-away broker differs from the embedded default (tests: Kafka's defaults)
   * @param partitions how many partitions every topic has (so as many tasks per sub-topology)
   * @param pace throughput or the time to the first results
   */
  static BoundedRun start(AppConfig base, String name, PipelineMetrics metrics, Consumer<Object> listener,
      Path workRoot, EmbeddedKafka.Options broker, int partitions, Pace pace) throws IOException {
    if (partitions < 1) {
      throw new IllegalArgumentException("--partitions must be at least 1, not " + partitions);
    }
    Path stateDir = WorkDirs.create(workRoot, "costwatch-" + name + "-state-");
    AppConfig config = base.withApplication("costwatch-" + name, stateDir);
    ClassWarmUp.start(config);
    KafkaConnection kafka;
    try {
      kafka = KafkaConnection.temporary(config, workRoot, broker);
    } catch (RuntimeException e) {
      WorkDirs.release(stateDir);
      throw e;
    }
    try {
      if (StreamsConfig.EXACTLY_ONCE_V2.equals(config.processingGuarantee())) {
        CoordinatorWarmUp.start(kafka.clientConfig());
      }
      kafka.createTopics(partitions);
      StreamsRuntime runtime = StreamsRuntime.start(config, kafka, metrics, true, pace.streamsSettings());
      // no wait for RUNNING: the input is kept in the topics and Streams reads them from the earliest offset once its
      // tasks are assigned, so the caller publishes while the group forms and the state stores open
      Map<String, Object> producerConfig = StreamsRuntime.producerConfig(kafka);
      producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, pace.inputBatchBytes());
      KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
          new ByteArraySerializer());
      BoundedRun run = new BoundedRun(config, kafka, stateDir, runtime, producer,
          new OutputCollector(kafka, listener), partitions);
      WorkDirs.closeOnShutdown(run);
      return run;
    } catch (RuntimeException e) {
      kafka.close();
      WorkDirs.release(stateDir);
      throw e;
    }
  }

  StreamsRuntime runtime() {
    return runtime;
  }

  /**
   * Sends one event body; a body larger than one record may be becomes a dead letter naming its source instead.
   *
   * @return false when the body was dead-lettered
   */
  boolean sendMetrics(String key, String body, SourceRef source, Instant time) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    int limit = RecordLimits.maxBody(kafka.clientConfig());
    if (bytes.length > limit) {
      send(RecordLimits.tooLarge("metrics-read", source, bytes.length, limit));
      return false;
    }
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.METRICS_RAW.name(), null,
        time == null ? null : time.toEpochMilli(), key == null ? MetricBodyKey.of(body) : key, bytes);
    record.headers().add(Sources.ORIGIN, source.origin().getBytes(StandardCharsets.UTF_8));
    record.headers().add(Sources.POSITION, Long.toString(source.position()).getBytes(StandardCharsets.UTF_8));
    send(record);
    return true;
  }

  /** Sends a dead letter of file ingest (an unreadable line, a body too large to send). */
  void sendDeadLetter(ProducerRecord<String, byte[]> deadLetter) {
    send(deadLetter);
  }

  private void send(ProducerRecord<String, byte[]> record) {
    producer.send(record, (metadata, e) -> {
      if (e != null) {
        sendFailure.compareAndSet(null, e);
      }
    });
  }

  private void checkSent() {
    Exception e = sendFailure.get();
    if (e != null) {
      throw new IllegalStateException("the embedded broker rejected input: " + e.getMessage(), e);
    }
  }

  /** Returns once everything sent so far is stored; throws if the broker rejected any of it. */
  void flush() {
    producer.flush();
    checkSent();
  }

  void sendBilling(String key, RawBillingRow row, Instant time) {
    byte[] value = Topics.BILLING_RAW.valueSerde().serializer().serialize(Topics.BILLING_RAW.name(), row);
    send(new ProducerRecord<>(Topics.BILLING_RAW.name(), null, time == null ? null : time.toEpochMilli(), key,
        value));
  }

  /**
   * Returns once the pipeline has applied every billing row sent so far to the reference data it learns from them
   * (see {@link ReferenceDataBarrier}): telemetry sent afterwards is priced the same on every run.
   */
  void awaitBillingApplied(Duration timeout) {
    flush();
    ReferenceDataBarrier.await(kafka.clientConfig(), config.applicationId(), runtime::streams, timeout, () -> {
      checkSent();
      runtime.checkAlive();
    });
  }

  /**
   * Sends the end-of-input markers, one to every partition of both raw topics, and waits until every detection task
   * acknowledged them through every lifecycle task: every window is closed, every day judged (see {@link FlushMarker}).
   */
  void finish(Duration timeout) {
    Instant far = Instant.now().plus(Duration.ofDays(366)).truncatedTo(ChronoUnit.DAYS);
    for (String topic : List.of(Topics.METRICS_RAW.name(), Topics.BILLING_RAW.name())) {
      for (int p = 0; p < partitions; p++) {
        ProducerRecord<String, byte[]> marker = new ProducerRecord<>(topic, p, far.toEpochMilli(), FlushMarker.KEY,
            (byte[]) null);
        marker.headers().add(FlushMarker.PARTITIONS_HEADER,
            Integer.toString(partitions).getBytes(StandardCharsets.UTF_8));
        send(marker);
      }
    }
    producer.flush();
    checkSent();
    Set<String> paths = FlushMarker.paths(partitions);
    outputs.awaitEndOfInput(Map.of(FlushMarker.METRICS_DONE, paths, FlushMarker.BILLING_DONE, paths), timeout, () -> {
      checkSent();
      runtime.checkAlive();
    });
  }

  OutputCollector outputs() {
    return outputs;
  }

  KafkaConnection kafka() {
    return kafka;
  }

  /** Idempotent: the shutdown hook may close a run that the main thread is closing too. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    WorkDirs.forget(this);
    producer.close();
    outputs.close();
    runtime.close();
    kafka.close();
    WorkDirs.release(stateDir);
  }
}
