package io.costwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.detect.DeploymentRules;
import io.costwatch.detect.GpuRules;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig;
import io.costwatch.ingest.monitorapi.MetricsApiConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigSourceTest {

  private static final String EVENTHUBS_CS = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=listen;"
      + "SharedAccessKey=c2VjcmV0LWtleS12YWx1ZQ==;EntityPath=metrics";

  @TempDir
  Path dir;

  @Test
  void aMisspeltVariableIsAnErrorThatSuggestsTheSetting() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(
        "COSTWATCH_ALERTMANGER_URL", "http://alertmanager:9093")));

    assertTrue(e.getMessage().startsWith("COSTWATCH_ALERTMANGER_URL is not a Costwatch setting; did you mean "
        + "COSTWATCH_ALERTMANAGER_URL?"), e.getMessage());
  }

  @Test
  void anUnknownNameFarFromEverySettingHasNoSuggestion() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.of(Map.of(
        "COSTWATCH_ZZZ_QQQ_XXXXXXXXXX", "1")));

    assertEquals("COSTWATCH_ZZZ_QQQ_XXXXXXXXXX is not a Costwatch setting (every setting is listed in "
        + "docs/configuration.md)", e.getMessage());
  }

  @Test
  void otherVariablesOfTheEnvironmentAreNoConcernOfOurs() {
    ConfigSource source = ConfigSource.of(Map.of("PATH", "/usr/bin", "KAFKA_BOOTSTRAP_SERVERS", "b:9092",
        "COSTWATCHER", "x"));

    assertEquals("/usr/bin", source.values().get("PATH"));
  }

  @Test
  void aMisspeltKeyOfThePropertiesFileNamesTheFileAndTheKey() throws IOException {
    Path file = Files.writeString(dir.resolve("costwatch.properties"),
        "COSTWATCH_HTTP_PORT=9000\nCOSTWATCH_WEBHOOK_SECRT=k\nhttp.port=1\n");

    ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.of(Map.of(
        "COSTWATCH_CONFIG_FILE", file.toString())));

    assertTrue(e.getMessage().contains("COSTWATCH_WEBHOOK_SECRT (a key of COSTWATCH_CONFIG_FILE=" + file
        + ") is not a Costwatch setting; did you mean COSTWATCH_WEBHOOK_SECRET?"), e.getMessage());
    assertTrue(e.getMessage().contains("http.port (a key of COSTWATCH_CONFIG_FILE=" + file
        + ") is neither a COSTWATCH_* setting nor a KAFKA_* client property"), e.getMessage());
  }

  @Test
  void aBadValueInThePropertiesFileNamesTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("costwatch.properties"), "COSTWATCH_METRICS_WINDOW=quarter\n");

    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(
        "COSTWATCH_CONFIG_FILE", file.toString())));

    assertEquals("COSTWATCH_METRICS_WINDOW=quarter (in COSTWATCH_CONFIG_FILE=" + file + ") is not a duration (e.g. "
        + "30m, 4h, 7d, 1h30m or ISO-8601 PT30M, PT4H, P7D)", e.getMessage());
  }

  @Test
  void aBlankVariableDoesNotHideTheFilesValue() throws IOException {
    Path file = Files.writeString(dir.resolve("costwatch.properties"), "COSTWATCH_HTTP_PORT=9000\n");

    AppConfig config = ConfigLoader.load(Map.of("COSTWATCH_CONFIG_FILE", file.toString(), "COSTWATCH_HTTP_PORT", " "));

    assertEquals(9000, config.httpPort());
  }

  @Test
  void eventHubsSettingsAreReadFromThePropertiesFile() throws IOException {
    Path file = Files.writeString(dir.resolve("costwatch.properties"),
        "COSTWATCH_EVENTHUBS_METRICS_CONNECTION_STRING=" + EVENTHUBS_CS + "\nCOSTWATCH_CHECKPOINT_STORE=memory\n"
            + "COSTWATCH_EVENTHUBS_MAX_WAIT=2s\nCOSTWATCH_EVENTHUBS_BATCH_SIZE=50\n");

    EventHubsBridgeConfig config = EventHubsBridgeConfig.fromEnv(ConfigSource.of(Map.of(
        "COSTWATCH_CONFIG_FILE", file.toString(), "COSTWATCH_EVENTHUBS_BATCH_SIZE", "20")).values());

    assertEquals("metrics", config.metrics().hubName());
    assertEquals(Duration.ofSeconds(2), config.maxWaitTime());
    assertEquals(20, config.maxBatchSize(), "the environment wins over the file");
    assertTrue(config.checkpointStore() instanceof EventHubsBridgeConfig.MemoryCheckpoints);
  }

  @Test
  void metricsApiSettingsAreReadFromThePropertiesFile() throws IOException {
    String workspace = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";
    Path file = Files.writeString(dir.resolve("costwatch.properties"),
        "COSTWATCH_METRICS_API_WORKSPACES=" + workspace + "\nCOSTWATCH_METRICS_API_POLL_INTERVAL=30s\n");

    Map<String, String> values = ConfigSource.of(Map.of("COSTWATCH_CONFIG_FILE", file.toString())).values();

    assertTrue(MetricsApiConfig.configured(values));
    assertEquals(Duration.ofSeconds(30), MetricsApiConfig.fromEnv(values).pollInterval());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"4h, PT4H", "30m, PT30M", "1h30m, PT1H30M", "2d, PT48H", "45s, PT45S", "PT15M, PT15M", "p2d, PT48H",
      "pt1h, PT1H"})
  void durationsAcceptTheShortFormAndIso8601(String written, String expected) {
    AppConfig config = ConfigLoader.load(Map.of("COSTWATCH_METRICS_WINDOW", written));

    assertEquals(Duration.parse(expected), config.metricsWindow());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "soon | COSTWATCH_ALERT_MIN_DURATION=soon is not a duration (e.g. 30m, 4h, 7d, 1h30m or ISO-8601 PT30M, PT4H, "
          + "P7D)",
      "0m   | COSTWATCH_ALERT_MIN_DURATION=0m must be a positive duration (e.g. 30m, 4h, 7d, 1h30m or ISO-8601 "
          + "PT30M, PT4H, P7D)",
      "4 h  | COSTWATCH_ALERT_MIN_DURATION=4 h is not a duration (e.g. 30m, 4h, 7d, 1h30m or ISO-8601 PT30M, PT4H, "
          + "P7D)"})
  void aBadDurationNamesTheVariableAndTheForms(String written, String expected) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("COSTWATCH_ALERT_MIN_DURATION", written)));

    assertEquals(expected, e.getMessage());
  }

  @Test
  void unsetSettingsTakeTheDefaultsOfTheRegistryWhichAreTheRulesOwn() {
    AppConfig config = ConfigLoader.load(Map.of());

    assertEquals(GpuRules.defaults(), config.rules().gpu());
    assertEquals(DeploymentRules.defaults(), config.rules().deployment());
    assertEquals(Duration.ofMinutes(15), config.metricsWindow());
    assertEquals("127.0.0.1", config.httpHost());
    assertEquals(8080, config.httpPort());
  }

  @Test
  void connectionStringsAndTheWebhookSecretAreMarkedSecret() {
    assertTrue(Settings.get("COSTWATCH_WEBHOOK_SECRET").secret());
    assertTrue(Settings.get("COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING").secret());
    assertFalse(Settings.get("COSTWATCH_HTTP_PORT").secret());
  }

  @Test
  void readingASettingThatIsNotListedIsABug() {
    ConfigSource source = ConfigSource.of(Map.of());

    assertThrows(IllegalStateException.class, () -> source.text("COSTWATCH_NOT_LISTED"));
  }
}
