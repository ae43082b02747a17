package io.costwatch.detect.spend;

import io.costwatch.detect.SeverityTiers;
import io.costwatch.detect.SpendRules;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Thresholds of the spend-spike rule on an hourly series (Azure ML compute and endpoint usage billed per hour, or
 * hourly telemetry used as a spend proxy). Money amounts are per hour.
 *
 * @param lookbackHours hours of history the baseline is computed from
 * @param minHistoryHours fewer hours of history than this: no alert at all
 * @param minDelta minimum hourly excess over the baseline, in the billing currency
 * @param minPercent minimum excess as a percentage of the baseline
 * @param robustZ minimum excess in units of 1.4826 x MAD of the baseline's residuals
 * @param hourlyTiers severity floors for the hourly excess
 */
public record HourlyRules(int lookbackHours, int minHistoryHours, BigDecimal minDelta, double minPercent,
    double robustZ, SeverityTiers hourlyTiers) {

  private static final BigDecimal HOURS = BigDecimal.valueOf(24);

  /**
   * The same money per day as the daily rules (every amount divided by 24), at most 14 days of lookback (hourly
   * patterns change faster than weekly ones) and three days of minimum history (three samples of each hour).
   */
  public static HourlyRules from(SpendRules daily) {
    SeverityTiers tiers = daily.dailyTiers();
    return new HourlyRules(Math.min(daily.lookbackDays(), 14) * 24, 72, perHour(daily.minDelta()),
        daily.minPercent(), daily.robustZ(), new SeverityTiers(perHour(tiers.medium()), perHour(tiers.high()),
        perHour(tiers.critical())));
  }

  private static BigDecimal perHour(BigDecimal perDay) {
    return perDay.divide(HOURS, 4, RoundingMode.HALF_UP);
  }
}
