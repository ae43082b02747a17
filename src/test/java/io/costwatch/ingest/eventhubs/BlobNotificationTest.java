package io.costwatch.ingest.eventhubs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.ExportsBlob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Recognising Event Grid BlobCreated notifications, and the export storage settings. */
class BlobNotificationTest {

  private static final String CS = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;"
      + "SharedAccessKey=c2VjcmV0;EntityPath=billing";
  private static final String STORAGE = "DefaultEndpointsProtocol=https;AccountName=costexports;AccountKey=S3CRET==;"
      + "EndpointSuffix=core.windows.net";

  private static String resource(String name) throws IOException {
    try (InputStream in = BlobNotificationTest.class.getResourceAsStream("/eventhubs/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void anEventGridArrayIsReadFromDataUrl() throws IOException {
    List<BlobNotification> events = BlobNotification.parse(resource("blob-created.json"));
    assertEquals(1, events.size());
    BlobNotification event = events.get(0);
    assertEquals("costexports", event.accountName());
    assertEquals("exports", event.container());
    assertEquals("daily/costs/20250601-20250630/run-1/manifest.json", event.blobName());
    assertEquals("daily/costs/20250601-20250630/run-1/", event.folder());
    assertTrue(event.isManifest());
  }

  @Test
  void aCloudEventWithoutUrlFallsBackToTheSubjectAndLegacyManifestsAreManifests() {
    List<BlobNotification> events = BlobNotification.parse("{\"specversion\":\"1.0\",\"type\":"
        + "\"Microsoft.Storage.BlobCreated\",\"subject\":\"/blobServices/default/containers/c/blobs/x/_manifest.json\","
        + "\"data\":{}}");
    assertEquals(List.of(new BlobNotification("/blobServices/default/containers/c/blobs/x/_manifest.json", null, "c",
        "x/_manifest.json")), events);
    assertTrue(events.get(0).isManifest());
    assertFalse(BlobNotification.parse("{\"eventType\":\"Microsoft.Storage.BlobCreated\",\"data\":{\"url\":"
        + "\"https://a.blob.core.windows.net/c/x/part_0_0001.csv.gz\"}}").get(0).isManifest());
  }

  @Test
  void rowsAndOtherEventTypesAreNotNotifications() {
    assertNull(BlobNotification.parse("{\"SubscriptionId\":\"S-1\",\"CostInBillingCurrency\":\"12.5\"}"));
    assertNull(BlobNotification.parse("[{\"eventType\":\"Microsoft.Storage.BlobDeleted\",\"note\":"
        + "\"Microsoft.Storage.BlobCreated\"}]"));
    assertNull(BlobNotification.parse("Date,Note\n2025-06-01,Microsoft.Storage.BlobCreated\n"));
  }

  @Test
  void exportStorageIsConfiguredByConnectionStringOrAccountUrlAndTheSecretStaysHidden() {
    EventHubsBridgeConfig config = EventHubsBridgeConfig.fromEnv(Map.of(
        "COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING", CS, "COSTWATCH_CHECKPOINT_STORE", "memory",
        "COSTWATCH_EXPORTS_BLOB_CONNECTION_STRING", STORAGE));
    assertEquals(STORAGE, config.exportsBlob().connectionString());
    assertFalse(config.toString().contains("S3CRET"), config.toString());

    EventHubsBridgeConfig byUrl = EventHubsBridgeConfig.fromEnv(Map.of(
        "COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING", CS, "COSTWATCH_CHECKPOINT_STORE", "memory",
        "COSTWATCH_EXPORTS_BLOB_ACCOUNT_URL", "https://costexports.blob.core.windows.net"));
    assertEquals(new ExportsBlob(null, "https://costexports.blob.core.windows.net"), byUrl.exportsBlob());

    assertNull(EventHubsBridgeConfig.fromEnv(Map.of("COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING", CS,
        "COSTWATCH_CHECKPOINT_STORE", "memory", "COSTWATCH_EXPORTS_BLOB_ACCOUNT_URL", " ")).exportsBlob());
  }

  @Test
  void invalidExportStorageSettingsNameTheVariable() {
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> EventHubsBridgeConfig.fromEnv(
        Map.of("COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING", CS, "COSTWATCH_CHECKPOINT_STORE", "memory",
            "COSTWATCH_EXPORTS_BLOB_CONNECTION_STRING", STORAGE,
            "COSTWATCH_EXPORTS_BLOB_ACCOUNT_URL", "https://costexports.blob.core.windows.net")));
    assertTrue(both.getMessage().contains("not both"), both.getMessage());

    IllegalArgumentException notStorage = assertThrows(IllegalArgumentException.class,
        () -> EventHubsBridgeConfig.fromEnv(Map.of("COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING", CS,
            "COSTWATCH_CHECKPOINT_STORE", "memory", "COSTWATCH_EXPORTS_BLOB_CONNECTION_STRING", "AccountKey=S3CRET==")));
    assertTrue(notStorage.getMessage().contains("COSTWATCH_EXPORTS_BLOB_CONNECTION_STRING"), notStorage.getMessage());
    assertFalse(notStorage.getMessage().contains("S3CRET"), notStorage.getMessage());

    IllegalArgumentException badUrl = assertThrows(IllegalArgumentException.class,
        () -> EventHubsBridgeConfig.fromEnv(Map.of("COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING", CS,
            "COSTWATCH_CHECKPOINT_STORE", "memory", "COSTWATCH_EXPORTS_BLOB_ACCOUNT_URL", "costexports")));
    assertTrue(badUrl.getMessage().startsWith("COSTWATCH_EXPORTS_BLOB_ACCOUNT_URL"), badUrl.getMessage());

    IllegalArgumentException noBillingHub = assertThrows(IllegalArgumentException.class,
        () -> EventHubsBridgeConfig.fromEnv(Map.of("COSTWATCH_EVENTHUBS_METRICS_CONNECTION_STRING",
            CS.replace("billing", "metrics"), "COSTWATCH_CHECKPOINT_STORE", "memory",
            "COSTWATCH_EXPORTS_BLOB_ACCOUNT_URL", "https://costexports.blob.core.windows.net")));
    assertTrue(noBillingHub.getMessage().contains("COSTWATCH_EXPORTS_BLOB_ACCOUNT_URL is set but no billing hub"),
        noBillingHub.getMessage());
  }
}
