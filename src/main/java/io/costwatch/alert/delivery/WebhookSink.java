package io.costwatch.alert.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.lifecycle.LifecycleEvent;
import io.costwatch.core.Json;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Posts each alert event as JSON to one URL, signed and idempotent, retrying transient failures. The body is the
 * {@link AlertEvent} exactly as on {@code cost.alerts.v1} (schemas/alert-event.v1.schema.json), signed per Standard
 * Webhooks ({@code webhook-id} = the event id, {@code webhook-timestamp}, {@code webhook-signature}), with a fresh
 * timestamp and signature on every attempt. The older {@code X-Costwatch-Signature} header (hex HMAC of the body with
 * the raw secret) is still sent but deprecated: it has no timestamp, so it does not bound replays.
 *
 * <p>Every delivery runs on its own asynchronous chain (the JDK client's executor for I/O, a delayed executor for
 * backoff), with a timeout on each attempt and a bounded number of attempts, so a slow or failing endpoint delays only
 * its own events and ends up counted in {@link #stats()}. Receivers de-duplicate on {@code Idempotency-Key}: retries
 * and redeliveries after a restart carry the same key.
 */
public final class WebhookSink {

  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final WebhookConfig config;
  private final HttpClient http;
  private final RandomGenerator random;
  private final Backoff backoff;
  private final Clock clock;
  private final byte[] signingKey;
  private final Counters counters = new Counters();

  public WebhookSink(WebhookConfig config, HttpClient http, RandomGenerator random, Clock clock) {
    this.config = config;
    this.http = http;
    this.random = random;
    this.backoff = config.backoff();
    this.clock = clock;
    this.signingKey = StandardWebhooks.key(config.secret());
  }

  public WebhookSink(WebhookConfig config, HttpClient http, RandomGenerator random) {
    this(config, http, random, Clock.systemUTC());
  }

  public WebhookSink(WebhookConfig config) {
    this(config, HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build(),
        RandomGenerator.getDefault());
  }

  /** Starts delivering {@code event}; the future completes (never exceptionally) once it is delivered or given up. */
  public CompletableFuture<Delivery> deliver(LifecycleEvent event) {
    return deliver(event.alertEvent());
  }

  /** Starts delivering {@code alert} (as published on the alert topic); completes once delivered or given up. */
  public CompletableFuture<Delivery> deliver(AlertEvent alert) {
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(alert);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an alert event must serialise", e);
    }
    CompletableFuture<Delivery> result = new CompletableFuture<>();
    attempt(() -> request(alert, body), alert.alertId(), 1, result);
    return result;
  }

  private HttpRequest request(AlertEvent alert, byte[] body) {
    String id = alert.eventId();
    long timestamp = clock.instant().getEpochSecond();
    return HttpRequest.newBuilder(config.url())
        .timeout(config.requestTimeout())
        .header("Content-Type", "application/json")
        .header("User-Agent", "costwatch")
        .header(StandardWebhooks.ID, id)
        .header(StandardWebhooks.TIMESTAMP, Long.toString(timestamp))
        .header(StandardWebhooks.SIGNATURE, StandardWebhooks.sign(signingKey, id, timestamp, body))
        .header(IDEMPOTENCY_KEY, id)
        .header(Signatures.HEADER, Signatures.sign(config.secret(), body))
        .header("X-Costwatch-Event", alert.status().name())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  public DeliveryStats stats() {
    return counters.snapshot();
  }

  private void attempt(Supplier<HttpRequest> request, String key, int attempt, CompletableFuture<Delivery> result) {
    http.sendAsync(request.get(), HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
      int status = response == null ? 0 : response.statusCode();
      if (error == null && status / 100 == 2) {
        counters.delivered();
        result.complete(new Delivery(key, true, attempt, status, null));
        return;
      }
      String reason = error == null ? "HTTP " + status : describe(error);
      boolean retryable = error != null || status == 408 || status == 429 || status >= 500;
      if (!retryable || attempt >= config.maxAttempts()) {
        String why = reason + " after " + attempt + " attempt(s) to " + config.url().getHost();
        counters.failed(why);
        result.complete(new Delivery(key, false, attempt, status, why));
        return;
      }
      counters.retried();
      Duration wait = backoff.delay(attempt, random);
      CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS)
          .execute(() -> attempt(request, key, attempt + 1, result));
    });
  }

  private static String describe(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }
}
