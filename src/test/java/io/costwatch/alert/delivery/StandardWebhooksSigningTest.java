package io.costwatch.alert.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertFixtures;
import io.costwatch.alert.lifecycle.LifecycleEvent;
import io.costwatch.contract.EventContract;
import io.costwatch.core.Json;
import io.costwatch.topology.Topics;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The webhook as a receiver sees it: the body is the alert event of {@code cost.alerts.v1} byte for byte, and it is
 * signed per Standard Webhooks. The receiver here verifies with its own implementation of the specification (not
 * {@link StandardWebhooks}) and answers 401 to a bad signature or a stale timestamp.
 */
class StandardWebhooksSigningTest {

  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY);
  static final List<LifecycleEvent> EPISODE = AlertFixtures.episodeResolvingAt(Instant.parse("2026-03-02T12:00:00Z"));

  /** Independent receiver-side check, written from the specification. */
  static boolean receiverAccepts(String secret, RecordingServer.Received r, Instant now) throws Exception {
    String id = r.header("webhook-id");
    String timestamp = r.header("webhook-timestamp");
    String signatures = r.header("webhook-signature");
    if (id == null || timestamp == null || signatures == null) {
      return false;
    }
    if (Math.abs(now.getEpochSecond() - Long.parseLong(timestamp)) > 5 * 60) {
      return false; // outside the replay window
    }
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    byte[] signedContent = (id + "." + timestamp + "." + new String(r.body(), StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8);
    byte[] expected = Base64.getEncoder().encode(mac.doFinal(signedContent));
    for (String versioned : signatures.split(" ")) {
      String[] parts = versioned.split(",", 2);
      if (parts.length == 2 && parts[0].equals("v1")
          && MessageDigest.isEqual(expected, parts[1].getBytes(StandardCharsets.US_ASCII))) {
        return true;
      }
    }
    return false;
  }

  static RecordingServer receiver() throws Exception {
    return new RecordingServer(r -> {
      try {
        return receiverAccepts(SECRET, r, Instant.now()) ? 204 : 401;
      } catch (Exception e) {
        return 500;
      }
    });
  }

  static WebhookSink sink(RecordingServer server, Clock clock) {
    WebhookConfig config = new WebhookConfig(server.uri("/hooks"), SECRET.getBytes(StandardCharsets.UTF_8), 3,
        Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofSeconds(5));
    return new WebhookSink(config, HttpClient.newHttpClient(), new SplittableRandom(3), clock);
  }

  @Test
  void receiverVerifiesTheSignatureAndTheBodyIsTheAlertTopicEvent() throws Exception {
    try (RecordingServer server = receiver()) {
      LifecycleEvent open = EPISODE.get(0);
      Delivery d = sink(server, Clock.systemUTC()).deliver(open).get(20, TimeUnit.SECONDS);

      assertTrue(d.delivered(), d::toString);
      RecordingServer.Received r = server.received().get(0);
      AlertEvent published = open.alertEvent();
      assertArrayEquals(Topics.ALERTS.valueSerde().serializer().serialize(Topics.ALERTS.name(), published), r.body(),
          "the webhook body is the alert event of cost.alerts.v1, byte for byte");
      EventContract.assertValidWebhookBody(r.body());
      EventContract.assertValid(Topics.ALERTS.name(), r.body());
      assertEquals(published, Json.MAPPER.readValue(r.body(), AlertEvent.class));
      assertEquals(published.eventId(), r.header("webhook-id"));
      assertEquals(open.idempotencyKey(), r.header("webhook-id"));
      assertEquals(r.header("webhook-id"), r.header("Idempotency-Key"));
      assertTrue(StandardWebhooks.verify(KEY, r.header("webhook-id"), r.header("webhook-timestamp"), r.body(),
          r.header("webhook-signature"), Instant.now(), StandardWebhooks.DEFAULT_TOLERANCE));
      assertTrue(Signatures.verify(SECRET.getBytes(StandardCharsets.UTF_8), r.body(),
          r.header(Signatures.HEADER)), "the deprecated header is still sent");
    }
  }

  @Test
  void aTamperedBodyIsRejected() throws Exception {
    try (RecordingServer server = receiver()) {
      assertTrue(sink(server, Clock.systemUTC()).deliver(EPISODE.get(0)).get(20, TimeUnit.SECONDS).delivered());
      RecordingServer.Received original = server.received().get(0);
      byte[] tampered = new String(original.body(), StandardCharsets.UTF_8)
          .replace("\"severity\":\"LOW\"", "\"severity\":\"CRITICAL\"").getBytes(StandardCharsets.UTF_8);
      assertFalse(java.util.Arrays.equals(original.body(), tampered), "the tampering must change the body");

      HttpResponse<Void> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri("/hooks"))
          .header("webhook-id", original.header("webhook-id"))
          .header("webhook-timestamp", original.header("webhook-timestamp"))
          .header("webhook-signature", original.header("webhook-signature"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(tampered)).build(), HttpResponse.BodyHandlers.discarding());

      assertEquals(401, answer.statusCode());
      assertFalse(StandardWebhooks.verify(KEY, original.header("webhook-id"), original.header("webhook-timestamp"),
          tampered, original.header("webhook-signature"), Instant.now(), StandardWebhooks.DEFAULT_TOLERANCE));
    }
  }

  @Test
  void aTimestampOutsideTheReplayWindowIsRejectedAndNotRetried() throws Exception {
    try (RecordingServer server = receiver()) {
      Clock stale = Clock.fixed(Instant.now().minus(Duration.ofMinutes(6)), ZoneOffset.UTC);
      Delivery d = sink(server, stale).deliver(EPISODE.get(0)).get(20, TimeUnit.SECONDS);

      assertFalse(d.delivered());
      assertEquals(401, d.httpStatus());
      assertEquals(1, server.received().size(), "a 4xx is not retried");
      assertTrue(StandardWebhooks.verify(KEY, server.received().get(0).header("webhook-id"),
          server.received().get(0).header("webhook-timestamp"), server.received().get(0).body(),
          server.received().get(0).header("webhook-signature"), stale.instant(), Duration.ofMinutes(5)),
          "the signature itself is right: only the timestamp is stale");
    }
  }

  @Test
  void everyRetryIsSignedWithAFreshTimestampAndTheSameId() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Instant start = Instant.now();
    Clock ticking = new Clock() {
      @Override
      public Instant instant() {
        return start.plusSeconds(calls.get() * 2L);
      }

      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }
    };
    try (RecordingServer server = new RecordingServer(r -> calls.incrementAndGet() == 1 ? 503 : 204)) {
      Delivery d = sink(server, ticking).deliver(EPISODE.get(1)).get(20, TimeUnit.SECONDS);

      assertTrue(d.delivered());
      List<RecordingServer.Received> got = server.received();
      assertEquals(2, got.size());
      assertEquals(got.get(0).header("webhook-id"), got.get(1).header("webhook-id"));
      assertNotEquals(got.get(0).header("webhook-timestamp"), got.get(1).header("webhook-timestamp"));
      for (RecordingServer.Received r : got) {
        assertTrue(receiverAccepts(SECRET, r, Instant.ofEpochSecond(Long.parseLong(r.header("webhook-timestamp")))));
      }
    }
  }

  @Test
  void aSecretWithoutThePrefixIsUsedAsItsBytes() {
    byte[] raw = "plain-secret".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(raw, StandardWebhooks.key(raw));
    assertArrayEquals(KEY, StandardWebhooks.key(SECRET.getBytes(StandardCharsets.UTF_8)));
  }
}
