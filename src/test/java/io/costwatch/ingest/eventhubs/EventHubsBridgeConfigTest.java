package io.costwatch.ingest.eventhubs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.BlobCheckpoints;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.LoadBalancing;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.MemoryCheckpoints;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.StartPosition;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EventHubsBridgeConfigTest {

  private static final String SECRET = "c2VjcmV0LWtleS12YWx1ZQ==";
  private static final String CS = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;"
      + "SharedAccessKey=" + SECRET + ";EntityPath=metrics";

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("COSTWATCH_CHECKPOINT_STORE", "memory");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void defaultsApplyWhenOnlyAConnectionStringIsSet() {
    EventHubsBridgeConfig config = EventHubsBridgeConfig.fromEnv(
        env("COSTWATCH_EVENTHUBS_METRICS_CONNECTION_STRING", CS));

    assertEquals("metrics", config.metrics().hubName());
    assertNull(config.billing());
    assertEquals("$Default", config.consumerGroup());
    assertEquals(StartPosition.EARLIEST, config.startPosition());
    assertEquals(100, config.maxBatchSize());
    assertEquals(Duration.ofSeconds(5), config.maxWaitTime());
    assertEquals(LoadBalancing.BALANCED, config.loadBalancing());
    assertInstanceOf(MemoryCheckpoints.class, config.checkpointStore());
  }

  @Test
  void everyVariableIsRead() {
    EventHubsBridgeConfig config = EventHubsBridgeConfig.fromEnv(Map.ofEntries(
        Map.entry("COSTWATCH_EVENTHUBS_METRICS_NAMESPACE", "ns.servicebus.windows.net"),
        Map.entry("COSTWATCH_EVENTHUBS_METRICS_HUB", "metrics"),
        Map.entry("COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING", CS.replace("EntityPath=metrics", "")),
        Map.entry("COSTWATCH_EVENTHUBS_BILLING_HUB", "billing"),
        Map.entry("COSTWATCH_EVENTHUBS_CONSUMER_GROUP", "costwatch"),
        Map.entry("COSTWATCH_EVENTHUBS_START_POSITION", "latest"),
        Map.entry("COSTWATCH_EVENTHUBS_BATCH_SIZE", "250"),
        Map.entry("COSTWATCH_EVENTHUBS_MAX_WAIT", "PT2S"),
        Map.entry("COSTWATCH_EVENTHUBS_LOAD_BALANCING", "GREEDY"),
        Map.entry("COSTWATCH_CHECKPOINT_STORE", "blob"),
        Map.entry("COSTWATCH_CHECKPOINT_BLOB_CONNECTION_STRING", "DefaultEndpointsProtocol=https;AccountKey=" + SECRET),
        Map.entry("COSTWATCH_CHECKPOINT_BLOB_CONTAINER", "checkpoints")));

    assertEquals("ns.servicebus.windows.net", config.metrics().fullyQualifiedNamespace());
    assertEquals("billing", config.billing().hubName());
    assertEquals("costwatch", config.consumerGroup());
    assertEquals(StartPosition.LATEST, config.startPosition());
    assertEquals(250, config.maxBatchSize());
    assertEquals(Duration.ofSeconds(2), config.maxWaitTime());
    assertEquals(LoadBalancing.GREEDY, config.loadBalancing());
    assertEquals("checkpoints", ((BlobCheckpoints) config.checkpointStore()).container());
    assertEquals(2, config.sources().size());
  }

  @Test
  void secretsNeverAppearInToString() {
    EventHubsBridgeConfig config = EventHubsBridgeConfig.fromEnv(env(
        "COSTWATCH_EVENTHUBS_METRICS_CONNECTION_STRING", CS,
        "COSTWATCH_CHECKPOINT_STORE", "blob",
        "COSTWATCH_CHECKPOINT_BLOB_CONNECTION_STRING", "AccountKey=" + SECRET,
        "COSTWATCH_CHECKPOINT_BLOB_CONTAINER", "c"));

    String text = config.toString();
    assertFalse(text.contains(SECRET), text);
    assertTrue(text.contains("connectionString=***"), text);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "COSTWATCH_EVENTHUBS_START_POSITION|middle|[earliest, latest]",
      "COSTWATCH_EVENTHUBS_LOAD_BALANCING|random|[balanced, greedy]",
      "COSTWATCH_EVENTHUBS_BATCH_SIZE|0|positive integer",
      "COSTWATCH_EVENTHUBS_BATCH_SIZE|many|positive integer",
      "COSTWATCH_EVENTHUBS_MAX_WAIT|soon|must be a duration (e.g. 30m",
      "COSTWATCH_CHECKPOINT_STORE|redis|[blob, memory]",
      "COSTWATCH_EVENTHUBS_METRICS_HUB|other|differs from the EntityPath",
      "COSTWATCH_EVENTHUBS_METRICS_NAMESPACE|ns.servicebus.windows.net|exactly one of"})
  void invalidValuesNameTheVariable(String variable, String value, String expected) {
    Map<String, String> env = env("COSTWATCH_EVENTHUBS_METRICS_CONNECTION_STRING", CS, variable, value);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EventHubsBridgeConfig.fromEnv(env));

    assertTrue(e.getMessage().contains(variable) || e.getMessage().contains("COSTWATCH_EVENTHUBS_METRICS_"),
        e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @Test
  void malformedConnectionStringNamesTheSettingButNotTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventHubsBridgeConfig.fromEnv(
        env("COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING", "SharedAccessKey=" + SECRET)));

    assertTrue(e.getMessage().startsWith("COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING"), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @Test
  void noSourceAtAllIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EventHubsBridgeConfig.fromEnv(env()));

    assertTrue(e.getMessage().contains("COSTWATCH_EVENTHUBS_METRICS_CONNECTION_STRING"), e.getMessage());
  }

  @Test
  void blobStoreNeedsItsLocation() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventHubsBridgeConfig.fromEnv(
        env("COSTWATCH_EVENTHUBS_METRICS_CONNECTION_STRING", CS, "COSTWATCH_CHECKPOINT_STORE", "blob")));

    assertTrue(e.getMessage().contains("COSTWATCH_CHECKPOINT_BLOB_CONTAINER"), e.getMessage());
  }

  @Test
  void anInvalidExportsAccountUrlIsEchoedWithoutItsSasSignature() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventHubsBridgeConfig.fromEnv(
        env("COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING", CS.replace("metrics", "billing"),
            "COSTWATCH_EXPORTS_BLOB_ACCOUNT_URL", "ftp://acct.blob.core.windows.net/?sv=2022-11-02&sig=SAS_SECRET")));

    assertTrue(e.getMessage().contains("COSTWATCH_EXPORTS_BLOB_ACCOUNT_URL"), e.getMessage());
    assertTrue(e.getMessage().contains("sig=****"), e.getMessage());
    assertFalse(e.getMessage().contains("SAS_SECRET"), e.getMessage());
  }

  @Test
  void accountUrlsWithUserInfoOrSasAreMaskedWhenPrinted() {
    EventHubsBridgeConfig.ExportsBlob blob = new EventHubsBridgeConfig.ExportsBlob(null,
        "https://acct.blob.core.windows.net/?sv=2022-11-02&sig=SAS_SECRET");

    assertFalse(blob.toString().contains("SAS_SECRET"), blob.toString());
  }
}
