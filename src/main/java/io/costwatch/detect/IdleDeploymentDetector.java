package io.costwatch.detect;

import static io.costwatch.detect.Numbers.dec;
import static io.costwatch.detect.Numbers.pct;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.Money;
import io.costwatch.usage.MetricStats;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A managed online endpoint deployment that keeps instances allocated while serving nothing. Managed online
 * deployments bill every instance every hour, traffic or not.
 *
 * <p>Which rule fires is recorded in {@code rule}:
 * <ul>
 *   <li>{@code idle-deployment-no-traffic}: {@code RequestsPerMinute} is present and averages at or below
 *       {@code idleRequestsPerMinute}. When requests are present and above it, the deployment is serving and this
 *       rule never fires, however low the GPU reads (that is a sizing question, not idleness).</li>
 *   <li>{@code idle-deployment-low-utilization}: no request telemetry; GPU utilisation (CPU for CPU deployments)
 *       averages below {@code idleUtilization}.</li>
 * </ul>
 * Both need a low duty cycle: if more than {@code idleBusyMinuteShare} of the minutes reach
 * {@code busyMinuteUtilization}, the deployment is working in bursts and is not idle. Serving GPUs are bursty: most
 * minutes read 0 with short busy bursts, so a mean-only rule would flag healthy low-traffic services.
 *
 * <p>{@code RequestsPerMinute} and {@code DeploymentCapacity} are not exported by diagnostic settings; they come
 * from the Metrics REST API (one value per deployment and minute, not split by instance or status code).
 */
public final class IdleDeploymentDetector {

  public static final String NO_TRAFFIC = "NO_TRAFFIC";
  public static final String LOW_UTILIZATION = "LOW_UTILIZATION";

  private final DeploymentRules rules;

  public IdleDeploymentDetector(DeploymentRules rules) {
    this.rules = rules;
  }

  public Optional<Finding> evaluate(UsageWindow window, NodePrice price) {
    if (window.scope() == null || !window.has(AzureMetric.DEPLOYMENT_CAPACITY)) {
      return Optional.empty();
    }
    double instances = window.average(AzureMetric.DEPLOYMENT_CAPACITY);
    if (Double.isNaN(instances) || instances <= 0 || instances < rules.minInstances()) {
      return Optional.empty();
    }
    Optional<AzureMetric> utilMetric = GpuWasteDetector.firstPresent(window,
        AzureMetric.GPU_UTILIZATION_PERCENTAGE, AzureMetric.GPU_UTILIZATION, AzureMetric.CPU_UTILIZATION_PERCENTAGE,
        AzureMetric.CPU_UTILIZATION);
    boolean hasRequests = window.has(AzureMetric.REQUESTS_PER_MINUTE);
    if (!hasRequests && utilMetric.isEmpty()) {
      return Optional.empty();
    }
    MetricStats util = utilMetric.map(window::stats).orElse(MetricStats.empty());
    double utilAvg = GpuWasteDetector.percent(util.average());
    double busyShare = util.shareAtOrAbove(rules.busyMinuteUtilization());
    if (busyShare > rules.idleBusyMinuteShare()) {
      return Optional.empty();
    }
    double rpm = window.average(AzureMetric.REQUESTS_PER_MINUTE);
    boolean idle = hasRequests ? rpm <= rules.idleRequestsPerMinute() : utilAvg < rules.idleUtilization();
    if (!idle) {
      return Optional.empty();
    }
    String cause = hasRequests ? NO_TRAFFIC : LOW_UTILIZATION;
    Money perHour = price.hourly().times(BigDecimal.valueOf(instances)).rounded();

    Map<String, BigDecimal> observed = new LinkedHashMap<>();
    observed.put("instancesAvg", dec(instances));
    if (hasRequests) {
      observed.put("requestsPerMinuteAvg", dec(rpm));
      observed.put("requestsPerMinuteMax", dec(window.stats(AzureMetric.REQUESTS_PER_MINUTE).max()));
    }
    utilMetric.ifPresent(m -> {
      String name = m == AzureMetric.GPU_UTILIZATION || m == AzureMetric.GPU_UTILIZATION_PERCENTAGE ? "gpu" : "cpu";
      observed.put(name + "UtilizationAvgPercent", dec(utilAvg));
      observed.put(name + "BusyMinuteShare", dec(busyShare));
    });
    observed.put("burnRatePerHour", perHour.amount());
    Map<String, BigDecimal> thresholds = new LinkedHashMap<>();
    thresholds.put("minInstances", dec(rules.minInstances()));
    if (hasRequests) {
      thresholds.put("idleRequestsPerMinute", dec(rules.idleRequestsPerMinute()));
    } else {
      thresholds.put("idleUtilizationPercent", dec(rules.idleUtilization()));
    }
    thresholds.put("busyMinuteUtilizationPercent", dec(rules.busyMinuteUtilization()));
    thresholds.put("idleBusyMinuteShare", dec(rules.idleBusyMinuteShare()));
    String evidence = hasRequests
        ? String.format(Locale.ROOT, "%s requests per minute on average", dec(rpm).toPlainString())
        : String.format(Locale.ROOT, "%s average %s utilisation and no request metric", pct(utilAvg),
            observed.containsKey("gpuUtilizationAvgPercent") ? "GPU" : "CPU");
    String summary = String.format(Locale.ROOT,
        "%s: %s instance(s) of %s kept from %s to %s with %s (%s of minutes busy); about %s/h for an idle "
            + "deployment.",
        window.scope().label(), dec(instances).stripTrailingZeros().toPlainString(), price.vmSize(),
        window.windowStart(), window.windowEnd(), evidence, pct(busyShare * 100), perHour);
    return Optional.of(new Finding(FindingType.IDLE_DEPLOYMENT, rules.hourlyTiers().of(perHour.amount()),
        window.scope(), window.windowStart(), window.windowEnd(),
        hasRequests ? "idle-deployment-no-traffic" : "idle-deployment-low-utilization", thresholds, observed,
        Map.of("instancesAvg", BigDecimal.ZERO), cause, perHour, "PT1H", price.vmSize(), summary, window.records(),
        window.firstSource(), window.lastSource()));
  }
}
