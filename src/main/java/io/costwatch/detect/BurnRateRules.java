package io.costwatch.detect;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * Thresholds of the burn-rate spike rule. A window is a spike only when it clears both the $/h floor (so 1 -> 3
 * nodes of a small size pages nobody) and the ratio to the baseline.
 *
 * @param historyCapacity windows a {@link BurnRateHistory} keeps (96 = one day of 15-minute windows)
 * @param lookback only history windows starting within this duration before the evaluated window count
 * @param minHistoryWindows fewer usable history windows than this: no baseline, no finding
 * @param minDeltaPerHour minimum excess of the current burn rate over the baseline, currency units per hour
 * @param minRatio minimum current / baseline burn rate (a zero baseline passes)
 * @param hourlyTiers severity floors on the excess per hour
 */
public record BurnRateRules(
    int historyCapacity,
    Duration lookback,
    int minHistoryWindows,
    BigDecimal minDeltaPerHour,
    double minRatio,
    SeverityTiers hourlyTiers) {

  public BurnRateRules {
    if (historyCapacity < 1) {
      throw new IllegalArgumentException("historyCapacity=" + historyCapacity + " must be at least 1");
    }
    Objects.requireNonNull(lookback, "lookback");
    if (lookback.isNegative() || lookback.isZero()) {
      throw new IllegalArgumentException("lookback=" + lookback + " must be positive");
    }
    if (minHistoryWindows < 1 || minHistoryWindows > historyCapacity) {
      throw new IllegalArgumentException("minHistoryWindows=" + minHistoryWindows + " must be 1.." + historyCapacity);
    }
    Objects.requireNonNull(minDeltaPerHour, "minDeltaPerHour");
    if (minDeltaPerHour.signum() < 0) {
      throw new IllegalArgumentException("minDeltaPerHour=" + minDeltaPerHour + " must not be negative");
    }
    if (Double.isNaN(minRatio) || minRatio < 1) {
      throw new IllegalArgumentException("minRatio=" + minRatio + " must be at least 1");
    }
    Objects.requireNonNull(hourlyTiers, "hourlyTiers");
  }

  public static BurnRateRules defaults() {
    return new BurnRateRules(96, Duration.ofHours(24), 4, new BigDecimal("20"), 2.0,
        new SeverityTiers(new BigDecimal("25"), new BigDecimal("100"), new BigDecimal("500")));
  }
}
