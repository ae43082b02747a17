package io.costwatch.detect;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.SourceRef;
import io.costwatch.usage.MetricStats;
import io.costwatch.usage.UsageWindow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one closed window of an online deployment contributes to its serving horizon: sums and counts only, so a
 * horizon of hours is the sum of its slices and is judged without keeping any per-minute sample.
 *
 * @param windowStart start of the window
 * @param windowEnd end of the window (exclusive)
 * @param minutes minutes with an instance count: {@code DeploymentCapacity} values, else minutes in which at least one
 *     instance reported
 * @param instanceMinutes the sum of the instance count over those minutes
 * @param instancesCounted true when the count comes from distinct {@code instanceId} dimensions, not from
 *     {@code DeploymentCapacity}
 * @param utilization {@code gpu} or {@code cpu}: which utilisation the duty cycle is measured on, or null
 * @param utilCount per-instance utilisation values (instance-minutes, per GPU where split by device)
 * @param utilSum their sum, percent
 * @param utilBusy how many of them reached the busy-minute utilisation
 * @param utilMax the highest of them
 * @param memoryCount GPU memory utilisation values
 * @param memorySum their sum, percent
 * @param requestCount {@code RequestsPerMinute} values
 * @param requestSum their sum: requests in the window
 * @param requestMax the highest of them
 * @param records telemetry records in the window
 * @param firstSource the first source record of the window
 * @param lastSource the last source record of the window
 */
public record ServingSlice(
    Instant windowStart,
    Instant windowEnd,
    long minutes,
    double instanceMinutes,
    boolean instancesCounted,
    String utilization,
    long utilCount,
    double utilSum,
    long utilBusy,
    double utilMax,
    long memoryCount,
    double memorySum,
    long requestCount,
    double requestSum,
    double requestMax,
    long records,
    SourceRef firstSource,
    SourceRef lastSource) {

  /** The utilisation the duty cycle is measured on: the first present (GPU before CPU). */
  private static final List<AzureMetric> UTILIZATION = List.of(AzureMetric.GPU_UTILIZATION_PERCENTAGE,
      AzureMetric.GPU_UTILIZATION, AzureMetric.CPU_UTILIZATION_PERCENTAGE, AzureMetric.CPU_UTILIZATION);

  /**
   * The slice of a deployment window; empty when the window holds none of the signals the serving rule reads.
   *
   * @param busyMinuteUtilization a value at or above this percent is a busy minute (on the 10% grid of
   *     {@link MetricStats#shareAtOrAbove})
   */
  public static Optional<ServingSlice> of(UsageWindow window, double busyMinuteUtilization) {
    long minutes;
    double instanceMinutes;
    boolean counted;
    if (window.has(AzureMetric.DEPLOYMENT_CAPACITY)) {
      MetricStats capacity = window.stats(AzureMetric.DEPLOYMENT_CAPACITY);
      minutes = capacity.count();
      instanceMinutes = Math.max(0, capacity.sum());
      counted = false;
    } else {
      minutes = window.instances().reportingMinutes();
      instanceMinutes = window.instances().instanceMinutes();
      counted = true;
    }
    Optional<AzureMetric> util = UTILIZATION.stream().filter(window::has).findFirst();
    boolean requests = window.has(AzureMetric.REQUESTS_PER_MINUTE);
    if (minutes == 0 || util.isEmpty() && !requests) {
      return Optional.empty();
    }
    MetricStats u = util.map(window::stats).orElse(MetricStats.empty());
    String kind = util.map(m -> m == AzureMetric.GPU_UTILIZATION_PERCENTAGE || m == AzureMetric.GPU_UTILIZATION
        ? "gpu" : "cpu").orElse(null);
    MetricStats memory = window.has(AzureMetric.GPU_MEMORY_UTILIZATION_PERCENTAGE)
        ? window.stats(AzureMetric.GPU_MEMORY_UTILIZATION_PERCENTAGE)
        : window.stats(AzureMetric.GPU_MEMORY_UTILIZATION);
    MetricStats rpm = window.stats(AzureMetric.REQUESTS_PER_MINUTE);
    return Optional.of(new ServingSlice(window.windowStart(), window.windowEnd(), minutes, instanceMinutes, counted,
        kind, u.count(), u.sum(), Math.round(u.shareAtOrAbove(busyMinuteUtilization) * u.count()),
        u.count() == 0 ? 0 : u.max(), memory.count(), memory.sum(), rpm.count(), Math.max(0, rpm.sum()),
        rpm.count() == 0 ? 0 : Math.max(0, rpm.max()),
        window.records(), window.firstSource(), window.lastSource()));
  }
}
