package io.costwatch.detect;

import static io.costwatch.detect.Numbers.dec;
import static io.costwatch.detect.Numbers.pct;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.Money;
import io.costwatch.core.ScopeKind;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A managed online endpoint deployment that keeps instances allocated while serving nothing, judged over its serving
 * horizon ({@link DeploymentRules#servingHorizon()}, hours), never one window: serving GPUs are bursty, and a
 * deployment that answers a few requests an hour reads zero in most minutes. Managed online deployments bill every
 * instance every hour, traffic or not.
 *
 * <p>Instances are {@code DeploymentCapacity} when present; otherwise the distinct {@code instanceId} dimensions
 * reporting each minute (the per-instance GPU, CPU and memory metrics carry that dimension in the DCR-export shape
 * and in the Metrics API; {@code DeploymentCapacity} and {@code RequestsPerMinute} are not exportable by diagnostic
 * settings).
 *
 * <p>Which rule fires is recorded in {@code rule}:
 * <ul>
 *   <li>{@code idle-deployment-no-traffic}: {@code RequestsPerMinute} is present and averages at or below
 *       {@code idleRequestsPerMinute} over the horizon.</li>
 *   <li>{@code idle-deployment-low-utilization}: no request telemetry; GPU utilisation (CPU for CPU deployments)
 *       averages below {@code idleUtilization} over the horizon.</li>
 * </ul>
 * Both need a duty cycle near zero: if more than {@code idleBusyMinuteShare} of the horizon's instance-minutes reach
 * {@code busyMinuteUtilization}, the deployment is serving in bursts and is not idle.
 */
public final class IdleDeploymentDetector {

  public static final String NO_TRAFFIC = "NO_TRAFFIC";
  public static final String LOW_UTILIZATION = "LOW_UTILIZATION";

  private final DeploymentRules rules;

  public IdleDeploymentDetector(DeploymentRules rules) {
    this.rules = rules;
  }

  /** True for the windows this rule keeps a serving horizon for: deployments, and anything with a capacity. */
  public static boolean serves(UsageWindow window) {
    return window.scope() != null && (window.scope().scope() == ScopeKind.DEPLOYMENT
        || window.has(AzureMetric.DEPLOYMENT_CAPACITY));
  }

  /** The deployment's horizon with {@code window} added; unchanged when the window carries no serving signal. */
  public ServingHorizon record(ServingHorizon horizon, UsageWindow window) {
    if (!serves(window)) {
      return horizon;
    }
    return ServingSlice.of(window, rules.busyMinuteUtilization())
        .map(slice -> horizon.with(slice, rules.servingHorizon())).orElse(horizon);
  }

  /** Records each window in turn and judges the horizon after the last one: for tests and tools. */
  public Optional<Finding> evaluate(List<UsageWindow> windows, NodePrice price) {
    ServingHorizon horizon = ServingHorizon.empty();
    for (UsageWindow w : windows) {
      horizon = record(horizon, w);
    }
    return windows.isEmpty() ? Optional.empty() : evaluate(windows.get(windows.size() - 1), horizon, price);
  }

  /**
   * Judges the deployment's horizon as of {@code latest} (already {@linkplain #record recorded}). The finding covers
   * the latest window, as every telemetry finding does; the horizon's figures are its evidence.
   */
  public Optional<Finding> evaluate(UsageWindow latest, ServingHorizon horizon, NodePrice price) {
    if (!serves(latest) || horizon.isEmpty() || !horizon.end().equals(latest.windowEnd())
        || !horizon.covers(rules.servingHorizon())) {
      return Optional.empty();
    }
    double instances = horizon.instancesAvg();
    if (instances <= 0 || instances < rules.minInstances()) {
      return Optional.empty();
    }
    String util = horizon.utilization();
    boolean hasRequests = horizon.hasRequests();
    if (!hasRequests && util == null) {
      return Optional.empty();
    }
    double duty = horizon.dutyCycle();
    if (duty > rules.idleBusyMinuteShare()) {
      return Optional.empty();
    }
    double rpm = horizon.requestsPerMinute();
    double utilAvg = horizon.utilAvg();
    boolean idle = hasRequests ? rpm <= rules.idleRequestsPerMinute() : utilAvg < rules.idleUtilization();
    if (!idle) {
      return Optional.empty();
    }
    Money perHour = price.hourly().times(BigDecimal.valueOf(instances)).rounded();
    double hours = rules.servingHorizon().toMinutes() / 60.0;
    return Optional.of(new Finding(FindingType.IDLE_DEPLOYMENT, rules.hourlyTiers().of(perHour.amount()),
        latest.scope(), latest.windowStart(), latest.windowEnd(),
        hasRequests ? "idle-deployment-no-traffic" : "idle-deployment-low-utilization",
        thresholds(hasRequests, hours), observed(horizon, instances, hours, perHour),
        Map.of("instancesAvg", BigDecimal.ZERO), hasRequests ? NO_TRAFFIC : LOW_UTILIZATION, perHour, "PT1H",
        price.vmSize(), summary(latest, horizon, instances, hours, price, perHour), horizon.records(),
        horizon.slices().get(0).firstSource(), latest.lastSource()));
  }

  private Map<String, BigDecimal> observed(ServingHorizon horizon, double instances, double hours, Money perHour) {
    Map<String, BigDecimal> observed = new LinkedHashMap<>();
    observed.put("instancesAvg", dec(instances));
    if (horizon.instancesCounted()) {
      observed.put("instancesFromInstanceIds", BigDecimal.ONE);
    }
    observed.put("horizonHours", dec(hours));
    if (horizon.hasRequests()) {
      double rpm = horizon.requestsPerMinute();
      observed.put("requestsPerMinuteAvg", dec(rpm));
      observed.put("requestsPerMinuteMax", dec(horizon.requestsPerMinuteMax()));
      observed.put("requestsPerHourAvg", dec(rpm * 60));
    }
    String util = horizon.utilization();
    if (util != null) {
      observed.put(util + "UtilizationAvgPercent", dec(horizon.utilAvg()));
      observed.put(util + "UtilizationMaxPercent", dec(horizon.utilMax()));
      observed.put(util + "BusyMinuteShare", dec(horizon.dutyCycle()));
    }
    if (!Double.isNaN(horizon.memoryAvg())) {
      observed.put("gpuMemoryUtilizationAvgPercent", dec(horizon.memoryAvg()));
    }
    observed.put("burnRatePerHour", perHour.amount());
    return observed;
  }

  private Map<String, BigDecimal> thresholds(boolean hasRequests, double hours) {
    Map<String, BigDecimal> thresholds = new LinkedHashMap<>();
    thresholds.put("minInstances", dec(rules.minInstances()));
    if (hasRequests) {
      thresholds.put("idleRequestsPerMinute", dec(rules.idleRequestsPerMinute()));
    } else {
      thresholds.put("idleUtilizationPercent", dec(rules.idleUtilization()));
    }
    thresholds.put("busyMinuteUtilizationPercent", dec(rules.busyMinuteUtilization()));
    thresholds.put("idleBusyMinuteShare", dec(rules.idleBusyMinuteShare()));
    thresholds.put("servingHorizonHours", dec(hours));
    return thresholds;
  }

  private static String summary(UsageWindow latest, ServingHorizon horizon, double instances, double hours,
      NodePrice price, Money perHour) {
    String util = horizon.utilization();
    StringBuilder evidence = new StringBuilder();
    if (horizon.hasRequests()) {
      evidence.append(String.format(Locale.ROOT, "%s requests per hour", dec(horizon.requestsPerMinute() * 60)
          .toPlainString()));
    } else {
      evidence.append("no request metric");
    }
    if (util != null) {
      evidence.append(String.format(Locale.ROOT, ", a %s duty cycle (%s average %s utilisation, peak %s)",
          pct(horizon.dutyCycle() * 100), pct(horizon.utilAvg()), util.toUpperCase(Locale.ROOT),
          pct(horizon.utilMax())));
    }
    if (!Double.isNaN(horizon.memoryAvg())) {
      evidence.append(String.format(Locale.ROOT, " while holding %s of GPU memory", pct(horizon.memoryAvg())));
    }
    return String.format(Locale.ROOT,
        "%s: %s instance(s)%s of %s held over the last %s h up to %s with %s; about %s/h for an idle deployment.",
        latest.scope().label(), dec(instances).stripTrailingZeros().toPlainString(),
        horizon.instancesCounted() ? " (counted from instanceId)" : "", price.vmSize(),
        dec(hours).stripTrailingZeros().toPlainString(), latest.windowEnd(), evidence, perHour);
  }
}
