package io.costwatch.alert.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertFixtures;
import io.costwatch.alert.lifecycle.LifecycleEvent;
import io.costwatch.core.Json;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSinkTest {

  static final byte[] SECRET = "s3cret-for-tests".getBytes(StandardCharsets.UTF_8);
  static final List<LifecycleEvent> EPISODE = AlertFixtures.episodeResolvingAt(Instant.parse("2026-03-02T12:00:00Z"));
  static final LifecycleEvent OPEN = EPISODE.get(0);

  static WebhookSink sink(RecordingServer server, int maxAttempts) {
    WebhookConfig config = new WebhookConfig(server.uri("/hooks/costwatch"), SECRET, maxAttempts,
        Duration.ofMillis(20), Duration.ofMillis(80), Duration.ofSeconds(5));
    return new WebhookSink(config, HttpClient.newHttpClient(), new SplittableRandom(7));
  }

  static Delivery await(CompletableFuture<Delivery> delivery) throws Exception {
    return delivery.get(20, TimeUnit.SECONDS);
  }

  @Test
  void signatureIsTheHmacOfTheExactBody() throws Exception {
    try (RecordingServer server = new RecordingServer(r -> 204)) {
      Delivery d = await(sink(server, 3).deliver(OPEN));

      RecordingServer.Received r = server.received().get(0);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
      assertTrue(d.delivered());
      assertEquals("sha256=" + HexFormat.of().formatHex(mac.doFinal(r.body())), r.header("X-Costwatch-Signature"));
      assertTrue(Signatures.verify(SECRET, r.body(), r.header("X-Costwatch-Signature")));
      assertFalse(Signatures.verify("other".getBytes(StandardCharsets.UTF_8), r.body(),
          r.header("X-Costwatch-Signature")));
      assertEquals(OPEN.alertEvent(), Json.MAPPER.readValue(r.body(), io.costwatch.alert.AlertEvent.class));
      io.costwatch.contract.EventContract.assertValidWebhookBody(r.body());
      assertEquals("application/json", r.header("Content-Type"));
      assertEquals("OPEN", r.header("X-Costwatch-Event"));
    }
  }

  @Test
  void idempotencyKeyIsStablePerEventAndDiffersBetweenEvents() throws Exception {
    try (RecordingServer server = new RecordingServer(r -> 200)) {
      WebhookSink sink = sink(server, 3);

      await(sink.deliver(OPEN));
      await(sink.deliver(OPEN));
      await(sink.deliver(EPISODE.get(1)));

      List<String> keys = server.received().stream().map(r -> r.header("Idempotency-Key")).toList();
      assertEquals(OPEN.alertId() + ":OPEN:" + OPEN.lastSeen(), keys.get(0));
      assertEquals(keys.get(0), keys.get(1));
      assertNotEquals(keys.get(0), keys.get(2));
      assertEquals(new DeliveryStats(3, 0, 0, null), sink.stats());
    }
  }

  @Test
  void retriesOn500ThenSucceedsWithTheSameKey() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (RecordingServer server = new RecordingServer(r -> calls.incrementAndGet() <= 2 ? 500 : 200)) {
      WebhookSink sink = sink(server, 5);

      Delivery d = await(sink.deliver(OPEN));

      assertTrue(d.delivered());
      assertEquals(3, d.attempts());
      assertEquals(new DeliveryStats(1, 0, 2, null), sink.stats());
      assertEquals(1, server.received().stream().map(r -> r.header("Idempotency-Key")).distinct().count());
    }
  }

  @Test
  void givesUpAfterMaxAttemptsAndCountsTheFailure() throws Exception {
    try (RecordingServer server = new RecordingServer(r -> 503)) {
      WebhookSink sink = sink(server, 3);

      Delivery d = await(sink.deliver(OPEN));

      assertFalse(d.delivered());
      assertEquals(3, d.attempts());
      assertEquals(503, d.httpStatus());
      assertEquals(3, server.received().size());
      DeliveryStats stats = sink.stats();
      assertEquals(0, stats.delivered());
      assertEquals(1, stats.failed());
      assertEquals(2, stats.retried());
      assertTrue(stats.lastError().startsWith("HTTP 503 after 3 attempt(s)"), stats.lastError());
    }
  }

  @Test
  void clientErrorsAreNotRetried() throws Exception {
    try (RecordingServer server = new RecordingServer(r -> 400)) {
      WebhookSink sink = sink(server, 5);

      Delivery d = await(sink.deliver(OPEN));

      assertEquals(1, d.attempts());
      assertEquals(new DeliveryStats(0, 1, 0, d.error()), sink.stats());
    }
  }

  @Test
  void anUnreachableEndpointFailsAndIsCounted() throws Exception {
    RecordingServer closed = new RecordingServer(r -> 200);
    closed.close();
    WebhookSink sink = sink(closed, 2);

    Delivery d = await(sink.deliver(OPEN));

    assertFalse(d.delivered());
    assertEquals(0, d.httpStatus());
    assertEquals(1, sink.stats().failed());
    assertEquals(1, sink.stats().retried());
  }

  @Test
  void aFailingAlertDoesNotHoldBackTheOthers() throws Exception {
    String failing = OPEN.idempotencyKey();
    try (RecordingServer server = new RecordingServer(r -> failing.equals(r.header("Idempotency-Key")) ? 500 : 200)) {
      WebhookConfig slowRetries = new WebhookConfig(server.uri("/"), SECRET, 4, Duration.ofSeconds(2),
          Duration.ofSeconds(2), Duration.ofSeconds(5));
      WebhookSink sink = new WebhookSink(slowRetries, HttpClient.newHttpClient(), new SplittableRandom(1));

      CompletableFuture<Delivery> stuck = sink.deliver(OPEN);
      Delivery other = await(sink.deliver(EPISODE.get(2)));

      assertTrue(other.delivered());
      assertFalse(stuck.isDone(), "the failing alert is still backing off");
      assertEquals(1, sink.stats().delivered());
      stuck.cancel(false);
    }
  }

  @Test
  void configNeverPrintsTheSecret() {
    WebhookConfig config = WebhookConfig.of(java.net.URI.create("https://hooks.example/x"), SECRET);

    assertFalse(config.toString().contains("s3cret"));
    assertTrue(config.toString().contains("secret=***"));
  }
}
