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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

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

  static BoundedRun start(AppConfig base, String name, PipelineMetrics metrics, Consumer<Object> listener)
      throws IOException, InterruptedException {
    return start(base, name, metrics, listener, WorkDirs.defaultRoot(), EmbeddedKafka.Options.DEFAULT,
        DEFAULT_PARTITIONS);
  }

  /**
   * @param workRoot where the broker's log and the Streams state go ({@code costwatch-kafka-*},
   *     {@code costwatch-<name>-state-*}); removed on close, on SIGTERM/SIGINT, or by a later run if this one is killed
   */
  static BoundedRun start(AppConfig base, String name, PipelineMetrics metrics, Consumer<Object> listener,
      Path workRoot) throws IOException, InterruptedException {
    return start(base, name, metrics, listener, workRoot, EmbeddedKafka.Options.DEFAULT, DEFAULT_PARTITIONS);
  }

  /**
   * @param broker how the throw-away broker differs from the embedded default (tests: Kafka's defaults)
   * @param partitions how many partitions every topic has (so as many tasks per sub-topology)
   */
  static BoundedRun start(AppConfig base, String name, PipelineMetrics metrics, Consumer<Object> listener,
      Path workRoot, EmbeddedKafka.Options broker, int partitions) throws IOException, InterruptedException {
    if (partitions < 1) {
      throw new IllegalArgumentException("--partitions must be at least 1, not " + partitions);
    }
    Path stateDir = WorkDirs.create(workRoot, "costwatch-" + name + "-state-");
    AppConfig config = base.withApplication("costwatch-" + name, stateDir);
    KafkaConnection kafka;
    try {
      kafka = KafkaConnection.temporary(config, workRoot, broker);
    } catch (RuntimeException e) {
      WorkDirs.release(stateDir);
      throw e;
    }
    try {
      kafka.createTopics(partitions);
      StreamsRuntime runtime = StreamsRuntime.start(config, kafka, metrics, true);
      runtime.awaitRunning(Duration.ofMinutes(2));
      KafkaProducer<String, byte[]> producer = new KafkaProducer<>(StreamsRuntime.producerConfig(kafka),
          new StringSerializer(), new ByteArraySerializer());
      BoundedRun run = new BoundedRun(config, kafka, stateDir, runtime, producer,
          new OutputCollector(kafka, listener), partitions);
      WorkDirs.closeOnShutdown(run);
      return run;
    } catch (RuntimeException | InterruptedException e) {
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
