package io.costwatch.ingest.eventhubs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.models.PartitionContext;
import io.costwatch.alert.AlertEvent;
import io.costwatch.config.AppConfig;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Kind;
import io.costwatch.testing.Fixtures;
import io.costwatch.topology.CostTopology;
import io.costwatch.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge is at-least-once: a batch that was sent but not checkpointed (processor restarted, crash between the
 * Kafka acknowledgement and the checkpoint) is forwarded again. This checks the other half of that contract: the
 * duplicates it writes to the raw metrics topic do not change the alerts the real topology raises.
 */
class EventHubsRedeliveryIdempotenceTest {

  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  private static final PartitionContext PARTITION = new PartitionContext("ns.servicebus.windows.net", "metrics",
      "$default", "0");

  @TempDir
  Path stateDir;

  /** Diagnostic events as Azure Monitor sends them: five minutes per event, an idle and a busy GPU cluster. */
  private static List<EventData> events() {
    List<EventData> events = new ArrayList<>();
    for (int block = 0; block < 3; block++) {
      Instant start = T0.plusSeconds(300L * block);
      List<String> records = new ArrayList<>(Fixtures.cluster("ws-a", "gpu1", start, 5, 0.5, 2, 0));
      records.addAll(Fixtures.cluster("ws-a", "gpu2", start, 5, 93, 3, 0));
      events.add(new EventData(Fixtures.body(records)));
    }
    // a later minute closes the 15-minute window
    events.add(new EventData(Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0.plusSeconds(20 * 60), 1, 0.5, 2, 0))));
    return events;
  }

  /** What the bridge writes to Kafka for {@code deliveries} deliveries of the same batch, none checkpointed but the last. */
  private static List<ProducerRecord<String, byte[]>> bridged(int deliveries, AtomicInteger checkpoints) {
    MockProducer<String, byte[]> kafka = new MockProducer<>(true, null, new StringSerializer(),
        new ByteArraySerializer());
    EventHubsBridge bridge = new EventHubsBridge(kafka);
    List<EventData> batch = events();
    for (int i = 0; i < deliveries; i++) {
      bridge.forward(Kind.METRICS, PARTITION, batch, checkpoints::incrementAndGet);
    }
    return kafka.history();
  }

  private record Alert(String alertId, String type, String status, String resourceId) {
  }

  /**
   * Feeds the raw records through the real topology. Each delivery is timestamped when it was sent: the first a
   * minute after each event's data, a redelivery after the whole first delivery (the restart happened later).
   */
  private List<Alert> alerts(List<ProducerRecord<String, byte[]>> raw, int perDelivery, Path dir) {
    Instant[] firstDelivery = {T0.plusSeconds(6 * 60), T0.plusSeconds(11 * 60), T0.plusSeconds(16 * 60),
        T0.plusSeconds(21 * 60)};
    List<Instant> sent = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      int delivery = i / perDelivery;
      sent.add(delivery == 0 ? firstDelivery[i % perDelivery]
          : T0.plusSeconds(25 * 60L + 60L * delivery + i % perDelivery));
    }
    return alerts(raw, sent, dir);
  }

  /** Feeds {@code raw} through the real topology, record {@code i} with Kafka timestamp {@code sent.get(i)}. */
  private static List<Alert> alerts(List<ProducerRecord<String, byte[]>> raw, List<Instant> sent, Path dir) {
    AppConfig config = Fixtures.config();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "costwatch-redelivery-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
    try (TopologyTestDriver driver = new TopologyTestDriver(CostTopology.build(config), props)) {
      TestInputTopic<String, String> metrics = driver.createInputTopic(Topics.METRICS_RAW.name(),
          Serdes.String().serializer(), Serdes.String().serializer());
      TestOutputTopic<String, AlertEvent> alerts = driver.createOutputTopic(Topics.ALERTS.name(),
          Serdes.String().deserializer(), io.costwatch.contract.EventContract.validating(Topics.ALERTS.name(),
              Topics.ALERTS.valueSerde().deserializer()));
      for (int i = 0; i < raw.size(); i++) {
        ProducerRecord<String, byte[]> record = raw.get(i);
        metrics.pipeInput(record.key(), new String(record.value(), StandardCharsets.UTF_8), sent.get(i));
      }
      return alerts.readValuesToList().stream()
          .map(a -> new Alert(a.alertId(), a.type(), a.status().name(), a.resourceId()))
          .toList();
    }
  }

  @Test
  void aBatchDeliveredTwiceDuplicatesRawRecordsButNotAlerts() {
    AtomicInteger checkpoints = new AtomicInteger();
    List<ProducerRecord<String, byte[]>> once = bridged(1, checkpoints);
    List<ProducerRecord<String, byte[]>> twice = bridged(2, checkpoints);

    assertEquals(4, once.size());
    assertEquals(8, twice.size(), "the redelivered batch is written to Kafka again");
    for (int i = 0; i < 4; i++) {
      assertEquals(Topics.METRICS_RAW.name(), twice.get(i + 4).topic());
      assertEquals(once.get(i).key(), twice.get(i + 4).key());
      assertEquals(new String(once.get(i).value(), StandardCharsets.UTF_8),
          new String(twice.get(i + 4).value(), StandardCharsets.UTF_8));
    }

    List<Alert> fromOnce = alerts(once, 4, stateDir.resolve("once"));
    List<Alert> fromTwice = alerts(twice, 4, stateDir.resolve("twice"));

    assertFalse(fromOnce.isEmpty(), "the idle cluster raises an alert, so the comparison means something");
    assertEquals(List.of("GPU_IDLE"), fromOnce.stream().map(Alert::type).distinct().toList(), fromOnce::toString);
    assertEquals(fromOnce, fromTwice, "the same alerts (ids and statuses) from one delivery and from two");
  }

  @Test
  void aBatchRedeliveredBeforeItsWindowClosesDoesNotChangeTheAlertsEither() {
    List<EventData> all = events();
    MockProducer<String, byte[]> kafka = new MockProducer<>(true, null, new StringSerializer(),
        new ByteArraySerializer());
    EventHubsBridge bridge = new EventHubsBridge(kafka);
    AtomicInteger checkpoints = new AtomicInteger();
    bridge.forward(Kind.METRICS, PARTITION, all.subList(0, 3), () -> { }); // checkpoint lost: restart
    bridge.forward(Kind.METRICS, PARTITION, all.subList(0, 3), checkpoints::incrementAndGet);
    bridge.forward(Kind.METRICS, PARTITION, all.subList(3, 4), checkpoints::incrementAndGet);
    List<ProducerRecord<String, byte[]>> raw = kafka.history();
    assertEquals(7, raw.size());
    assertEquals(2, checkpoints.get());

    // first delivery as the events came, the redelivery a minute after, then the event that closes the window
    List<Instant> sent = List.of(T0.plusSeconds(6 * 60), T0.plusSeconds(11 * 60), T0.plusSeconds(16 * 60),
        T0.plusSeconds(17 * 60), T0.plusSeconds(17 * 60), T0.plusSeconds(17 * 60), T0.plusSeconds(21 * 60));
    List<Alert> fromTwice = alerts(raw, sent, stateDir.resolve("twice"));
    List<ProducerRecord<String, byte[]>> once = bridged(1, new AtomicInteger());
    List<Alert> fromOnce = alerts(once, 4, stateDir.resolve("once"));

    assertFalse(fromOnce.isEmpty(), "the idle cluster raises an alert, so the comparison means something");
    assertEquals(fromOnce, fromTwice, "the same alerts (ids and statuses) from one delivery and from two");
  }
}
