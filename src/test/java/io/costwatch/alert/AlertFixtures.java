package io.costwatch.alert;

import io.costwatch.alert.lifecycle.AlertLifecycle;
import io.costwatch.alert.lifecycle.AlertState;
import io.costwatch.alert.lifecycle.LifecycleEvent;
import io.costwatch.alert.lifecycle.LifecycleRules;
import io.costwatch.alert.lifecycle.Transition;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.Money;
import io.costwatch.core.SourceRef;
import io.costwatch.detect.Finding;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.Severity;
import io.costwatch.recommend.Recommendation;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders of findings and recommendations for the alert tests. */
public final class AlertFixtures {

  public static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
  public static final Duration WINDOW = Duration.ofMinutes(15);
  public static final AzureResourceId GPU = AzureResourceId.parse("/subscriptions/00000000-0000-0000-0000-000000000001"
      + "/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws-vision/computes/gpu-a100")
      .orElseThrow();

  private AlertFixtures() {
  }

  /** Start of the {@code n}-th 15-minute window after {@link #T0}. */
  public static Instant window(int n) {
    return T0.plus(WINDOW.multipliedBy(n));
  }

  /** An idle-GPU finding in window {@code n}, wasting {@code perHour} USD per hour. */
  public static Finding gpuIdle(int n, String perHour, Severity severity) {
    return gpuIdleAt(window(n), window(n).plus(WINDOW), perHour, severity);
  }

  public static Finding gpuIdleAt(Instant start, Instant end, String perHour, Severity severity) {
    return new Finding(FindingType.GPU_IDLE, severity, GPU, start, end, "gpu-idle",
        Map.of("gpuUtilizationMax", new BigDecimal("5")), Map.of("gpuUtilization", new BigDecimal("0.4")),
        Map.of("gpuUtilization", new BigDecimal("40")), "IDLE", Money.of(perHour, "USD"), "PT1H",
        "Standard_NC24ads_A100_v4", "ws-vision/gpu-a100: 1 A100 node idle, wasting " + perHour + " USD/h", 15,
        SourceRef.line("metrics.json", 1), SourceRef.line("metrics.json", 15));
  }

  /** A daily spend spike of {@code excess} USD on the workspace on the day starting at {@code day}. */
  public static Finding spendSpike(Instant day, String excess) {
    return new Finding(FindingType.SPEND_SPIKE, Severity.HIGH, AzureResourceId.workspace(GPU.workspaceId()), day,
        day.plus(1, ChronoUnit.DAYS), "spend-spike-median", Map.of(), Map.of("dailySpend", new BigDecimal("900")),
        Map.of("dailySpend", new BigDecimal("300")), null, Money.of(excess, "USD"), "P1D", null,
        "ws-vision spent 900 USD, 3x its median", 40, SourceRef.line("export.csv", 2), SourceRef.line("export.csv", 41));
  }

  /**
   * One whole episode of an idle GPU resolving at {@code resolvedAt}: OPEN (at resolvedAt - 30 min), UPDATE (severity
   * up, at resolvedAt - 15 min), RESOLVED.
   */
  public static List<LifecycleEvent> episodeResolvingAt(Instant resolvedAt) {
    AlertLifecycle lifecycle = new AlertLifecycle(new LifecycleRules(Duration.ofMinutes(30), Duration.ofMinutes(15),
        Duration.ZERO, BigDecimal.valueOf(20)));
    Instant w0 = resolvedAt.minus(WINDOW.multipliedBy(4));
    List<LifecycleEvent> events = new ArrayList<>();
    AlertState state = null;
    String[] impacts = {"3.67", "3.67", "7.34"};
    Severity[] severities = {Severity.LOW, Severity.LOW, Severity.MEDIUM};
    for (int i = 0; i < 3; i++) {
      Instant start = w0.plus(WINDOW.multipliedBy(i));
      Transition t = lifecycle.onFinding(state, gpuIdleAt(start, start.plus(WINDOW), impacts[i], severities[i]),
          scaleToZero(), start.plus(WINDOW));
      state = t.state();
      t.event().ifPresent(events::add);
    }
    lifecycle.onClear(state, GPU, FindingType.GPU_WASTE, resolvedAt).event().ifPresent(events::add);
    return events;
  }

  public static List<Recommendation> scaleToZero() {
    return List.of(new Recommendation("SET_MIN_NODES_ZERO", "The cluster keeps an idle A100 node; let it scale to zero.",
        Money.of("2409.00", "USD"), new BigDecimal("0.9"), "minNodeCount=0", null));
  }
}
