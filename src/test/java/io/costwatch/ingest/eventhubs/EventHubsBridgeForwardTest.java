package io.costwatch.ingest.eventhubs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.models.PartitionContext;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Kind;
import io.costwatch.topology.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The checkpoint rule without AMQP: checkpoint only after Kafka acknowledged the whole batch, retrying until then. */
class EventHubsBridgeForwardTest {

  private static final PartitionContext PARTITION = new PartitionContext("ns.servicebus.windows.net", "metrics",
      "$default", "0");
  private static final List<EventData> BATCH = List.of(new EventData(EventHubsBridgeEndToEndTest.metricsBody(1)),
      new EventData("not json"), new EventData(EventHubsBridgeEndToEndTest.metricsBody(2)));

  /** Acknowledges every record except the {@code failing}-th (1-based), whose future fails. */
  private static MockProducer<String, byte[]> producerFailingAt(int failing) {
    AtomicInteger sent = new AtomicInteger();
    return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
      @Override
      public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        if (sent.incrementAndGet() == failing) {
          return CompletableFuture.failedFuture(new NotEnoughReplicasException("broker says no"));
        }
        return super.send(record);
      }
    };
  }

  @Test
  void aBatchKafkaAcknowledgedIsCheckpointedOnce() {
    MockProducer<String, byte[]> producer = producerFailingAt(0);
    EventHubsBridge bridge = new EventHubsBridge(producer);
    AtomicInteger checkpoints = new AtomicInteger();

    bridge.forward(Kind.METRICS, PARTITION, BATCH, checkpoints::incrementAndGet);

    assertEquals(1, checkpoints.get());
    assertEquals(List.of(Topics.METRICS_RAW.name(), Topics.DEAD_LETTERS.name(), Topics.METRICS_RAW.name()),
        producer.history().stream().map(ProducerRecord::topic).toList());
    assertEquals(2, bridge.counters().forwarded());
    assertEquals(1, bridge.counters().deadLettered());
  }

  @Test
  void aFailedSendIsRetriedAsAWholeBatchAndCheckpointedOnlyAfterwards() {
    MockProducer<String, byte[]> producer = producerFailingAt(3);
    EventHubsBridge bridge = new EventHubsBridge(producer);
    bridge.retryBackoff = Duration.ofMillis(10);
    AtomicInteger checkpoints = new AtomicInteger();

    bridge.forward(Kind.METRICS, PARTITION, BATCH, checkpoints::incrementAndGet);

    assertEquals(1, checkpoints.get());
    assertEquals(1, bridge.counters().kafkaFailures());
    assertEquals(2, bridge.counters().forwarded());
    assertEquals(2 + 3, producer.history().size(), "the two records acknowledged before the failure are resent");
  }

  @Test
  void closingDuringRetriesGivesUpWithoutCheckpoint() throws Exception {
    MockProducer<String, byte[]> producer = producerFailingAt(0);
    producer.flushException = new KafkaException("flush failed");
    EventHubsBridge bridge = new EventHubsBridge(producer);
    bridge.retryBackoff = Duration.ofMillis(10);
    AtomicInteger checkpoints = new AtomicInteger();
    CompletableFuture<Void> forwarding = CompletableFuture.runAsync(
        () -> bridge.forward(Kind.METRICS, PARTITION, BATCH, checkpoints::incrementAndGet));
    KafkaTopicReader.await(Duration.ofSeconds(10), () -> bridge.counters().kafkaFailures() >= 2,
        () -> "two failed attempts, saw " + bridge.counters());

    bridge.close();

    ExecutionException e = assertThrows(ExecutionException.class, () -> forwarding.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("not checkpointed"), e.getCause().getMessage());
    assertEquals(0, checkpoints.get());
    assertEquals(0, bridge.counters().forwarded());
  }

  @Test
  void aRecordKafkaRefusesAsTooLargeBecomesADeadLetterInsteadOfBlockingThePartition() {
    AtomicInteger sent = new AtomicInteger();
    MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
        new ByteArraySerializer()) {
      @Override
      public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        if (sent.incrementAndGet() == 1) {
          return CompletableFuture.failedFuture(new RecordTooLargeException("too big"));
        }
        return super.send(record);
      }
    };
    EventHubsBridge bridge = new EventHubsBridge(producer);
    AtomicInteger checkpoints = new AtomicInteger();

    bridge.forward(Kind.METRICS, PARTITION, BATCH, checkpoints::incrementAndGet);

    assertEquals(1, checkpoints.get());
    assertEquals(List.of(Topics.DEAD_LETTERS.name(), Topics.METRICS_RAW.name(), Topics.DEAD_LETTERS.name()),
        producer.history().stream().map(ProducerRecord::topic).toList(), "only the refused record is re-sent");
    assertEquals(1, bridge.counters().forwarded());
    assertEquals(2, bridge.counters().deadLettered());
    assertEquals(0, bridge.counters().kafkaFailures());
  }

  @Test
  void anEmptyBatchIsNeitherSentNorCheckpointed() {
    MockProducer<String, byte[]> producer = producerFailingAt(0);
    EventHubsBridge bridge = new EventHubsBridge(producer);
    AtomicInteger checkpoints = new AtomicInteger();

    bridge.forward(Kind.METRICS, PARTITION, List.of(), checkpoints::incrementAndGet);

    assertEquals(0, checkpoints.get());
    assertEquals(0, producer.history().size());
  }
}
