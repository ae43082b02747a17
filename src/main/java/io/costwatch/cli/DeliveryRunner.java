package io.costwatch.cli;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertStatus;
import io.costwatch.alert.delivery.AlertmanagerConfig;
import io.costwatch.alert.delivery.AlertmanagerSink;
import io.costwatch.alert.delivery.Delivery;
import io.costwatch.alert.delivery.DeliveryStats;
import io.costwatch.alert.delivery.WebhookConfig;
import io.costwatch.alert.delivery.WebhookSink;
import io.costwatch.alert.lifecycle.LifecycleEvent;
import io.costwatch.config.ConfigException;
import io.costwatch.recommend.Recommendation;
import io.costwatch.recommend.RecommendationEvent;
import io.costwatch.topology.Topics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Delivers alert events to Alertmanager and a webhook, at least once: offsets of the alert topic are committed only
 * after every delivery of a poll has finished (delivered, or given up after its retries and counted as failed), so a
 * restart re-delivers what was pending; receivers dedupe by the idempotency key. Firing alerts are re-sent to
 * Alertmanager every minute, and the firing set is rebuilt from the compacted alert-state topic at start.
 */
final class DeliveryRunner implements AutoCloseable {

  static final String GROUP = "costwatch-delivery";
  private static final Duration RESEND = Duration.ofSeconds(60);

  private final AlertmanagerSink alertmanager;
  private final WebhookSink webhook;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, List<Recommendation>> recommendations = new LinkedHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private Instant lastResend = Instant.EPOCH;

  private DeliveryRunner(AlertmanagerSink alertmanager, WebhookSink webhook, KafkaConnection kafka) {
    this.alertmanager = alertmanager;
    this.webhook = webhook;
    Map<String, Object> config = new HashMap<>(kafka.clientConfig());
    config.put("group.id", GROUP);
    config.put("isolation.level", "read_committed");
    config.put("enable.auto.commit", false);
    config.put("auto.offset.reset", "earliest");
    this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::loop, "costwatch-delivery");
  }

  /** Starts delivery when COSTWATCH_ALERTMANAGER_URL or COSTWATCH_WEBHOOK_URL is set; otherwise returns null. */
  static DeliveryRunner startIfConfigured(Map<String, String> env, KafkaConnection kafka) {
    String am = env.getOrDefault("COSTWATCH_ALERTMANAGER_URL", "");
    String hook = env.getOrDefault("COSTWATCH_WEBHOOK_URL", "");
    if (am.isBlank() && hook.isBlank()) {
      return null;
    }
    AlertmanagerSink alertmanager = am.isBlank() ? null : new AlertmanagerSink(AlertmanagerConfig.of(
        uri("COSTWATCH_ALERTMANAGER_URL", am), env.getOrDefault("COSTWATCH_RUNBOOK_BASE_URL",
            AlertmanagerConfig.DEFAULT_RUNBOOK_BASE_URL)));
    WebhookSink webhook = hook.isBlank() ? null : new WebhookSink(WebhookConfig.of(uri("COSTWATCH_WEBHOOK_URL", hook),
        secret(env)));
    DeliveryRunner runner = new DeliveryRunner(alertmanager, webhook, kafka);
    runner.rebuildFiring(kafka);
    runner.thread.start();
    return runner;
  }

  private void rebuildFiring(KafkaConnection kafka) {
    if (alertmanager == null) {
      return;
    }
    Map<String, AlertEvent> latest = TopicSnapshot.latest(kafka, Topics.ALERT_STATE);
    alertmanager.rebuild(latest.values().stream().filter(a -> a.status() != AlertStatus.RESOLVED)
        .map(a -> lifecycleEvent(a, List.of())).toList());
  }

  private void loop() {
    consumer.subscribe(List.of(Topics.ALERTS.name(), Topics.RECOMMENDATIONS.name()));
    while (running) {
      List<CompletableFuture<Delivery>> pending = new ArrayList<>();
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
        if (r.topic().equals(Topics.RECOMMENDATIONS.name())) {
          remember(Topics.RECOMMENDATIONS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
        } else {
          AlertEvent alert = Topics.ALERTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
          LifecycleEvent event = lifecycleEvent(alert, recommendations.getOrDefault(alert.alertId(), List.of()));
          if (alertmanager != null) {
            pending.add(alertmanager.deliver(event));
          }
          if (webhook != null) {
            pending.add(webhook.deliver(event));
          }
        }
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
      consumer.commitSync();
      Instant now = Instant.now();
      if (alertmanager != null && Duration.between(lastResend, now).compareTo(RESEND) >= 0) {
        lastResend = now;
        alertmanager.resendFiring(now);
      }
    }
    consumer.close();
  }

  private void remember(RecommendationEvent r) {
    recommendations.computeIfAbsent(r.alertId(), id -> new ArrayList<>()).add(new Recommendation(r.action(),
        r.rationale(), r.estimatedMonthlySavings(), r.confidence(), r.setting(), r.assumption()));
    if (recommendations.size() > 10_000) {
      recommendations.remove(recommendations.keySet().iterator().next());
    }
  }

  static LifecycleEvent lifecycleEvent(AlertEvent alert, List<Recommendation> recs) {
    var e = alert.episode();
    return new LifecycleEvent(LifecycleEvent.SCHEMA_VERSION, e == null ? null : e.fingerprint(),
        e == null ? 1 : e.number(), alert, e == null ? alert.windowStart() : e.firstSeen(),
        e == null ? alert.windowEnd() : e.lastSeen(), e == null ? null : e.resolvedAt(),
        e == null ? null : e.totalWaste(), recs);
  }

  /**
   * Delivery outcomes as counters {@code costwatch_alert_deliveries_total{sink, outcome}} (delivered, failed after
   * its retries, retried), so failing deliveries are visible on the pipeline dashboard and alertable.
   */
  void bindMetrics(MeterRegistry registry) {
    bindMetrics(registry, alertmanager, webhook);
  }

  /** As {@link #bindMetrics(MeterRegistry)}, for sinks the caller keeps (null ones are skipped). */
  static void bindMetrics(MeterRegistry registry, AlertmanagerSink alertmanager, WebhookSink webhook) {
    if (alertmanager != null) {
      bind(registry, "alertmanager", alertmanager, AlertmanagerSink::stats);
    }
    if (webhook != null) {
      bind(registry, "webhook", webhook, WebhookSink::stats);
    }
  }

  /**
   * Micrometer holds a function counter's state object weakly: the state must be an object that lives as long as
   * the meter should (the sink, held by this runner), never a lambda or method reference made here, which nothing
   * else references and the next GC collects (the counter then reads NaN forever).
   */
  private static <S> void bind(MeterRegistry registry, String sink, S state, Function<S, DeliveryStats> stats) {
    Map<String, ToDoubleFunction<DeliveryStats>> outcomes = Map.of(
        "delivered", DeliveryStats::delivered, "failed", DeliveryStats::failed, "retried", DeliveryStats::retried);
    outcomes.forEach((outcome, value) -> FunctionCounter
        .builder("costwatch.alert.deliveries", state, s -> value.applyAsDouble(stats.apply(s)))
        .description("Alert notifications by sink and outcome").tags("sink", sink, "outcome", outcome)
        .register(registry));
  }

  String stats() {
    return "alertmanager " + (alertmanager == null ? "off" : alertmanager.stats()) + ", webhook "
        + (webhook == null ? "off" : webhook.stats());
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(Duration.ofSeconds(30).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static URI uri(String name, String value) {
    try {
      URI uri = URI.create(value.trim());
      if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
        throw new IllegalArgumentException("not http(s)");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name + "=" + value + " is not an http(s) URL");
    }
  }

  private static byte[] secret(Map<String, String> env) {
    String file = env.getOrDefault("COSTWATCH_WEBHOOK_SECRET_FILE", "");
    try {
      String secret = file.isBlank() ? env.getOrDefault("COSTWATCH_WEBHOOK_SECRET", "")
          : Files.readString(Path.of(file)).trim();
      if (secret.isBlank()) {
        throw new ConfigException("COSTWATCH_WEBHOOK_URL needs COSTWATCH_WEBHOOK_SECRET or "
            + "COSTWATCH_WEBHOOK_SECRET_FILE (the HMAC key receivers verify signatures with)");
      }
      return secret.getBytes(StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new ConfigException("COSTWATCH_WEBHOOK_SECRET_FILE=" + file + " cannot be read: " + e.getMessage());
    }
  }
}
