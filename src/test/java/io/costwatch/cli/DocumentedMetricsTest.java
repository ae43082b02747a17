package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.costwatch.alert.AlertFixtures;
import io.costwatch.alert.delivery.WebhookConfig;
import io.costwatch.alert.delivery.WebhookSink;
import io.costwatch.alert.lifecycle.LifecycleEvent;
import io.costwatch.metrics.MicrometerPipelineMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every metric of the README's metrics table moves when its event happens, after the garbage collector ran: a
 * function-based meter over a state object nothing else holds (issue 16: the delivery counters) reads NaN once
 * collected. Each meter is registered first, then the GC runs, then the event, then a Prometheus scrape.
 */
class DocumentedMetricsTest {

  private static final String WORKSPACE = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg"
      + "/providers/Microsoft.MachineLearningServices/workspaces/ws-a";
  private static final String TOPIC = "azure.monitor-metrics.raw.v1";

  private MicrometerPipelineMetrics metrics;
  private HttpServer receiver;
  private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
  private final AtomicReference<KafkaStreams.State> streamsState = new AtomicReference<>(KafkaStreams.State.CREATED);
  private final AtomicBoolean eventHubsUp = new AtomicBoolean(false);
  private WebhookSink webhook;

  @BeforeEach
  void start() throws IOException {
    metrics = new MicrometerPipelineMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), 50);
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      Integer status = statuses.poll();
      exchange.sendResponseHeaders(status == null ? 200 : status, -1);
      exchange.close();
    });
    receiver.start();
    webhook = new WebhookSink(new WebhookConfig(URI.create("http://127.0.0.1:" + receiver.getAddress().getPort()
        + "/hook"), "k".getBytes(StandardCharsets.UTF_8), 2, Duration.ofMillis(10), Duration.ofMillis(20),
        Duration.ofSeconds(5)), HttpClient.newHttpClient(), new SplittableRandom(1));
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
    metrics.close();
  }

  @Test
  void everyDocumentedMetricMovesWhenItsEventHappensAfterAGarbageCollection() throws Exception {
    // Given every documented metric with the event that should move it, bound the way the commands bind them
    Map<String, Event> events = events();
    List<String> documented = documentedMetrics();
    assertTrue(documented.size() >= 16, "docs/metrics.md metrics table not found or shorter than expected: " + documented);
    for (String name : documented) {
      assertTrue(events.containsKey(name), "no event in this test for the documented metric " + name);
    }
    metrics.bindStreamsState(streamsState::get);
    metrics.bindInputUp("eventhubs-metrics", eventHubsUp::get);
    DeliveryRunner.bindMetrics(metrics.registry(), null, webhook);
    collectGarbage();

    for (String name : documented) {
      Event event = events.get(name);
      // When
      double before = value(metrics.scrape(), event.series(), event.label());
      event.action().run();
      double after = value(metrics.scrape(), event.series(), event.label());

      // Then
      assertTrue(Double.isFinite(after), name + " reads " + after + " after its event: " + event.series());
      assertNotEquals(before, after, name + " did not move when its event happened (" + event.series() + " "
          + event.label() + ")");
    }
  }

  @Test
  void deliveryCountersCountEveryOutcomeAfterAGarbageCollection() throws Exception {
    DeliveryRunner.bindMetrics(metrics.registry(), null, webhook);
    collectGarbage();
    LifecycleEvent open = AlertFixtures.episodeResolvingAt(Instant.parse("2026-03-02T12:00:00Z")).get(0);
    statuses.addAll(List.of(500, 200, 500, 500, 200));

    deliver(open); // 500 then 200: retried, delivered
    deliver(open); // 500, 500: retried, failed after 2 attempts
    deliver(open); // 200: delivered

    String scrape = metrics.scrape();
    assertEquals(2.0, value(scrape, "costwatch_alert_deliveries_total", "outcome=\"delivered\""), scrape);
    assertEquals(2.0, value(scrape, "costwatch_alert_deliveries_total", "outcome=\"retried\""), scrape);
    assertEquals(1.0, value(scrape, "costwatch_alert_deliveries_total", "outcome=\"failed\""), scrape);
  }

  private record Event(String series, String label, Runnable action) {
  }

  private Map<String, Event> events() {
    LifecycleEvent open = AlertFixtures.episodeResolvingAt(Instant.parse("2026-03-02T12:00:00Z")).get(0);
    Map<String, Event> e = new LinkedHashMap<>();
    e.put("costwatch_records_in_total", plain("costwatch_records_in_total", () -> metrics.recordIn(TOPIC)));
    e.put("costwatch_records_rejected_total", plain("costwatch_records_rejected_total",
        () -> metrics.recordRejected(TOPIC, "malformed-json")));
    e.put("costwatch_records_ignored_total", plain("costwatch_records_ignored_total",
        () -> metrics.recordIgnored(TOPIC, "unknown-metric")));
    e.put("costwatch_burn_rate_dollars_per_hour", plain("costwatch_burn_rate_dollars_per_hour",
        () -> metrics.usageWindow(WORKSPACE, "gpu-a", 12.5, "USD", 40.0)));
    e.put("costwatch_gpu_utilization_percent", plain("costwatch_gpu_utilization_percent",
        () -> metrics.usageWindow(WORKSPACE, "gpu-b", 3.0, "USD", 55.0)));
    e.put("costwatch_alerts_published_total", plain("costwatch_alerts_published_total",
        () -> metrics.alertPublished("a-1", "GPU_IDLE", "HIGH", "OPEN", "USD", 9.5, "ENABLE_IDLE_SHUTDOWN",
            6900.0)));
    e.put("costwatch_alerts_open", plain("costwatch_alerts_open",
        () -> metrics.alertPublished("a-2", "IDLE_NODES", "MEDIUM", "OPEN", "USD", 2.0, "SET_MIN_NODES_ZERO",
            100.0)));
    e.put("costwatch_waste_rate_dollars_per_hour", new Event("costwatch_waste_rate_dollars_per_hour",
        "currency=\"EUR\"", () -> metrics.alertPublished("a-3", "GPU_IDLE", "HIGH", "OPEN", "EUR", 4.0,
            "ENABLE_IDLE_SHUTDOWN", 50.0)));
    e.put("costwatch_savings_potential_dollars_per_month", new Event("costwatch_savings_potential_dollars_per_month",
        "currency=\"GBP\"", () -> metrics.alertPublished("a-4", "GPU_IDLE", "HIGH", "OPEN", "GBP", 1.0,
            "ENABLE_IDLE_SHUTDOWN", 70.0)));
    e.put("costwatch_alert_latency_seconds", plain("costwatch_alert_latency_seconds_count",
        () -> metrics.windowToAlertLatency(Duration.ofSeconds(42))));
    e.put("costwatch_input_event_time_lag_seconds", plain("costwatch_input_event_time_lag_seconds",
        () -> metrics.eventTimeLag(TOPIC, Duration.ofSeconds(90))));
    e.put("costwatch_streams_running", plain("costwatch_streams_running",
        () -> streamsState.set(KafkaStreams.State.RUNNING)));
    e.put("costwatch_billing_export_runs_total", plain("costwatch_billing_export_runs_total",
        () -> metrics.exportRunEnded("complete", 0)));
    e.put("costwatch_billing_line_items_retracted_total", plain("costwatch_billing_line_items_retracted_total",
        () -> metrics.exportRunEnded("complete", 3)));
    e.put("costwatch_reconciliation_estimated_dollars", plain("costwatch_reconciliation_estimated_dollars",
        () -> metrics.reconciliation(WORKSPACE, "USD", 176.3, 200.0)));
    e.put("costwatch_reconciliation_billed_dollars", plain("costwatch_reconciliation_billed_dollars",
        () -> metrics.reconciliation(WORKSPACE, "EUR", 10.0, 12.0)));
    e.put("costwatch_alert_deliveries_total", new Event("costwatch_alert_deliveries_total",
        "outcome=\"delivered\"", () -> deliver(open)));
    e.put("costwatch_input_up", plain("costwatch_input_up", () -> eventHubsUp.set(true)));
    return e;
  }

  private static Event plain(String series, Runnable action) {
    return new Event(series, "", action);
  }

  private void deliver(LifecycleEvent event) {
    try {
      webhook.deliver(event).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("webhook delivery did not complete", e);
    }
  }

  /** Runs the collector until a weakly held object is gone, so weakly held meter state would be gone too. */
  private static void collectGarbage() {
    WeakReference<Object> canary = new WeakReference<>(new Object());
    for (int i = 0; i < 20 && canary.get() != null; i++) {
      System.gc();
    }
    assertTrue(canary.get() == null, "the garbage collector did not run");
    System.gc();
  }

  /** Sum of the samples of {@code series} whose labels contain {@code label}; 0 when there are none. */
  static double value(String scrape, String series, String label) {
    double sum = 0;
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + "{") || line.startsWith(series + " ")) {
        String labels = line.startsWith(series + "{") ? line.substring(series.length(), line.lastIndexOf('}') + 1)
            : "";
        if (labels.contains(label)) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }

  /** The metric names of the README's metrics table ({@code a} / {@code _b} rows expand to both names). */
  static List<String> documentedMetrics() throws IOException {
    List<String> names = new ArrayList<>();
    boolean inSection = false;
    for (String line : Files.readAllLines(Path.of("docs", "metrics.md"))) {
      if (line.startsWith("## ")) {
        inSection = line.startsWith("## Metrics");
      }
      if (!inSection || !line.startsWith("| `costwatch_")) {
        continue;
      }
      String cell = line.substring(1, line.indexOf('|', 1)).trim();
      String first = null;
      for (String part : cell.split("/")) {
        String name = part.trim().replace("`", "");
        if (first == null) {
          first = name;
          names.add(name);
        } else if (name.startsWith("_")) {
          String[] tokens = first.split("_");
          int keep = tokens.length - (name.split("_").length - 1);
          names.add(String.join("_", java.util.Arrays.copyOf(tokens, keep)) + name);
        } else {
          names.add(name);
        }
      }
    }
    return names;
  }
}
