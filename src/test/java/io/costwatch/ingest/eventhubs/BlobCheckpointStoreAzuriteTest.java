package io.costwatch.ingest.eventhubs;

import static io.costwatch.ingest.eventhubs.KafkaTopicReader.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.checkpointstore.blob.BlobCheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.BlobCheckpoints;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Kind;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.LoadBalancing;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Source;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.StartPosition;
import io.costwatch.testing.Binaries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The production checkpoint store (blob, built from the configuration) on Azurite, across a bridge restart. */
class BlobCheckpointStoreAzuriteTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private static MockProducer<String, byte[]> kafka() {
    return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  }

  private static List<String> values(MockProducer<String, byte[]> kafka) {
    return kafka.history().stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
  }

  private static Long sequence(BlobContainerAsyncClient container) {
    List<Checkpoint> checkpoints = new BlobCheckpointStore(container)
        .listCheckpoints("127.0.0.1", "metrics", "$default").collectList().block(Duration.ofSeconds(10));
    return checkpoints == null || checkpoints.isEmpty() ? null : checkpoints.get(0).getSequenceNumber();
  }

  @Test
  void checkpointsInBlobStorageSurviveABridgeRestartAndAMissingContainerFailsFast() throws Exception {
    Path executable = Azurite.find();
    Binaries.require(executable != null,
        "Azurite not found: put azurite-blob on PATH or set AZURITE_BIN (npm install azurite) to run this test");
    try (Azurite azurite = Azurite.start(executable);
        FakeEventHubsServer eventHubs = FakeEventHubsServer.start(Map.of("metrics", 1));
        EventHubProducerClient sender = new EventHubClientBuilder()
            .connectionString(eventHubs.connectionString("metrics")).buildProducerClient()) {
      BlobContainerAsyncClient container = new BlobContainerClientBuilder()
          .connectionString(azurite.connectionString()).containerName("checkpoints").buildAsyncClient();
      container.create().block(Duration.ofSeconds(30));
      EventHubsBridgeConfig config = new EventHubsBridgeConfig(
          Source.ofConnectionString(Kind.METRICS, eventHubs.connectionString("metrics")), null, "$Default",
          StartPosition.EARLIEST, 10, Duration.ofSeconds(1), LoadBalancing.GREEDY, Duration.ofSeconds(1),
          new BlobCheckpoints(azurite.connectionString(), "checkpoints", null));
      sender.send(List.of(new EventData("{\"records\":[]}"), new EventData("{\"records\":[{}]}")));

      MockProducer<String, byte[]> first = kafka();
      try (EventHubsBridge bridge = EventHubsBridge.start(config, first, EventHubsBridge.checkpointStore(config))) {
        await(WAIT, () -> Long.valueOf(1).equals(sequence(container)),
            () -> "blob checkpoint at sequence 1, is " + sequence(container) + "; " + bridge.counters());
      }
      sender.send(List.of(new EventData("{\"records\":[{},{}]}")));

      MockProducer<String, byte[]> second = kafka();
      try (EventHubsBridge bridge = EventHubsBridge.start(config, second, EventHubsBridge.checkpointStore(config))) {
        await(WAIT, () -> Long.valueOf(2).equals(sequence(container)),
            () -> "blob checkpoint at sequence 2, is " + sequence(container) + "; " + bridge.counters());
      }

      EventHubsBridgeConfig missing = new EventHubsBridgeConfig(config.metrics(), null, "$Default",
          StartPosition.EARLIEST, 10, Duration.ofSeconds(1), LoadBalancing.GREEDY, Duration.ofSeconds(1),
          new BlobCheckpoints(azurite.connectionString(), "no-such-container", null));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> EventHubsBridge.checkpointStore(missing));
      assertTrue(e.getMessage().contains("'no-such-container' does not exist"), e.getMessage());
      assertFalse(e.getMessage().contains(Azurite.ACCOUNT_KEY), e.getMessage());

      assertEquals(List.of("{\"records\":[]}", "{\"records\":[{}]}"), values(first));
      assertEquals(List.of("{\"records\":[{},{}]}"), values(second), "the restarted bridge read only the new event");
    }
  }
}
