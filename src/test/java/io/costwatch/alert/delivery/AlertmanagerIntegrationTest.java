package io.costwatch.alert.delivery;

import io.costwatch.testing.Binaries;
import io.costwatch.testing.Poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.alert.AlertFixtures;
import io.costwatch.alert.lifecycle.LifecycleEvent;
import io.costwatch.core.Json;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real Alertmanager binary; skipped, with the reason, where none is installed. */
class AlertmanagerIntegrationTest {

  @TempDir
  static Path dir;
  static AlertmanagerProcess alertmanager;

  @BeforeAll
  static void start() throws IOException {
    Optional<Path> binary = AlertmanagerProcess.binary();
    if (binary.isPresent()) {
      alertmanager = AlertmanagerProcess.start(binary.get(), dir);
    }
  }

  /** Per test rather than in {@code @BeforeAll}, so that Surefire lists each skipped test with the reason. */
  @BeforeEach
  void requireAlertmanager() {
    Binaries.require(alertmanager != null, "no Alertmanager binary: none of " + AlertmanagerProcess.NAMES
        + " on PATH and ALERTMANAGER_BIN unset (apt-get install prometheus-alertmanager)");
  }

  @AfterAll
  static void stop() {
    if (alertmanager != null) {
      alertmanager.close();
    }
  }

  AlertmanagerSink sink() {
    AlertmanagerConfig config = new AlertmanagerConfig(alertmanager.base(), "https://runbooks.example/costwatch",
        "http://costwatch.example/alerts", Duration.ofMinutes(4), Duration.ofSeconds(5));
    return new AlertmanagerSink(config, HttpClient.newHttpClient(), Clock.systemUTC());
  }

  Optional<JsonNode> alert(String alertId) {
    List<JsonNode> all = alerts(alertId);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /** The alerts {@code GET /api/v2/alerts} lists (active, not resolved) with this {@code alert_id} label. */
  List<JsonNode> alerts(String alertId) {
    try {
      List<JsonNode> out = new java.util.ArrayList<>();
      for (JsonNode a : Json.MAPPER.readTree(alertmanager.alerts())) {
        if (alertId.equals(a.path("labels").path("alert_id").asText())) {
          out.add(a);
        }
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void openFiresUpdateRelabelsAndResolvedResolves() throws Exception {
    List<LifecycleEvent> episode = AlertFixtures.episodeResolvingAt(Instant.now().truncatedTo(ChronoUnit.SECONDS)
        .minusSeconds(1));
    LifecycleEvent open = episode.get(0);
    AlertmanagerSink sink = sink();

    assertTrue(sink.deliver(open).get(10, TimeUnit.SECONDS).delivered());
    JsonNode active = Poll.until(Duration.ofSeconds(20),
        () -> alert(open.alertId()).filter(a -> "active".equals(a.path("status").path("state").asText())))
        .orElseThrow(() -> new AssertionError("not active in Alertmanager: " + alert(open.alertId())));

    assertEquals("GPU_IDLE", active.path("labels").path("alertname").asText());
    assertEquals("low", active.path("labels").path("severity").asText());
    assertEquals("ws-vision", active.path("labels").path("workspace").asText());
    assertEquals("ws-vision/gpu-a100", active.path("labels").path("scope").asText());
    assertEquals("gpu-idle", active.path("labels").path("detector").asText());
    assertEquals("https://runbooks.example/costwatch/gpu-idle",
        active.path("annotations").path("runbook_url").asText());
    assertTrue(active.path("annotations").path("description").asText().contains("$3.67 per hour"));
    assertEquals(Instant.parse(active.path("startsAt").asText()), open.firstSeen());

    LifecycleEvent update = episode.get(1);
    assertTrue(sink.deliver(update).get(10, TimeUnit.SECONDS).delivered());
    Optional<List<JsonNode>> relabelled = Poll.until(Duration.ofSeconds(20), () -> Optional.of(alerts(open.alertId()))
        .filter(l -> l.size() == 1 && "medium".equals(l.get(0).path("labels").path("severity").asText())));
    assertTrue(relabelled.isPresent(), "the severity UPDATE should replace the low alert: " + alerts(open.alertId()));

    LifecycleEvent resolved = episode.get(2);
    assertTrue(sink.deliver(resolved).get(10, TimeUnit.SECONDS).delivered());
    Optional<JsonNode> gone = Poll.until(Duration.ofSeconds(20),
        () -> alert(open.alertId()).isEmpty() ? Optional.of(Json.MAPPER.nullNode()) : Optional.empty());

    assertTrue(gone.isPresent(), "still listed as active after RESOLVED: " + alert(open.alertId()));
    assertTrue(sink.firing().isEmpty());
  }

  @Test
  void resendExtendsEndsAtOfFiringAlerts() throws Exception {
    LifecycleEvent open = AlertFixtures.episodeResolvingAt(Instant.now().truncatedTo(ChronoUnit.SECONDS)
        .plusSeconds(3600)).get(0);
    AlertmanagerSink sink = sink();
    sink.deliver(open).get(10, TimeUnit.SECONDS);
    Instant later = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(60);

    assertTrue(sink.resendFiring(later).get(10, TimeUnit.SECONDS).delivered());

    Instant expected = later.plus(Duration.ofMinutes(4));
    Optional<JsonNode> extended = Poll.until(Duration.ofSeconds(20), () -> alert(open.alertId())
        .filter(a -> Instant.parse(a.path("endsAt").asText()).equals(expected)));
    assertTrue(extended.isPresent(), "endsAt not moved to " + expected + ": " + alert(open.alertId()));
  }
}
