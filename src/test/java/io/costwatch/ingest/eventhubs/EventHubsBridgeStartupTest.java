package io.costwatch.ingest.eventhubs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Kind;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Source;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Start-up fails fast, naming the setting, before any processor or Kafka producer exists. */
class EventHubsBridgeStartupTest {

  private static final Map<String, Object> UNUSED_KAFKA = Map.of("bootstrap.servers", "127.0.0.1:1");
  private static FakeEventHubsServer eventHubs;

  @BeforeAll
  static void start() {
    eventHubs = FakeEventHubsServer.start(Map.of("metrics", 1));
  }

  @AfterAll
  static void stop() {
    eventHubs.close();
  }

  private static EventHubsBridgeConfig billingFrom(String connectionString) {
    return EventHubsBridgeConfig.of(null, Source.ofConnectionString(Kind.BILLING, connectionString));
  }

  @Test
  void unknownHubFailsNamingTheHubAndTheSetting() {
    EventHubsBridgeConfig config = billingFrom(eventHubs.connectionString("no-such-hub"));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EventHubsBridge.start(config, UNUSED_KAFKA).close());

    assertTrue(e.getMessage().startsWith("cannot read event hub 'no-such-hub' configured by "
        + "COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING"), e.getMessage());
    assertTrue(e.getMessage().contains("could not be found"), e.getMessage());
    assertFalse(e.getMessage().contains("SAS_KEY_VALUE"), e.getMessage());
  }

  @Test
  void connectionStringTheSdkRejectsFailsNamingTheSettingButNotTheSecret() {
    EventHubsBridgeConfig config = billingFrom(eventHubs.connectionString("metrics") + ";Colour=blue");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EventHubsBridge.start(config, UNUSED_KAFKA).close());

    assertTrue(e.getMessage().startsWith("COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING is invalid"),
        e.getMessage());
    assertFalse(e.getMessage().contains("SAS_KEY_VALUE"), e.getMessage());
  }

  @Test
  void connectionStringWithoutEndpointIsRejectedByTheConfiguration() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> billingFrom("SharedAccessKeyName=k;SharedAccessKey=SAS_KEY_VALUE;EntityPath=metrics"));

    assertTrue(e.getMessage().startsWith("COSTWATCH_EVENTHUBS_BILLING_CONNECTION_STRING is not an Event Hubs "
        + "connection string"), e.getMessage());
    assertFalse(e.getMessage().contains("SAS_KEY_VALUE"), e.getMessage());
  }
}
