package io.costwatch.ingest.eventhubs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.util.IterableStream;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.models.CreateBatchOptions;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.azure.messaging.eventhubs.PartitionProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fake against the real SDK clients, so a broken fake shows up here and not as a mystery in bridge tests. */
class FakeEventHubsServerTest {

  private static FakeEventHubsServer server;
  private static EventHubProducerClient producer;

  @BeforeAll
  static void start() {
    server = FakeEventHubsServer.start(Map.of("hub1", 2));
    producer = new EventHubClientBuilder().connectionString(server.connectionString("hub1"))
        .retryOptions(new AmqpRetryOptions().setMaxRetries(0).setTryTimeout(Duration.ofSeconds(5)))
        .buildProducerClient();
  }

  @AfterAll
  static void stop() {
    producer.close();
    server.close();
  }

  @Test
  void batchesAreStoredAndReadBackFromASequenceNumberWithServiceAnnotations() {
    EventDataBatch batch = producer.createBatch(new CreateBatchOptions().setPartitionId("1"));
    for (int i = 0; i < 3; i++) {
      assertTrue(batch.tryAdd(new EventData("event-" + i)));
    }
    producer.send(batch);

    PartitionProperties partition = producer.getPartitionProperties("1");
    assertEquals(2, partition.getLastEnqueuedSequenceNumber());
    assertEquals(List.of("0", "1"), producer.getEventHubProperties().getPartitionIds().stream().toList());
    assertEquals(1024 * 1024, batch.getMaxSizeInBytes());

    List<String> bodies = new ArrayList<>();
    try (EventHubConsumerClient consumer = new EventHubClientBuilder()
        .connectionString(server.connectionString("hub1"))
        .consumerGroup("$Default")
        .buildConsumerClient()) {
      IterableStream<PartitionEvent> events = consumer.receiveFromPartition("1", 2,
          EventPosition.fromSequenceNumber(1, true), Duration.ofSeconds(10));
      for (PartitionEvent event : events) {
        bodies.add(event.getData().getBodyAsString() + "@" + event.getData().getSequenceNumber() + "/"
            + event.getData().getOffsetString());
      }
    }
    assertEquals(List.of("event-1@1/1000", "event-2@2/2000"), bodies);
  }

  @Test
  void unknownHubIsReportedAsNotFound() {
    try (EventHubProducerClient missing = new EventHubClientBuilder()
        .connectionString(server.connectionString("nope"))
        .retryOptions(new AmqpRetryOptions().setMaxRetries(0).setTryTimeout(Duration.ofSeconds(5)))
        .buildProducerClient()) {
      RuntimeException e = assertThrows(RuntimeException.class, missing::getEventHubProperties);
      assertTrue(String.valueOf(e.getMessage()).contains("could not be found"), e.toString());
    }
  }
}
