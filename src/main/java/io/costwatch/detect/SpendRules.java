package io.costwatch.detect;

import java.math.BigDecimal;

/**
 * Thresholds of the daily spend-spike rule. A day is a spike only when it clears all three: the dollar floor (so a
 * $3 to $9 day pages nobody), the percentage, and the robust z-score against the baseline's spread.
 *
 * @param lookbackDays days of history the baseline is computed from
 * @param minHistoryDays fewer days of history than this: no alert at all
 * @param minDelta minimum excess over the baseline, in the billing currency
 * @param minPercent minimum excess as a percentage of the baseline
 * @param robustZ minimum excess in units of 1.4826 x MAD (the median absolute deviation)
 */
public record SpendRules(int lookbackDays, int minHistoryDays, BigDecimal minDelta, double minPercent, double robustZ,
    SeverityTiers dailyTiers) {

  public static SpendRules defaults() {
    return new SpendRules(28, 7, new BigDecimal("50"), 50, 3.5,
        new SeverityTiers(new BigDecimal("100"), new BigDecimal("1000"), new BigDecimal("5000")));
  }
}
