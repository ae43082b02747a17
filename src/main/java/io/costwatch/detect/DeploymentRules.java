package io.costwatch.detect;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Thresholds of the idle online-deployment rule, judged over the serving horizon. Utilisation values are percent
 * (0-100).
 *
 * @param minInstances the deployment must average at least this many instances over the horizon
 *     ({@code DeploymentCapacity}, else the distinct {@code instanceId} dimensions reporting each minute)
 * @param idleRequestsPerMinute average {@code RequestsPerMinute} over the horizon at or below this is "no traffic"
 * @param idleUtilization without request telemetry: average GPU (else CPU) utilisation over the horizon below this
 *     is idle
 * @param busyMinuteUtilization an instance-minute at or above this utilisation counts as busy (10% grid)
 * @param idleBusyMinuteShare the duty cycle (share of instance-minutes that are busy over the horizon) must be at or
 *     below this: a deployment that serves a few requests an hour shows them as busy minutes and is not idle
 * @param hourlyTiers severity floors on the idle instances' cost per hour
 * @param servingHorizon how far back a deployment is judged: its duty cycle and request rate over this span, never
 *     one window; a deployment with less telemetry than this is not judged yet
 */
public record DeploymentRules(
    double minInstances,
    double idleRequestsPerMinute,
    double idleUtilization,
    double busyMinuteUtilization,
    double idleBusyMinuteShare,
    SeverityTiers hourlyTiers,
    Duration servingHorizon) {

  /** Default serving horizon: hours, so a deployment serving a few requests an hour shows its bursts. */
  public static final Duration DEFAULT_SERVING_HORIZON = Duration.ofHours(3);

  public DeploymentRules {
    requireRange("minInstances", minInstances, 0, 10_000);
    requireRange("idleRequestsPerMinute", idleRequestsPerMinute, 0, 1e9);
    requireRange("idleUtilization", idleUtilization, 0, 100);
    requireRange("busyMinuteUtilization", busyMinuteUtilization, 0, 100);
    requireRange("idleBusyMinuteShare", idleBusyMinuteShare, 0, 1);
    java.util.Objects.requireNonNull(hourlyTiers, "hourlyTiers");
    java.util.Objects.requireNonNull(servingHorizon, "servingHorizon");
    if (servingHorizon.toMinutes() < 1 || servingHorizon.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("servingHorizon=" + servingHorizon + " is outside PT1M..P7D");
    }
  }

  /** The rules with the default serving horizon. */
  public DeploymentRules(double minInstances, double idleRequestsPerMinute, double idleUtilization,
      double busyMinuteUtilization, double idleBusyMinuteShare, SeverityTiers hourlyTiers) {
    this(minInstances, idleRequestsPerMinute, idleUtilization, busyMinuteUtilization, idleBusyMinuteShare,
        hourlyTiers, DEFAULT_SERVING_HORIZON);
  }

  public static DeploymentRules defaults() {
    return new DeploymentRules(1, 0.1, 5, 10, 0.02,
        new SeverityTiers(new BigDecimal("5"), new BigDecimal("25"), new BigDecimal("100")));
  }

  public DeploymentRules withServingHorizon(Duration horizon) {
    return new DeploymentRules(minInstances, idleRequestsPerMinute, idleUtilization, busyMinuteUtilization,
        idleBusyMinuteShare, hourlyTiers, horizon);
  }

  private static void requireRange(String name, double value, double min, double max) {
    if (Double.isNaN(value) || value < min || value > max) {
      throw new IllegalArgumentException(name + "=" + value + " is outside " + min + ".." + max);
    }
  }
}
