package io.costwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MicrometerPipelineMetricsTest {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void workspacesBeyondTheCapAreReportedAsOtherWithTheirBurnRatesSummed() {
    // Given a cap of 3
    MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(registry, 3);

    // When 5 workspaces report a window
    IntStream.rangeClosed(1, 5).forEach(i -> metrics.usageWindow(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/WS-" + i,
        null, i, "USD", 10.0 * i));

    // Then the first 3 keep their label and the other two share "other"
    Set<String> labels = registry.find("costwatch.burn.rate").gauges().stream()
        .map(g -> g.getId().getTag("workspace")).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of("ws-1", "ws-2", "ws-3", "other"), labels);
    assertEquals(4 + 5, burnRate("other"));
    assertEquals(45.0, registry.get("costwatch.gpu.utilization").tag("workspace", "other").gauge().value());
    assertEquals(3.0, burnRate("ws-3"));
  }

  @Test
  void anAdmittedWorkspaceKeepsItsLabelAfterTheCapIsReached() {
    MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(registry, 1);
    metrics.usageWindow("a", null, 1, "USD", Double.NaN);
    metrics.usageWindow("b", null, 2, "USD", Double.NaN);

    metrics.usageWindow("A", null, 7, "USD", Double.NaN);

    assertEquals(7.0, burnRate("a"));
    assertEquals(2.0, burnRate("other"));
    assertNull(registry.find("costwatch.gpu.utilization").gauge(), "NaN utilisation creates no series");
  }

  @Test
  void clustersOfOverflowWorkspacesDoNotBecomeLabels() {
    MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(registry, 1);
    metrics.usageWindow("a", "gpu-a", 1, "USD", 50);

    metrics.usageWindow("b", "gpu-b-1", 2, "USD", 50);
    metrics.usageWindow("c", "gpu-c-1", 3, "USD", 50);

    Set<String> clusters = registry.find("costwatch.burn.rate").gauges().stream()
        .map(g -> g.getId().getTag("cluster")).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of("gpu-a", "other"), clusters);
    assertEquals(5.0, registry.get("costwatch.burn.rate").tag("cluster", "other").gauge().value());
  }

  @Test
  void openAlertsWasteAndSavingsFollowTheAlertLifecycle() {
    MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(registry);

    metrics.alertPublished("a-1", "GPU_IDLE", "HIGH", "OPEN", "USD", 10, "SCALE_TO_ZERO", 7000);
    metrics.alertPublished("a-2", "GPU_IDLE", "HIGH", "OPEN", "USD", 5, "SCALE_TO_ZERO", 3000);
    assertEquals(2.0, open("GPU_IDLE", "HIGH"));
    assertEquals(15.0, registry.get("costwatch.waste.rate").tag("type", "GPU_IDLE").gauge().value());

    metrics.alertPublished("a-2", "GPU_IDLE", "CRITICAL", "UPDATE", "USD", 6, "SCALE_TO_ZERO", 4000);
    assertEquals(1.0, open("GPU_IDLE", "HIGH"));
    assertEquals(1.0, open("GPU_IDLE", "CRITICAL"));
    assertEquals(11000.0, registry.get("costwatch.savings.potential").tag("action", "SCALE_TO_ZERO").gauge().value());

    metrics.alertPublished("a-1", "GPU_IDLE", "HIGH", "RESOLVED", "USD", 0, "SCALE_TO_ZERO", 0);
    metrics.alertPublished("a-1", "GPU_IDLE", "HIGH", "RESOLVED", "USD", 0, "SCALE_TO_ZERO", 0);
    assertEquals(0.0, open("GPU_IDLE", "HIGH"));
    assertEquals(6.0, registry.get("costwatch.waste.rate").tag("type", "GPU_IDLE").gauge().value());
    assertEquals(5.0, registry.get("costwatch.alerts.published").tag("type", "GPU_IDLE").counters().stream()
        .mapToDouble(c -> c.count()).sum(), "every event counts, a repeated RESOLVED too");
  }

  @Test
  void moneyGaugesKeepEachCurrencyInItsOwnSeries() {
    MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(registry);

    metrics.alertPublished("a-1", "GPU_IDLE", "HIGH", "OPEN", "USD", 10, "ENABLE_IDLE_SHUTDOWN", 700);
    metrics.alertPublished("a-2", "GPU_IDLE", "HIGH", "OPEN", "EUR", 4, "ENABLE_IDLE_SHUTDOWN", 300);
    metrics.alertPublished("a-3", "GPU_IDLE", "HIGH", "OPEN", "USD", 1, "ENABLE_IDLE_SHUTDOWN", 50);

    assertEquals(11.0, registry.get("costwatch.waste.rate").tags("type", "GPU_IDLE", "currency", "USD").gauge()
        .value());
    assertEquals(4.0, registry.get("costwatch.waste.rate").tags("type", "GPU_IDLE", "currency", "EUR").gauge()
        .value());
    assertEquals(750.0, registry.get("costwatch.savings.potential")
        .tags("action", "ENABLE_IDLE_SHUTDOWN", "currency", "USD").gauge().value());
    assertEquals(300.0, registry.get("costwatch.savings.potential")
        .tags("action", "ENABLE_IDLE_SHUTDOWN", "currency", "EUR").gauge().value());
    assertEquals(3.0, open("GPU_IDLE", "HIGH"), "the count of open alerts is not money: one series for both");

    metrics.alertRestored("a-4", "IDLE_NODES", "LOW", "GBP", 2, "SET_MIN_NODES_ZERO", 20);
    assertEquals(20.0, registry.get("costwatch.savings.potential")
        .tags("action", "SET_MIN_NODES_ZERO", "currency", "GBP").gauge().value());
    String scrape = MetricsFixtures.exercised().scrape();
    for (String series : List.of("costwatch_waste_rate_dollars_per_hour",
        "costwatch_savings_potential_dollars_per_month", "costwatch_burn_rate_dollars_per_hour",
        "costwatch_reconciliation_estimated_dollars", "costwatch_reconciliation_billed_dollars")) {
      List<String> samples = scrape.lines().filter(l -> l.startsWith(series + "{")).toList();
      assertFalse(samples.isEmpty(), series + " missing from the scrape");
      samples.forEach(l -> assertTrue(l.contains("currency=\""), "money series without currency: " + l));
    }
  }

  @Test
  void labelsNeverCarrySubscriptionOrResourceGroupIds() {
    MicrometerPipelineMetrics metrics = MetricsFixtures.exercised();

    String scrape = metrics.scrape();

    assertFalse(scrape.contains("00000000-0000-0000-0000-000000000001"), "subscription id leaked");
    assertFalse(scrape.contains("rg-ml"), "resource group leaked");
    assertTrue(scrape.contains("workspace=\"mlw-research\""), scrape);
  }

  @Test
  void concurrentCallersLoseNoCountsAndRespectTheCap() throws Exception {
    // Given 4 threads, each reporting 1000 records and windows of 20 workspaces, under a cap of 5
    MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(registry, 5);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Void>> tasks = IntStream.range(0, 4).<Callable<Void>>mapToObj(t -> () -> {
        for (int i = 0; i < 1000; i++) {
          metrics.recordIn("in");
          metrics.usageWindow("ws-" + (i % 20), null, 1, "USD", 50);
          metrics.alertPublished("a-" + t + "-" + i, "GPU_IDLE", "LOW", "OPEN", "USD", 1, "STOP", 1);
        }
        return null;
      }).toList();

      // When they run at once
      for (Future<Void> done : pool.invokeAll(tasks)) {
        done.get();
      }
    } finally {
      pool.shutdownNow();
    }

    // Then
    assertEquals(4000.0, registry.get("costwatch.records.in").counter().count());
    assertEquals(4000.0, open("GPU_IDLE", "LOW"));
    assertEquals(6, registry.find("costwatch.burn.rate").gauges().size(), "5 workspaces + other");
    assertEquals(15.0, burnRate("other"), "15 overflow workspaces at 1/h each");
  }

  @Test
  void shortNameIsTheLowerCaseLastPathSegment() {
    assertEquals("mlw-x", WorkspaceLabels.shortName("/subscriptions/s/workspaces/MLW-X/"));
    assertEquals("plain", WorkspaceLabels.shortName("Plain"));
    assertEquals("unknown", WorkspaceLabels.shortName(null));
  }

  private double burnRate(String workspace) {
    Gauge gauge = registry.get("costwatch.burn.rate").tag("workspace", workspace).tag("cluster", "all").gauge();
    return gauge.value();
  }

  private double open(String type, String severity) {
    return registry.get("costwatch.alerts.open").tag("type", type).tag("severity", severity).gauge().value();
  }
}
