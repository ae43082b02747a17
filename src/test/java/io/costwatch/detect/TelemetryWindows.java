package io.costwatch.detect;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.Money;
import io.costwatch.core.SourceRef;
import io.costwatch.recommend.PriceBook;
import io.costwatch.recommend.VmPrice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Builds closed usage windows minute by minute, the way the topology's window aggregation does. */
public final class TelemetryWindows {

  public static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  public static final String WORKSPACE =
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-ml/providers/"
          + "microsoft.machinelearningservices/workspaces/ws-a";

  private final AzureResourceId scope;
  private final int minutes;
  private final List<MetricSample> samples = new ArrayList<>();
  private Instant start = T0;

  private TelemetryWindows(AzureResourceId scope, int minutes) {
    this.scope = scope;
    this.minutes = minutes;
  }

  public static TelemetryWindows cluster(String compute) {
    return new TelemetryWindows(AzureResourceId.workspace(WORKSPACE).withCompute(compute), 15);
  }

  public static TelemetryWindows deployment(String endpoint, String deployment) {
    return new TelemetryWindows(AzureResourceId.workspace(WORKSPACE).withDeployment(endpoint, deployment), 15);
  }

  public static TelemetryWindows workspace() {
    return new TelemetryWindows(AzureResourceId.workspace(WORKSPACE), 15);
  }

  public TelemetryWindows startingAt(Instant windowStart) {
    this.start = windowStart;
    return this;
  }

  /** The same value in every minute of the window. */
  public TelemetryWindows constant(AzureMetric metric, double value) {
    double[] values = new double[minutes];
    Arrays.fill(values, value);
    return series(metric, values);
  }

  /** One value per minute, from the window start; a shorter series covers the first minutes only. */
  public TelemetryWindows series(AzureMetric metric, double... perMinute) {
    for (int m = 0; m < perMinute.length; m++) {
      double v = perMinute[m];
      samples.add(new MetricSample(MetricSample.SCHEMA_VERSION, scope, metric, start.plusSeconds(60L * m), v, v, v, v,
          1, Map.of(), new SourceRef("test", samples.size() + 1, -1)));
    }
    return this;
  }

  /** {@code busy} minutes at {@code busyValue} spread evenly through the window, the rest at {@code quietValue}. */
  public TelemetryWindows bursts(AzureMetric metric, int busy, double busyValue, double quietValue) {
    double[] values = new double[minutes];
    Arrays.fill(values, quietValue);
    for (int i = 0; i < busy; i++) {
      values[(int) ((long) i * minutes / busy)] = busyValue;
    }
    return series(metric, values);
  }

  /**
   * One value per minute of one instance, with an {@code instanceId} dimension as the DCR export and the Metrics API
   * deliver per-instance deployment metrics.
   */
  public TelemetryWindows instance(String instanceId, AzureMetric metric, double... perMinute) {
    for (int m = 0; m < perMinute.length; m++) {
      double v = perMinute[m];
      samples.add(new MetricSample(MetricSample.SCHEMA_VERSION, scope, metric, start.plusSeconds(60L * m), v, v, v, v,
          1, Map.of("instanceid", instanceId), new SourceRef("test", samples.size() + 1, -1)));
    }
    return this;
  }

  public io.costwatch.usage.UsageWindow build() {
    io.costwatch.usage.UsageWindow window = io.costwatch.usage.UsageWindow.empty()
        .in(start, start.plus(Duration.ofMinutes(minutes)));
    for (MetricSample s : samples) {
      window = window.add(s);
    }
    return window.in(start, start.plus(Duration.ofMinutes(minutes)));
  }

  /** The shipped price of a VM size, as the topology's {@code NodePricing} would give it for a configured size. */
  public static NodePrice price(String vmSize) {
    VmPrice vm = PriceBook.shipped().find(vmSize).orElseThrow();
    return new NodePrice(vm.vmSize(), vm.hourly(), "configured", vm.vcpus());
  }

  public static NodePrice price(String vmSize, String hourly) {
    return new NodePrice(vmSize, Money.of(hourly, "USD"), "configured");
  }
}
