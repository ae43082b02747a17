package io.costwatch.ingest.eventhubs;

import static io.costwatch.ingest.eventhubs.KafkaTopicReader.await;
import static io.costwatch.ingest.eventhubs.KafkaTopicReader.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.embedded.TopicAdmin;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.ExportsBlob;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Kind;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.LoadBalancing;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Source;
import io.costwatch.testing.Binaries;
import io.costwatch.topology.DeadLetter;
import io.costwatch.topology.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * Event Grid {@code BlobCreated} notifications on the billing hub: real SDK producer -> fake Event Hubs ->
 * {@link EventHubsBridge} -> export blobs in Azurite -> embedded Kafka.
 */
class BlobNotificationsAzuriteTest {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String FOLDER = "daily/costs/20250601-20250630/202506151100/0a1b2c3d/";

  private static String notification(String url, String blobPath, boolean asArray) {
    String event = "{\"topic\":\"/subscriptions/s-1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/"
        + "devstoreaccount1\",\"subject\":\"/blobServices/default/containers/exports/blobs/" + blobPath + "\","
        + "\"eventType\":\"Microsoft.Storage.BlobCreated\",\"id\":\"" + blobPath.hashCode() + "\","
        + "\"data\":{\"api\":\"PutBlob\",\"blobType\":\"BlockBlob\",\"url\":\"" + url + "\"},"
        + "\"dataVersion\":\"\",\"metadataVersion\":\"1\",\"eventTime\":\"2025-06-15T11:00:00Z\"}";
    return asArray ? "[" + event + "]" : event;
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  @Test
  void aManifestNotificationPublishesTheRowsOfItsBlobsAndOtherBlobsAreIgnoredOrDeadLettered() throws Exception {
    Path executable = Azurite.find();
    Binaries.require(executable != null,
        "Azurite not found: put azurite-blob on PATH or set AZURITE_BIN (npm install azurite) to run this test");
    try (Azurite azurite = Azurite.start(executable);
        EmbeddedKafka kafka = EmbeddedKafka.startTemporary();
        FakeEventHubsServer eventHubs = FakeEventHubsServer.start(Map.of("billing", 1));
        EventHubProducerClient sender = new EventHubClientBuilder()
            .connectionString(eventHubs.connectionString("billing")).buildProducerClient()) {
      TopicAdmin.createMissing(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all());
      BlobContainerClient exports = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
          .buildClient().createBlobContainer("exports");
      // a UTF-8 BOM, and a quoted value spanning two physical lines: line numbers are physical
      String plain = "\uFEFFDate,CostInBillingCurrency,ResourceName\n2025-06-01,1.25,gpu1\n"
          + "2025-06-02,2.50,\"multi\nline\"\n";
      String zipped = "Date,CostInBillingCurrency,ResourceName\n2025-06-03,3.75,gpu2\n";
      exports.getBlobClient(FOLDER + "part_0_0001.csv").upload(BinaryData.fromString(plain));
      exports.getBlobClient(FOLDER + "part_0_0002.csv.gz").upload(BinaryData.fromBytes(gzip(zipped)));
      exports.getBlobClient(FOLDER + "manifest.json").upload(BinaryData.fromString(
          "{\"runInfo\":{\"runId\":\"run-42\",\"executionType\":\"Scheduled\"},\"blobCount\":2,\"blobs\":["
              + "{\"blobName\":\"" + FOLDER + "part_0_0001.csv\",\"byteCount\":90},"
              + "{\"blobName\":\"" + FOLDER + "part_0_0002.csv.gz\",\"byteCount\":60}]}"));
      exports.getBlobClient("broken/manifest.json").upload(BinaryData.fromString(
          "{\"runInfo\":{\"runId\":\"run-43\"},\"blobs\":[{\"blobName\":\"broken/part_0_0001.csv\"}]}"));
      exports.getBlobClient("legacy/_manifest.json").upload(BinaryData.fromString(
          "{\"manifestVersion\":\"2021-01-01\",\"blobCount\":0,\"blobs\":[]}"));
      String manifestUrl = exports.getBlobClient(FOLDER + "manifest.json").getBlobUrl();
      String dataUrl1 = exports.getBlobClient(FOLDER + "part_0_0001.csv").getBlobUrl();
      String dataUrl2 = exports.getBlobClient(FOLDER + "part_0_0002.csv.gz").getBlobUrl();
      String brokenUrl = exports.getBlobClient("broken/manifest.json").getBlobUrl();
      String missingUrl = exports.getBlobClient("broken/part_0_0001.csv").getBlobUrl();
      String legacyUrl = exports.getBlobClient("legacy/_manifest.json").getBlobUrl();

      sender.send(List.of(
          new EventData(notification(dataUrl1, FOLDER + "part_0_0001.csv", false)),
          new EventData(notification(manifestUrl, FOLDER + "manifest.json", true)),
          new EventData(notification(brokenUrl, "broken/manifest.json", false)),
          new EventData(notification(legacyUrl, "legacy/_manifest.json", true))));

      EventHubsBridgeConfig config = EventHubsBridgeConfig.of(null,
              Source.ofConnectionString(Kind.BILLING, eventHubs.connectionString("billing")))
          .withLoadBalancing(LoadBalancing.GREEDY, Duration.ofSeconds(1))
          .withBatching(10, Duration.ofSeconds(1))
          .withExportsBlob(new ExportsBlob(azurite.connectionString(), null));
      InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
      try (EventHubsBridge bridge = EventHubsBridge.start(config,
          Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), checkpoints)) {
        await(WAIT, () -> {
          Checkpoint checkpoint = checkpoints.checkpoint("127.0.0.1", "billing", "$default", "0");
          return checkpoint != null && checkpoint.getSequenceNumber() == 3;
        }, () -> "billing/0 checkpointed at 3; " + bridge.counters());

        assertEquals(3, bridge.counters().forwarded());
        assertEquals(1, bridge.counters().deadLettered());
        assertEquals(1, bridge.counters().blobNotificationsIgnored(), "the data blob's own notification");
      }

      List<RawBillingRow> rows = readAll(kafka.bootstrapServers(), Topics.BILLING_RAW.name()).stream()
          .map(r -> Topics.BILLING_RAW.valueSerde().deserializer().deserialize(Topics.BILLING_RAW.name(), r.value()))
          .sorted(Comparator.comparing(RawBillingRow::file).thenComparing(RawBillingRow::line))
          .toList();
      assertTrue(rows.stream().allMatch(r -> r.exportRun().startsWith("run-42@eventhubs://billing/0@")),
          "the run id names its delivery attempt: " + rows);
      rows = rows.stream().map(r -> new RawBillingRow(r.schemaVersion(), r.file(), r.line(),
          r.exportRun().substring(0, r.exportRun().indexOf('@')), r.columns(), r.error())).toList();
      assertEquals(List.of(
          new RawBillingRow(1, dataUrl1, 2, "run-42",
              Map.of("Date", "2025-06-01", "CostInBillingCurrency", "1.25", "ResourceName", "gpu1"), null),
          new RawBillingRow(1, dataUrl1, 3, "run-42",
              Map.of("Date", "2025-06-02", "CostInBillingCurrency", "2.50", "ResourceName", "multi\nline"), null),
          new RawBillingRow(1, dataUrl2, 2, "run-42",
              Map.of("Date", "2025-06-03", "CostInBillingCurrency", "3.75", "ResourceName", "gpu2"), null)),
          rows);
      assertEquals(List.of("Date", "CostInBillingCurrency", "ResourceName"),
          List.copyOf(rows.get(0).columns().keySet()), "the BOM is not part of the first column name");

      List<DeadLetter> dead = readAll(kafka.bootstrapServers(), Topics.DEAD_LETTERS.name()).stream()
          .map(r -> Topics.DEAD_LETTERS.valueSerde().deserializer().deserialize(Topics.DEAD_LETTERS.name(),
              r.value()))
          .toList();
      assertEquals(1, dead.size(), dead::toString);
      DeadLetter missing = dead.get(0);
      assertEquals("manifest-blob-missing", missing.reason());
      assertEquals(brokenUrl, missing.source());
      assertTrue(missing.detail().contains(missingUrl), missing.detail());
      assertTrue(missing.detail().contains("eventhubs://billing/0@2"), missing.detail());
      assertTrue(missing.raw().contains("Microsoft.Storage.BlobCreated"), missing.raw());
    }
  }
}
