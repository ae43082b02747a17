package io.costwatch.ingest.eventhubs;

import static io.costwatch.ingest.eventhubs.KafkaTopicReader.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.models.Checkpoint;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Kind;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.LoadBalancing;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Source;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * When Kafka fails a batch inside a real processor, the bridge sends it again and checkpoints only afterwards:
 * nothing is lost, and the duplicates are what at-least-once allows. (Throwing from the callback instead was tried
 * first: SDK 5.21.5 then stopped pumping the partition without calling processError, and this test timed out.)
 */
class EventHubsBridgeRedeliveryTest {

  @Test
  void aBatchKafkaRejectedIsSentAgainThenCheckpointed() {
    AtomicBoolean failedOnce = new AtomicBoolean();
    MockProducer<String, byte[]> kafka = new MockProducer<>(true, null, new StringSerializer(),
        new ByteArraySerializer()) {
      @Override
      public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        if (failedOnce.compareAndSet(false, true)) {
          return CompletableFuture.failedFuture(new TimeoutException("Kafka unavailable"));
        }
        return super.send(record);
      }
    };
    InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
    List<String> bodies = List.of(EventHubsBridgeEndToEndTest.metricsBody(1),
        EventHubsBridgeEndToEndTest.metricsBody(2), EventHubsBridgeEndToEndTest.metricsBody(3));

    try (FakeEventHubsServer eventHubs = FakeEventHubsServer.start(Map.of("metrics", 1));
        EventHubProducerClient sender = new EventHubClientBuilder()
            .connectionString(eventHubs.connectionString("metrics")).buildProducerClient()) {
      sender.send(bodies.stream().map(EventData::new).toList());
      EventHubsBridgeConfig config = EventHubsBridgeConfig.of(
              Source.ofConnectionString(Kind.METRICS, eventHubs.connectionString("metrics")), null)
          .withLoadBalancing(LoadBalancing.GREEDY, Duration.ofSeconds(1))
          .withBatching(10, Duration.ofSeconds(1));

      try (EventHubsBridge bridge = EventHubsBridge.start(config, kafka, checkpoints)) {
        await(Duration.ofSeconds(60), () -> sequence(checkpoints) != null && sequence(checkpoints) == 2,
            () -> "checkpoint at sequence 2, is " + sequence(checkpoints) + "; " + bridge.counters());

        assertEquals(1, bridge.counters().kafkaFailures());
        assertEquals(3, bridge.counters().forwarded(), "only the acknowledged batch counts");
      }
    }
    List<String> sent = kafka.history().stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    assertEquals(Set.copyOf(bodies), Set.copyOf(sent), "nothing lost");
    Map<String, Long> copies = sent.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    assertTrue(copies.values().stream().allMatch(n -> n <= 2), "at most one redelivery per event: " + copies);
    assertEquals(1L, copies.get(bodies.get(0)), "the rejected record reached Kafka once, on the retry");
  }

  private static Long sequence(InMemoryCheckpointStore store) {
    Checkpoint checkpoint = store.checkpoint("127.0.0.1", "metrics", "$default", "0");
    return checkpoint == null ? null : checkpoint.getSequenceNumber();
  }
}
