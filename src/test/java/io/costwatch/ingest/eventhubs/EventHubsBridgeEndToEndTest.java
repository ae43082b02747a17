package io.costwatch.ingest.eventhubs;

import static io.costwatch.ingest.eventhubs.KafkaTopicReader.await;
import static io.costwatch.ingest.eventhubs.KafkaTopicReader.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.SendOptions;
import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.embedded.TopicAdmin;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Kind;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.LoadBalancing;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Source;
import io.costwatch.topology.DeadLetter;
import io.costwatch.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real SDK producer -> fake Event Hubs -> {@link EventHubsBridge} (real {@code EventProcessorClient}s) -> embedded
 * Kafka. The steps share one broker, one fake and one checkpoint store and run in order, because starting and
 * stopping processors dominates the run time.
 */
@TestMethodOrder(OrderAnnotation.class)
class EventHubsBridgeEndToEndTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String NAMESPACE = "127.0.0.1";

  private static EmbeddedKafka kafka;
  private static FakeEventHubsServer eventHubs;
  private static EventHubProducerClient metricsSender;
  private static EventHubProducerClient billingSender;
  private static final InMemoryCheckpointStore CHECKPOINTS = new InMemoryCheckpointStore();
  private static EventHubsBridgeConfig config;
  private static EventHubsBridge bridge;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.startTemporary();
    TopicAdmin.createMissing(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all());
    eventHubs = FakeEventHubsServer.start(Map.of("metrics", 2, "billing", 1));
    metricsSender = new EventHubClientBuilder().connectionString(eventHubs.connectionString("metrics"))
        .buildProducerClient();
    billingSender = new EventHubClientBuilder().connectionString(eventHubs.connectionString("billing"))
        .buildProducerClient();
    config = EventHubsBridgeConfig.of(
            Source.ofConnectionString(Kind.METRICS, eventHubs.connectionString("metrics")),
            Source.ofConnectionString(Kind.BILLING, eventHubs.connectionString("billing")))
        .withLoadBalancing(LoadBalancing.GREEDY, Duration.ofSeconds(1))
        .withBatching(10, Duration.ofSeconds(1));
  }

  @AfterAll
  static void stop() {
    if (bridge != null) {
      bridge.close();
    }
    metricsSender.close();
    billingSender.close();
    eventHubs.close();
    kafka.close();
  }

  private static Map<String, Object> producerConfig() {
    Map<String, Object> producer = new HashMap<>();
    producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return producer;
  }

  static String metricsBody(int n) {
    return "{\"records\":[{\"count\":1,\"total\":" + n + ".0,\"minimum\":" + n + ".0,\"maximum\":" + n
        + ".0,\"average\":" + n + ".0,\"resourceId\":\"/SUBSCRIPTIONS/S-1/RESOURCEGROUPS/RG-ML/PROVIDERS/"
        + "MICROSOFT.MACHINELEARNINGSERVICES/WORKSPACES/WS-" + n + "\",\"time\":\"2025-06-15T10:42:00.0000000Z\","
        + "\"metricName\":\"GpuUtilization\",\"timeGrain\":\"PT1M\"}]}";
  }

  private static void sendMetrics(String partition, List<EventData> events) {
    metricsSender.send(events, new SendOptions().setPartitionId(partition));
  }

  private static Long checkpointedSequence(String hub, String partition) {
    Checkpoint checkpoint = CHECKPOINTS.checkpoint(NAMESPACE, hub, "$default", partition);
    return checkpoint == null ? null : checkpoint.getSequenceNumber();
  }

  private static void awaitCheckpoint(String hub, String partition, long sequence) {
    await(WAIT, () -> Long.valueOf(sequence).equals(checkpointedSequence(hub, partition)),
        () -> hub + "/" + partition + " checkpointed at " + sequence + ", is " + checkpointedSequence(hub, partition)
            + "; " + bridge.counters());
  }

  private static String header(ConsumerRecord<String, byte[]> record, String key) {
    return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }

  private static List<ConsumerRecord<String, byte[]>> metricsRecords() {
    return readAll(kafka.bootstrapServers(), Topics.METRICS_RAW.name());
  }

  @Test
  @Order(1)
  void metricEventsArriveWithTheirCoordinatesAndAPoisonEventIsDeadLettered() {
    sendMetrics("0", List.of(new EventData(metricsBody(1)), new EventData(new byte[] {(byte) 0xFF, 0x00}),
        new EventData(metricsBody(3))));
    sendMetrics("1", List.of(new EventData(metricsBody(4)), new EventData(metricsBody(5))));

    bridge = EventHubsBridge.start(config, producerConfig(), CHECKPOINTS);

    awaitCheckpoint("metrics", "0", 2);
    awaitCheckpoint("metrics", "1", 1);
    List<ConsumerRecord<String, byte[]>> records = metricsRecords();
    assertEquals(Set.of(metricsBody(1), metricsBody(3), metricsBody(4), metricsBody(5)), records.stream()
        .map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toSet()));
    assertEquals(4, records.size());
    ConsumerRecord<String, byte[]> third = records.stream()
        .filter(r -> new String(r.value(), StandardCharsets.UTF_8).equals(metricsBody(3))).findFirst().orElseThrow();
    assertEquals("/subscriptions/s-1/resourcegroups/rg-ml/providers/microsoft.machinelearningservices/"
        + "workspaces/ws-3", third.key());
    assertEquals(NAMESPACE, header(third, "eventhubs.namespace"));
    assertEquals("metrics", header(third, "eventhubs.hub"));
    assertEquals("0", header(third, "eventhubs.partition"));
    assertEquals("2", header(third, "eventhubs.sequence-number"));
    assertEquals("2000", header(third, "eventhubs.offset"));
    assertEquals(eventHubs.events("metrics", "0").get(2).enqueuedTime().toInstant(),
        Instant.parse(header(third, "eventhubs.enqueued-time")));

    List<ConsumerRecord<String, byte[]>> dead = readAll(kafka.bootstrapServers(), Topics.DEAD_LETTERS.name());
    assertEquals(1, dead.size());
    DeadLetter letter = Topics.DEAD_LETTERS.valueSerde().deserializer()
        .deserialize(Topics.DEAD_LETTERS.name(), dead.get(0).value());
    assertEquals("eventhubs-bridge", letter.stage());
    assertEquals("not-utf8", letter.reason());
    assertEquals("eventhubs://metrics/0@1", letter.source());
    assertEquals(1, bridge.counters().deadLettered());
  }

  @Test
  @Order(2)
  void billingRowsAndCsvEventsArriveAsRawBillingRows() {
    EventData row = new EventData("{\"SubscriptionId\":\"S-1\",\"CostInBillingCurrency\":\"12.5\"}");
    row.getProperties().put("exportRun", "run-1");
    EventData csv = new EventData("Date,CostInBillingCurrency\n2025-06-01,1.25\n2025-06-02,-0.5\n");
    billingSender.send(List.of(row, csv));

    awaitCheckpoint("billing", "0", 1);
    List<RawBillingRow> rows = readAll(kafka.bootstrapServers(), Topics.BILLING_RAW.name()).stream()
        .map(r -> Topics.BILLING_RAW.valueSerde().deserializer().deserialize(Topics.BILLING_RAW.name(), r.value()))
        .sorted(java.util.Comparator.comparing(RawBillingRow::file).thenComparing(RawBillingRow::line))
        .toList();
    assertEquals(3, rows.size());
    assertEquals(new RawBillingRow(1, "eventhubs://billing/0", 0, "run-1",
        Map.of("SubscriptionId", "S-1", "CostInBillingCurrency", "12.5"), null), rows.get(0));
    assertEquals("eventhubs://billing/0@1", rows.get(1).file());
    assertEquals(Map.of("Date", "2025-06-01", "CostInBillingCurrency", "1.25"), rows.get(1).columns());
    assertEquals("-0.5", rows.get(2).columns().get("CostInBillingCurrency"));
    assertNull(rows.get(2).error());
  }

  @Test
  @Order(3)
  void aRestartedBridgeResumesFromTheCheckpointsWithoutLossOrDuplicates() {
    awaitCheckpoint("metrics", "0", 2);
    awaitCheckpoint("metrics", "1", 1);
    bridge.close();
    bridge = null;
    sendMetrics("0", List.of(new EventData(metricsBody(6))));
    sendMetrics("1", List.of(new EventData(metricsBody(7)), new EventData(metricsBody(8))));

    bridge = EventHubsBridge.start(config, producerConfig(), CHECKPOINTS);

    awaitCheckpoint("metrics", "0", 3);
    awaitCheckpoint("metrics", "1", 3);
    List<String> bodies = metricsRecords().stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))
        .sorted().toList();
    assertEquals(IntStream.of(1, 3, 4, 5, 6, 7, 8).mapToObj(EventHubsBridgeEndToEndTest::metricsBody).sorted()
        .toList(), bodies, "every event exactly once, since all batches were checkpointed");
    assertEquals(1, readAll(kafka.bootstrapServers(), Topics.DEAD_LETTERS.name()).size());
    assertEquals(3, readAll(kafka.bootstrapServers(), Topics.BILLING_RAW.name()).size());
    assertEquals(3, bridge.counters().forwarded());
    assertNotNull(checkpointedSequence("billing", "0"));
  }
}
