package io.costwatch.detect;

import java.math.BigDecimal;

/**
 * Thresholds of the idle online-deployment rule. Utilisation values are percent (0-100).
 *
 * @param minInstances the deployment must average at least this many instances ({@code DeploymentCapacity})
 * @param idleRequestsPerMinute average {@code RequestsPerMinute} at or below this is "no traffic"
 * @param idleUtilization without request telemetry: average GPU (else CPU) utilisation below this is idle
 * @param busyMinuteUtilization a minute at or above this utilisation counts as busy (10% grid)
 * @param idleBusyMinuteShare more busy minutes than this share means the deployment is working (bursty serving),
 *     never idle, whatever the mean says
 * @param hourlyTiers severity floors on the idle instances' cost per hour
 */
public record DeploymentRules(
    double minInstances,
    double idleRequestsPerMinute,
    double idleUtilization,
    double busyMinuteUtilization,
    double idleBusyMinuteShare,
    SeverityTiers hourlyTiers) {

  public DeploymentRules {
    requireRange("minInstances", minInstances, 0, 10_000);
    requireRange("idleRequestsPerMinute", idleRequestsPerMinute, 0, 1e9);
    requireRange("idleUtilization", idleUtilization, 0, 100);
    requireRange("busyMinuteUtilization", busyMinuteUtilization, 0, 100);
    requireRange("idleBusyMinuteShare", idleBusyMinuteShare, 0, 1);
    java.util.Objects.requireNonNull(hourlyTiers, "hourlyTiers");
  }

  public static DeploymentRules defaults() {
    return new DeploymentRules(1, 0.1, 5, 10, 0.1,
        new SeverityTiers(new BigDecimal("5"), new BigDecimal("25"), new BigDecimal("100")));
  }

  private static void requireRange(String name, double value, double min, double max) {
    if (Double.isNaN(value) || value < min || value > max) {
      throw new IllegalArgumentException(name + "=" + value + " is outside " + min + ".." + max);
    }
  }
}
