package io.costwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The whole compose stack, built and started as a user would with the {@code demo} profile: the demo feeder
 * publishes generated inputs to the stack's Kafka, the {@code costwatch} service processes them, Prometheus scrapes
 * it, and a Grafana panel query (through Grafana's datasource proxy, as a panel would) returns data.
 *
 * <p>Needs a Docker engine with compose; where there is none, JUnit reports the class as skipped ("Docker is not
 * available"), and the static checks of {@link ComposeStaticTest} still run.
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeStackIT {

  private static final String PASSWORD = "compose-smoke-test";

  @Container
  @SuppressWarnings("resource")
  private static final ComposeContainer STACK = new ComposeContainer(new File("docker/compose.yaml"))
      .withBuild(true)
      .withOptions("--profile demo")
      .withEnv(Map.of("GRAFANA_ADMIN_PASSWORD", PASSWORD))
      .withExposedService("grafana", 3000, Wait.forHttp("/api/health").forStatusCode(200)
          .withStartupTimeout(Duration.ofMinutes(10)))
      .withExposedService("costwatch", 8080, Wait.forHttp("/ready").forStatusCode(200)
          .withStartupTimeout(Duration.ofMinutes(10)));

  @Test
  void aGrafanaPanelQueryReturnsDataFromTheDemoFeed() {
    String expr = PrometheusSupport.substitute(
        "sum by (topic) (rate(costwatch_records_in_total{job=\"$job\", instance=~\"$instance\"}[$__rate_interval]))",
        Map.of("job", DashboardLintTest.JOB, "instance", "costwatch:8080", "__rate_interval", "2m"));
    URI query = URI.create("http://" + STACK.getServiceHost("grafana", 3000) + ":"
        + STACK.getServicePort("grafana", 3000) + "/api/datasources/proxy/uid/costwatch-prometheus/api/v1/query?query="
        + URLEncoder.encode(expr, StandardCharsets.UTF_8));
    Optional<JsonNode> series = PrometheusSupport.poll(Duration.ofMinutes(5), () -> grafana(query)
        .map(PrometheusSupport::parse)
        .filter(body -> body.path("data").path("result").size() > 0));
    assertTrue(series.isPresent(), "no data for the pipeline dashboard's records-in panel: " + expr);
  }

  private static Optional<String> grafana(URI uri) {
    String auth = Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
          .header("Authorization", "Basic " + auth).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
    } catch (java.io.IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
