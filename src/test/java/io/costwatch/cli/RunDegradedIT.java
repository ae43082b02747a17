package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.ingest.eventhubs.FakeEventHubsServer;
import io.costwatch.testing.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code costwatch run} with an Event Hubs namespace that does not answer keeps the Kafka pipeline running and reports
 * the input as degraded on {@code /ready} and {@code costwatch_input_up}; when the namespace comes up, so does the
 * input (issue 16). Before, the start-up check failed the whole service.
 */
class RunDegradedIT {

  private static final Duration WAIT = Duration.ofMinutes(3);
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void pipelineRunsAndReadyReportsTheUnreachableInputUntilItComesUp() throws Exception {
    int eventHubsPort = freePort();
    RunCommand run = new RunCommand();
    run.env = Map.of(
        "COSTWATCH_EMBEDDED_DATA_DIR", dir.resolve("kafka").toString(),
        "COSTWATCH_EMBEDDED_PORT", "0",
        "COSTWATCH_STATE_DIR", dir.resolve("state").toString(),
        "COSTWATCH_HTTP_PORT", "0",
        "COSTWATCH_EVENTHUBS_METRICS_CONNECTION_STRING", FakeEventHubsServer.connectionString(eventHubsPort,
            "metrics"),
        "COSTWATCH_CHECKPOINT_STORE", "memory");
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
      try {
        return run.call();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      Poll.await(WAIT, () -> run.httpPort > 0 || exit.isDone(), () -> "run to serve HTTP");
      assertFalse(exit.isDone(), () -> "run ended: " + exit.join());

      Poll.await(WAIT, () -> body(run, "/ready").contains("cannot read event hub"),
          () -> "a failed first attempt on /ready: " + body(run, "/ready"));
      String ready = get(run, "/ready").body();
      assertTrue(ready.contains("\"status\":\"DEGRADED\""), ready);
      assertTrue(ready.contains("\"state\":\"RUNNING\""), ready);
      assertTrue(ready.contains("eventhubs-metrics"), ready);
      assertFalse(ready.contains("SAS_KEY_VALUE"), ready);
      assertEquals(200, get(run, "/ready").statusCode());
      // the open alerts are served beside /ready (no input yet, so none)
      HttpResponse<String> alerts = get(run, "/alerts");
      assertEquals(200, alerts.statusCode(), alerts.body());
      assertEquals("[]", alerts.body());
      String metrics = get(run, "/metrics").body();
      assertTrue(metrics.contains("costwatch_streams_running 1.0"), metrics);
      assertTrue(metrics.contains("costwatch_input_up{input=\"eventhubs-metrics\"} 0.0"), metrics);

      try (FakeEventHubsServer eventHubs = FakeEventHubsServer.start(Map.of("metrics", 1), eventHubsPort)) {
        Poll.await(WAIT, () -> body(run, "/ready").contains("\"status\":\"READY\""),
            () -> "the input to come up: " + body(run, "/ready"));
        assertTrue(body(run, "/metrics").contains("costwatch_input_up{input=\"eventhubs-metrics\"} 1.0"));
        run.stop.countDown();
        assertEquals(0, exit.get(2, TimeUnit.MINUTES));
      }
    } finally {
      run.stop.countDown();
      exit.handle((code, e) -> code).get(2, TimeUnit.MINUTES);
    }
  }

  private HttpResponse<String> get(RunCommand run, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + run.httpPort + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String body(RunCommand run, String path) {
    try {
      return get(run, path).body();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
