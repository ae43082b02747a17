package io.costwatch.detect;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Bounds of the billing-versus-telemetry correction.
 *
 * @param minFactor the correction factor is never below this
 * @param maxFactor nor above this: a factor outside the bounds means the two sides measure different things (disks,
 *     load balancers, reservations, a wrong VM size), which a multiplier should not hide
 * @param minEstimated a telemetry estimate below this (in its currency) is too small to compare against
 */
public record ReconciliationRules(BigDecimal minFactor, BigDecimal maxFactor, BigDecimal minEstimated) {

  public ReconciliationRules {
    Objects.requireNonNull(minFactor, "minFactor");
    Objects.requireNonNull(maxFactor, "maxFactor");
    Objects.requireNonNull(minEstimated, "minEstimated");
    if (minFactor.signum() <= 0 || minFactor.compareTo(BigDecimal.ONE) > 0 || maxFactor.compareTo(BigDecimal.ONE) < 0) {
      throw new IllegalArgumentException("need 0 < minFactor <= 1 <= maxFactor, got " + minFactor + ".." + maxFactor);
    }
    if (minEstimated.signum() < 0) {
      throw new IllegalArgumentException("minEstimated=" + minEstimated + " must not be negative");
    }
  }

  public static ReconciliationRules defaults() {
    return new ReconciliationRules(new BigDecimal("0.5"), new BigDecimal("2"), new BigDecimal("1.00"));
  }

  /** {@code factor} clamped to {@code [minFactor, maxFactor]}. */
  public BigDecimal clamp(BigDecimal factor) {
    return factor.max(minFactor).min(maxFactor);
  }
}
