package io.costwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.metrics.MetricsHttpServer.Readiness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsHttpServerTest {

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicBoolean alive = new AtomicBoolean(true);
  private final AtomicReference<Readiness> readiness = new AtomicReference<>(new Readiness(false, "CREATED"));
  private MicrometerPipelineMetrics metrics;
  private MetricsHttpServer server;

  @BeforeEach
  void start() {
    metrics = MetricsFixtures.exercised();
    server = new MetricsHttpServer("127.0.0.1", 0, metrics.registry(), alive::get, readiness::get);
  }

  @AfterEach
  void stop() {
    server.close();
    metrics.close();
  }

  @Test
  void metricsServesTheDomainSeriesInPrometheusTextFormat() throws Exception {
    // Given a registry exercised through every PipelineMetrics method (see MetricsFixtures)
    // When Prometheus scrapes
    HttpResponse<String> response = get("/metrics");

    // Then
    assertEquals(200, response.statusCode());
    assertEquals(MetricsHttpServer.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElseThrow());
    String body = response.body();
    assertTrue(body.contains("costwatch_records_in_total{topic=\"azure.monitor-metrics.raw.v1\"} 1.0"), body);
    assertTrue(body.contains("costwatch_burn_rate_dollars_per_hour{cluster=\"all\",currency=\"USD\","
        + "workspace=\"mlw-research\"} 12.5"), body);
    assertTrue(body.contains("costwatch_alerts_open{severity=\"HIGH\",type=\"GPU_IDLE\"} 1.0"), body);
    assertTrue(body.contains("costwatch_alert_latency_seconds_bucket{le="), body);
    assertTrue(body.contains("jvm_memory_used_bytes{"), body);
    for (String series : MicrometerPipelineMetrics.SERIES) {
      assertTrue(body.contains(series), "missing " + series);
    }
  }

  @Test
  void healthFollowsTheLivenessSupplier() throws Exception {
    assertEquals(200, get("/health").statusCode());
    assertEquals("{\"status\":\"UP\"}", get("/health").body());

    alive.set(false);

    HttpResponse<String> down = get("/health");
    assertEquals(503, down.statusCode());
    assertTrue(down.body().contains("DOWN"), down.body());
  }

  @Test
  void readyFollowsTheReadinessSupplierAndReportsTheState() throws Exception {
    HttpResponse<String> notReady = get("/ready");
    assertEquals(503, notReady.statusCode());
    assertTrue(notReady.body().contains("\"state\":\"CREATED\""), notReady.body());

    readiness.set(new Readiness(true, "RUNNING"));

    HttpResponse<String> ready = get("/ready");
    assertEquals(200, ready.statusCode());
    assertTrue(ready.body().contains("RUNNING"), ready.body());
  }

  @Test
  void unknownPathsAndMethodsAreRejected() throws Exception {
    assertEquals(404, get("/nope").statusCode());
    HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri("/metrics"))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
  }

  @Test
  void portZeroBindsAnEphemeralPort() {
    assertTrue(server.port() > 0, "bound port " + server.port());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
