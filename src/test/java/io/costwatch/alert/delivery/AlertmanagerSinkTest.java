package io.costwatch.alert.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.alert.AlertFixtures;
import io.costwatch.alert.lifecycle.AlertLifecycle;
import io.costwatch.alert.lifecycle.LifecycleEvent;
import io.costwatch.alert.owners.Owners;
import io.costwatch.core.Json;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AlertmanagerSinkTest {

  static final Instant RESOLVED_AT = Instant.parse("2026-03-02T12:00:00Z");
  static final List<LifecycleEvent> EPISODE = AlertFixtures.episodeResolvingAt(RESOLVED_AT);
  static final LifecycleEvent OPEN = EPISODE.get(0);
  static final LifecycleEvent UPDATE = EPISODE.get(1);
  static final LifecycleEvent RESOLVED = EPISODE.get(2);
  static final Instant NOW = Instant.parse("2026-03-02T11:40:00Z");

  static AlertmanagerConfig config(RecordingServer server) {
    return new AlertmanagerConfig(server.uri("/am/"), "https://runbooks.example/costwatch/",
        "http://costwatch.example/alerts", Duration.ofMinutes(4), Duration.ofSeconds(5));
  }

  static AlertmanagerSink sink(RecordingServer server) {
    return new AlertmanagerSink(config(server), HttpClient.newHttpClient(), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  static JsonNode body(RecordingServer.Received r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  @Test
  void mapsLabelsAnnotationsAndTimes() {
    AlertmanagerConfig config = new AlertmanagerConfig(java.net.URI.create("http://am:9093"),
        "https://runbooks.example/costwatch", null, Duration.ofMinutes(4), Duration.ofSeconds(5));

    AlertmanagerAlert firing = AlertmanagerAlert.of(OPEN, config, NOW);
    AlertmanagerAlert resolved = AlertmanagerAlert.of(RESOLVED, config, NOW);

    assertEquals(Map.of("alertname", "GPU_IDLE", "severity", "low", "workspace", "ws-vision",
        "scope", "ws-vision/gpu-a100", "detector", "gpu-idle", "alert_id", OPEN.alertId()), firing.labels());
    assertEquals("https://runbooks.example/costwatch/gpu-idle", firing.annotations().get("runbook_url"));
    assertTrue(firing.annotations().get("description").contains("$3.67 per hour; $1.84 wasted since"),
        firing.annotations().get("description"));
    assertTrue(firing.annotations().get("recommendation").startsWith("SET_MIN_NODES_ZERO: "));
    assertTrue(firing.annotations().get("description").contains("Set minNodeCount=0."));
    assertEquals(OPEN.alert().summary(), firing.annotations().get("summary"));
    assertEquals(OPEN.firstSeen(), firing.startsAt());
    assertEquals(NOW.plus(Duration.ofMinutes(4)), firing.endsAt());
    assertNull(firing.generatorURL());
    assertEquals(RESOLVED_AT, resolved.endsAt());
    assertEquals("medium", resolved.labels().get("severity"));
  }

  @Test
  void knownOwnersBecomeTheTeamOwnerAndCostCenterLabels() {
    AlertmanagerConfig config = new AlertmanagerConfig(java.net.URI.create("http://am:9093"),
        "https://runbooks.example/costwatch", null, Duration.ofMinutes(4), Duration.ofSeconds(5));

    Map<String, String> all = AlertmanagerAlert.of(owned(OPEN, new Owners("vision", "ana@contoso.example", "cc-42")),
        config, NOW).labels();
    Map<String, String> teamOnly = AlertmanagerAlert.of(owned(OPEN, new Owners("vision", null, " ")), config, NOW)
        .labels();

    assertEquals("vision", all.get("team"));
    assertEquals("ana@contoso.example", all.get("owner"));
    assertEquals("cc-42", all.get("cost_center"));
    assertEquals("vision", teamOnly.get("team"));
    assertFalse(teamOnly.containsKey("owner"));
    assertFalse(teamOnly.containsKey("cost_center"));
  }

  private static LifecycleEvent owned(LifecycleEvent e, Owners owners) {
    return new LifecycleEvent(e.schemaVersion(), e.fingerprint(), e.episode(), e.alert().withOwners(owners),
        e.firstSeen(), e.lastSeen(), e.resolvedAt(), e.totalWaste(), e.recommendations());
  }

  @Test
  void postsTheV2ArrayShape() throws Exception {
    try (RecordingServer server = new RecordingServer(r -> 200)) {
      Delivery d = sink(server).deliver(OPEN).get(10, TimeUnit.SECONDS);

      RecordingServer.Received r = server.received().get(0);
      JsonNode alert = body(r).get(0);
      assertTrue(d.delivered());
      assertEquals("/am/api/v2/alerts", r.path());
      assertTrue(body(r).isArray());
      assertEquals(OPEN.firstSeen(), Instant.parse(alert.get("startsAt").asText()));
      assertEquals(NOW.plus(Duration.ofMinutes(4)), Instant.parse(alert.get("endsAt").asText()));
      assertEquals("http://costwatch.example/alerts/" + OPEN.alertId(), alert.get("generatorURL").asText());
    }
  }

  @Test
  void resendPostsEveryFiringAlertButNoResolvedOne() throws Exception {
    LifecycleEvent otherOpen = AlertFixtures.episodeResolvingAt(RESOLVED_AT.plusSeconds(3600)).get(0);
    try (RecordingServer server = new RecordingServer(r -> 200)) {
      AlertmanagerSink sink = sink(server);
      sink.deliver(OPEN).get(10, TimeUnit.SECONDS);
      sink.deliver(otherOpen).get(10, TimeUnit.SECONDS);
      sink.deliver(RESOLVED).get(10, TimeUnit.SECONDS);
      Instant later = NOW.plusSeconds(60);

      Delivery resend = sink.resendFiring(later).get(10, TimeUnit.SECONDS);

      JsonNode batch = body(server.received().get(server.received().size() - 1));
      assertTrue(resend.delivered());
      assertEquals(1, batch.size());
      assertEquals(otherOpen.alertId(), batch.get(0).get("labels").get("alert_id").asText());
      assertEquals(later.plus(Duration.ofMinutes(4)), Instant.parse(batch.get(0).get("endsAt").asText()));
      assertEquals(List.of(otherOpen), sink.firing());
    }
  }

  @Test
  void severityChangeEndsTheAlertUnderItsOldLabels() throws Exception {
    try (RecordingServer server = new RecordingServer(r -> 200)) {
      AlertmanagerSink sink = sink(server);
      sink.deliver(OPEN).get(10, TimeUnit.SECONDS);

      sink.deliver(UPDATE).get(10, TimeUnit.SECONDS);

      JsonNode batch = body(server.received().get(1));
      assertEquals(2, batch.size());
      assertEquals("low", batch.get(0).get("labels").get("severity").asText());
      assertEquals(NOW, Instant.parse(batch.get(0).get("endsAt").asText()));
      assertEquals("medium", batch.get(1).get("labels").get("severity").asText());
    }
  }

  @Test
  void failuresAreCountedAndAFailedResolutionIsRetriedWithTheNextResend() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (RecordingServer server = new RecordingServer(r -> calls.incrementAndGet() <= 2 ? 500 : 200)) {
      AlertmanagerSink sink = sink(server);

      Delivery open = sink.deliver(OPEN).get(10, TimeUnit.SECONDS);
      Delivery resolved = sink.deliver(RESOLVED).get(10, TimeUnit.SECONDS);
      Delivery resend = sink.resendFiring(RESOLVED_AT.plusSeconds(60)).get(10, TimeUnit.SECONDS);
      Delivery nothingLeft = sink.resendFiring(RESOLVED_AT.plusSeconds(120)).get(10, TimeUnit.SECONDS);

      assertFalse(open.delivered());
      assertFalse(resolved.delivered());
      assertTrue(resend.delivered());
      JsonNode batch = body(server.received().get(2));
      assertEquals(RESOLVED_AT, Instant.parse(batch.get(0).get("endsAt").asText()));
      assertEquals(3, server.received().size(), "the resolution was delivered once, then forgotten");
      assertEquals(0, nothingLeft.attempts());
      DeliveryStats stats = sink.stats();
      assertEquals(2, stats.failed());
      assertEquals(1, stats.delivered());
      assertTrue(stats.lastError().startsWith("HTTP 500"), stats.lastError());
    }
  }

  @Test
  void anUndeliverableResolutionIsDroppedOnceTheAlertWouldHaveExpired() throws Exception {
    try (RecordingServer server = new RecordingServer(r -> 503)) {
      AlertmanagerSink sink = sink(server);
      sink.deliver(RESOLVED).get(10, TimeUnit.SECONDS);

      Delivery resend = sink.resendFiring(RESOLVED_AT.plus(Duration.ofMinutes(4))).get(10, TimeUnit.SECONDS);

      assertEquals(0, resend.attempts());
      assertEquals(1, server.received().size());
    }
  }

  @Test
  void rebuildRestoresTheFiringSetFromStates() throws Exception {
    try (RecordingServer server = new RecordingServer(r -> 200)) {
      AlertmanagerSink sink = sink(server);

      sink.rebuild(List.of(OPEN, RESOLVED));
      sink.resendFiring(NOW).get(10, TimeUnit.SECONDS);

      assertEquals(List.of(OPEN), sink.firing());
      assertEquals(OPEN.alertId(), body(server.received().get(0)).get(0).get("labels").get("alert_id").asText());
      assertTrue(AlertLifecycle.firingEvent(null).isEmpty());
    }
  }
}
