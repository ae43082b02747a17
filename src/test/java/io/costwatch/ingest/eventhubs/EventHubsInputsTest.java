package io.costwatch.ingest.eventhubs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Kind;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Source;
import io.costwatch.testing.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An Event Hubs namespace that does not answer at start degrades its input instead of failing the start (issue 16):
 * the input is retried in the background and comes up once the namespace answers; a malformed connection string
 * is still refused at once.
 */
class EventHubsInputsTest {

  private static final Map<String, Object> KAFKA = Map.of("bootstrap.servers", "127.0.0.1:1");
  private static final Duration WAIT = Duration.ofSeconds(90);

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void anUnreachableNamespaceIsRetriedUntilItAnswers() throws Exception {
    int port = freePort();
    EventHubsBridgeConfig config = EventHubsBridgeConfig.of(
        Source.ofConnectionString(Kind.METRICS, FakeEventHubsServer.connectionString(port, "metrics")), null);

    try (EventHubsInputs inputs = EventHubsInputs.start(config, KAFKA, c -> new InMemoryCheckpointStore(),
        Duration.ofMillis(200))) {
      // the first attempt failed: the input is down with the reason, secrets masked
      Poll.await(WAIT, () -> !inputs.down().getOrDefault("eventhubs-metrics", "starting").equals("starting"),
          () -> "a failed first attempt, got " + inputs.down());
      assertFalse(inputs.up("eventhubs-metrics"));
      String reason = inputs.down().get("eventhubs-metrics");
      assertTrue(reason.contains("metrics"), reason);
      assertFalse(reason.contains("SAS_KEY_VALUE"), reason);

      try (FakeEventHubsServer eventHubs = FakeEventHubsServer.start(Map.of("metrics", 1), port)) {
        Poll.await(WAIT, () -> inputs.up("eventhubs-metrics"), () -> "the input to come up, " + inputs.down());
        assertEquals(Map.of(), inputs.down());
      }
    }
  }

  @Test
  void aMalformedConnectionStringIsRefusedAtOnceWithoutItsSecret() throws Exception {
    EventHubsBridgeConfig config = EventHubsBridgeConfig.of(Source.ofConnectionString(Kind.METRICS,
        FakeEventHubsServer.connectionString(freePort(), "metrics") + ";Colour=blue"), null);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EventHubsInputs.start(config, KAFKA).close());

    assertTrue(e.getMessage().startsWith("COSTWATCH_EVENTHUBS_METRICS_CONNECTION_STRING is invalid"), e.getMessage());
    assertFalse(e.getMessage().contains("SAS_KEY_VALUE"), e.getMessage());
  }
}
