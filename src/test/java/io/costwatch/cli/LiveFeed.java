package io.costwatch.cli;

import io.costwatch.core.Json;
import io.costwatch.embedded.TopicAdmin;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportRunPublisher;
import io.costwatch.ingest.demo.DemoEvent;
import io.costwatch.ingest.demo.DemoScenario;
import io.costwatch.testing.Poll;
import io.costwatch.topology.FlushMarker;
import io.costwatch.topology.Sources;
import io.costwatch.topology.TopicSpec;
import io.costwatch.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The input side of a live {@code costwatch run} in a test: the demo's workload sent to the raw topics as the
 * Event Hubs bridge and {@code ingest billing} send it (an idempotent producer that outlives the service), the
 * end-of-input markers, and the alert topic read back with {@code read_committed}.
 *
 * <p>Every topic is created with one partition before {@code run} starts, so the markers reach every task as they do
 * in {@code replay}; {@code run} only creates what is missing.
 */
final class LiveFeed implements AutoCloseable {

  /** The demo's VM sizes, configured, so prices never depend on which billing rows a restarted instance saw. */
  static final String COMPUTE_SKUS = skus();

  private final Map<String, Object> client;
  private final KafkaProducer<String, byte[]> producer;
  private final ExportRunPublisher billing;
  private final Set<String> exportRuns = new LinkedHashSet<>();
  private final java.util.concurrent.atomic.AtomicReference<Exception> sendFailure =
      new java.util.concurrent.atomic.AtomicReference<>();
  private int index;

  LiveFeed(String bootstrapServers) {
    this.client = Map.of("bootstrap.servers", bootstrapServers);
    Map<String, Object> config = new HashMap<>(client);
    config.put("enable.idempotence", true);
    config.put("acks", "all");
    config.put("linger.ms", 20);
    // a broker restart mid-stream must not fail a send: retry for as long as the test may take
    config.put("delivery.timeout.ms", 600_000);
    config.put("request.timeout.ms", 10_000);
    this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    this.billing = new ExportRunPublisher(new BillingRowParser(), this::sendBilling, this::flush);
  }

  /** The demo's events (billing for 14 days, then 6 hours of telemetry) for days ending at {@code end}. */
  static List<DemoEvent> workload(Instant end) {
    return new DemoScenario(DemoScenario.DEFAULT_SEED)
        .events(end.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(DemoScenario.BILLING_DAYS)));
  }

  static void createTopics(String bootstrapServers) {
    TopicAdmin.createMissing(Map.of("bootstrap.servers", bootstrapServers),
        Topics.all().stream().<TopicSpec<?, ?>>map(t -> t.withPartitions(1)).toList());
  }

  /** Sends events in order; returns once the broker stored all of them. */
  void send(List<DemoEvent> events) {
    for (DemoEvent event : events) {
      index++;
      if (event.kind() == DemoEvent.Kind.METRICS) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.METRICS_RAW.name(), null,
            event.time().toEpochMilli(), event.key(), ((String) event.value()).getBytes(StandardCharsets.UTF_8));
        record.headers().add(Sources.ORIGIN, "crash://metrics".getBytes(StandardCharsets.UTF_8));
        record.headers().add(Sources.POSITION, Integer.toString(index).getBytes(StandardCharsets.UTF_8));
        producer.send(record, this::onCompletion);
      } else {
        RawBillingRow row = (RawBillingRow) event.value();
        billing.row(row);
        exportRuns.add(row.exportRun());
      }
    }
    flush();
  }

  /** Ends every export run sent, then sends the end-of-input markers, a year ahead, that close every window. */
  void finish() {
    finish(Instant.now().plus(Duration.ofDays(366)).truncatedTo(ChronoUnit.DAYS));
  }

  /**
   * Like {@link #finish()} with markers at {@code far}: after every event time but not in the future, for a broker
   * that keeps the default {@code log.message.timestamp.after.max.ms} (one hour).
   */
  void finish(Instant far) {
    exportRuns.forEach(billing::runEnd);
    Instant second = far.plus(Duration.ofMinutes(15 + 5 + 1));
    for (var marker : List.of(Map.entry(Topics.METRICS_RAW.name(), far), Map.entry(Topics.METRICS_RAW.name(), second),
        Map.entry(Topics.BILLING_RAW.name(), far))) {
      producer.send(new ProducerRecord<String, byte[]>(marker.getKey(), 0, marker.getValue().toEpochMilli(),
          FlushMarker.KEY, null), this::onCompletion);
    }
    flush();
  }

  private void sendBilling(String key, RawBillingRow row) {
    byte[] value = Topics.BILLING_RAW.valueSerde().serializer().serialize(Topics.BILLING_RAW.name(), row);
    producer.send(new ProducerRecord<>(Topics.BILLING_RAW.name(), key, value), this::onCompletion);
  }

  private void onCompletion(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception e) {
    if (e != null) {
      sendFailure.compareAndSet(null, e);
    }
  }

  /** Returns once the broker stored everything sent so far; fails if it rejected any of it. */
  private void flush() {
    producer.flush();
    if (sendFailure.get() != null) {
      throw new IllegalStateException("the broker rejected input: " + sendFailure.get(), sendFailure.get());
    }
  }

  /** Waits until both paths acknowledged the end-of-input markers on the control topic. */
  void awaitEndOfInput(Duration timeout, Runnable checkAlive) {
    Set<String> seen = new HashSet<>();
    try (KafkaConsumer<String, String> consumer = consumer()) {
      TopicPartition control = new TopicPartition(Topics.CONTROL.name(), 0);
      consumer.assign(List.of(control));
      consumer.seekToBeginning(List.of(control));
      Poll.await(timeout, () -> {
        checkAlive.run();
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          seen.add(r.key());
        }
        return seen.containsAll(Set.of(FlushMarker.METRICS_DONE, FlushMarker.BILLING_DONE));
      }, () -> "end-of-input acknowledgements (seen " + seen + ")");
    }
  }

  /**
   * Every committed alert event, as {@code alertId type status severity windowEnd impact}, in topic order. The trace
   * (processing times) is left out: it differs between any two runs.
   */
  List<String> committedAlerts() {
    return committed(Topics.ALERTS.name()).stream().map(r -> digest(r.value())).toList();
  }

  /** Every committed record of a one-partition topic, from its start to its last stable offset. */
  List<ConsumerRecord<String, String>> committed(String topic) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer()) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      Poll.await(Duration.ofSeconds(60), () -> {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        return consumer.position(partition) >= end;
      }, () -> topic + " up to its last stable offset " + end);
    }
    return out;
  }

  static String digest(String alertJson) {
    try {
      var alert = Json.MAPPER.readTree(alertJson);
      var impact = alert.path("impact");
      return String.join(" ", alert.path("alertId").asText(), alert.path("type").asText(),
          alert.path("status").asText(), alert.path("severity").asText(), alert.path("windowEnd").asText(),
          impact.path("amount").decimalValue().stripTrailingZeros().toPlainString(), impact.path("currency").asText(),
          impact.path("period").asText());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("unreadable alert " + alertJson, e);
    }
  }

  /** Counts of each distinct element, for messages that show what is missing or duplicated. */
  static Map<String, Long> counts(List<String> values) {
    return values.stream().collect(Collectors.groupingBy(v -> v, TreeMap::new, Collectors.counting()));
  }

  private KafkaConsumer<String, String> consumer() {
    Map<String, Object> config = new HashMap<>(client);
    config.put("isolation.level", "read_committed");
    config.put("enable.auto.commit", false);
    return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
  }

  private static String skus() {
    Map<String, String> all = new LinkedHashMap<>(DemoScenario.CLUSTER_SKUS);
    all.putAll(DemoScenario.EXTRA_SKUS);
    return all.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
