package io.costwatch.cli;

import io.costwatch.config.AppConfig;
import io.costwatch.topology.CostTopology;
import io.costwatch.topology.PipelineMetrics;
import io.costwatch.topology.StreamErrors;
import io.costwatch.topology.TableUpdates;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/** Builds and runs the one topology on a Kafka connection, with the configured processing guarantee. */
final class StreamsRuntime implements AutoCloseable {

  private final KafkaStreams streams;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private StreamsRuntime(KafkaStreams streams) {
    this.streams = streams;
  }

  static Topology topology(AppConfig config, PipelineMetrics metrics) {
    return topology(config, metrics, TableUpdates.COALESCED);
  }

  static Topology topology(AppConfig config, PipelineMetrics metrics, TableUpdates tables) {
    return CostTopology.build(config, metrics, tables);
  }

  static StreamsRuntime start(AppConfig config, KafkaConnection kafka, PipelineMetrics metrics) {
    return start(config, kafka, metrics, false);
  }

  /**
   * @param bounded a replay or demo: tasks never wait for data on their other (possibly empty) input partitions,
   *     since a bounded input may have no records at all on one of them (a metrics-only replay), and no record cache
   *     coalesces table updates (it still merges the processors' own store writes: {@link TableUpdates})
   */
  static StreamsRuntime start(AppConfig config, KafkaConnection kafka, PipelineMetrics metrics, boolean bounded) {
    return start(config, kafka, metrics, bounded, Map.of());
  }

  /**
   * @param settings further Streams properties for this run (a bounded run's pace); the configured Kafka properties
   *     take precedence
   */
  static StreamsRuntime start(AppConfig config, KafkaConnection kafka, PipelineMetrics metrics, boolean bounded,
      Map<String, Object> settings) {
    return start(config, kafka, metrics, bounded, settings, (now, before) -> { });
  }

  /** Like {@link #start(AppConfig, KafkaConnection, PipelineMetrics, boolean, Map)}, telling {@code states} every change. */
  static StreamsRuntime start(AppConfig config, KafkaConnection kafka, PipelineMetrics metrics, boolean bounded,
      Map<String, Object> settings, KafkaStreams.StateListener states) {
    Properties props = properties(config, kafka, metrics, bounded, settings);
    // a bounded run judges billing days at its end-of-input marker only, never on the wall clock
    AppConfig effective = bounded ? config.withBillingSettle(Duration.ZERO) : config;
    // a bounded run's tables forward every update: every table update reaches the detectors in input order, so a
    // replay's output depends on its input only, not on how many records happened to fall into one commit interval;
    // the record cache still merges the processors' repeated store writes (see TableUpdates)
    KafkaStreams streams = new KafkaStreams(topology(effective, metrics, bounded ? TableUpdates.EVERY
        : TableUpdates.COALESCED), props);
    StreamsRuntime runtime = new StreamsRuntime(streams);
    streams.setUncaughtExceptionHandler(e -> {
      runtime.failure.compareAndSet(null, e);
      System.err.println("costwatch: stream thread failed, shutting down: " + e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
          .SHUTDOWN_CLIENT;
    });
    streams.setStateListener(states);
    streams.start();
    return runtime;
  }

  /** The Streams settings {@link #start} runs with (benchmarks run their floor topologies with them too). */
  static Properties properties(AppConfig config, KafkaConnection kafka, PipelineMetrics metrics, boolean bounded,
      Map<String, Object> settings) {
    Properties props = new Properties();
    props.putAll(kafka.clientConfig());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
    if (kafka.singleNode()) {
      props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    }
    settings.forEach(props::putIfAbsent);
    props.putIfAbsent(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10 * 1024 * 1024L);
    FastRestart.settings(config).forEach(props::putIfAbsent);
    StreamErrors.configure(props, metrics);
    if (bounded) {
      props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    }
    return props;
  }

  KafkaStreams streams() {
    return streams;
  }

  /** Waits until the application is RUNNING; fails with the cause when it dies first. */
  void awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      checkAlive();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Kafka Streams did not reach RUNNING within " + timeout + " (state "
            + streams.state() + ")");
      }
      Thread.sleep(50);
    }
  }

  void checkAlive() {
    Throwable e = failure.get();
    if (e != null || streams.state() == KafkaStreams.State.ERROR) {
      throw new IllegalStateException("Kafka Streams failed: " + (e == null ? streams.state() : e), e);
    }
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }

  static Map<String, Object> producerConfig(KafkaConnection kafka) {
    Map<String, Object> config = new java.util.HashMap<>(kafka.clientConfig());
    config.put("linger.ms", 20);
    config.put("batch.size", 262_144);
    config.put("enable.idempotence", true);
    config.put("acks", "all");
    return config;
  }
}
