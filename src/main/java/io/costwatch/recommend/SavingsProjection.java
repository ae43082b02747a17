package io.costwatch.recommend;

import io.costwatch.core.Money;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Turns a recommendation's full-time saving (as if the pattern held all 730 h of a month, as {@link Recommender}
 * prices it) into an estimate over {@code horizon} from the observed pattern: saving per wasteful hour x the share
 * of the observed time that was wasteful x the horizon's hours. The share is taken over at least
 * {@code minObservation}, so one 15-minute burst counts as 15 minutes of a day, not as a month of bursts; and the
 * confidence says how much observation there was.
 *
 * @param horizon what the estimate covers (P30D)
 * @param lookback how far back the pattern is observed (P7D): with this much observation the confidence is HIGH
 * @param minObservation the least time the wasteful share is taken over (P1D); below it the confidence is LOW
 */
public record SavingsProjection(Duration horizon, Duration lookback, Duration minObservation) {

  private static final BigDecimal FULL_TIME_HOURS = Recommender.HOURS_PER_MONTH;
  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);

  public SavingsProjection {
    Objects.requireNonNull(horizon, "horizon");
    Objects.requireNonNull(lookback, "lookback");
    Objects.requireNonNull(minObservation, "minObservation");
    if (horizon.isNegative() || horizon.isZero() || minObservation.isNegative() || minObservation.isZero()
        || lookback.compareTo(minObservation) < 0) {
      throw new IllegalArgumentException("need horizon > 0 and lookback >= minObservation > 0, was " + horizon
          + ", " + lookback + ", " + minObservation);
    }
  }

  /** 30 days projected from up to 7 days observed, the share taken over at least a day. */
  public static SavingsProjection defaults() {
    return new SavingsProjection(Duration.ofDays(30), Duration.ofDays(7), Duration.ofDays(1));
  }

  /** Each recommendation projected over the horizon from {@code pattern}; unchanged when nothing was observed. */
  public List<Recommendation> project(List<Recommendation> recommendations, WastePattern pattern) {
    if (pattern == null || pattern.isEmpty()) {
      return recommendations;
    }
    return recommendations.stream().map(r -> project(r, pattern)).toList();
  }

  /** {@code r} with its savings over the horizon and the estimate that explains them. */
  public Recommendation project(Recommendation r, WastePattern pattern) {
    Duration observed = pattern.observedSpan(lookback);
    Duration wasteful = pattern.wastefulSpan(lookback);
    Duration base = observed.compareTo(minObservation) < 0 ? minObservation : observed;
    BigDecimal share = BigDecimal.valueOf(wasteful.toSeconds())
        .divide(BigDecimal.valueOf(base.toSeconds()), MathContext.DECIMAL64);
    BigDecimal horizonHours = BigDecimal.valueOf(horizon.toSeconds()).divide(SECONDS_PER_HOUR, MathContext.DECIMAL64);
    Money fullTime = r.monthlySavings();
    Money projected = new Money(fullTime.amount().divide(FULL_TIME_HOURS, MathContext.DECIMAL64).multiply(share)
        .multiply(horizonHours).max(BigDecimal.ZERO), fullTime.currency()).rounded();
    SavingsEstimate.Confidence confidence = observed.compareTo(lookback) >= 0 ? SavingsEstimate.Confidence.HIGH
        : observed.compareTo(minObservation) >= 0 ? SavingsEstimate.Confidence.MEDIUM : SavingsEstimate.Confidence.LOW;
    Instant to = pattern.observedUntil();
    SavingsEstimate estimate = new SavingsEstimate(iso(horizon), to.minus(observed), to, iso(observed),
        iso(wasteful), confidence);
    String note = " Estimate over " + iso(horizon) + ": wasteful " + iso(wasteful) + " of " + iso(observed)
        + " observed" + (observed.compareTo(minObservation) < 0 ? " (counted as " + iso(minObservation) + ")" : "")
        + ", so "
        + share.multiply(BigDecimal.valueOf(100)).setScale(1, java.math.RoundingMode.HALF_UP).toPlainString()
        + "% of the full-time " + fullTime + " a month; confidence " + confidence + ".";
    String assumption = baseAssumption(r.assumption());
    return new Recommendation(r.action(), r.rationale(), projected, r.confidence(), r.setting(),
        assumption == null ? note.strip() : assumption + note, estimate);
  }

  /** ISO-8601 with whole days as days ({@code P30D}, {@code P7DT10H}, {@code PT15M}), as people write them. */
  static String iso(Duration d) {
    long days = d.toDays();
    Duration rest = d.minusDays(days);
    if (days == 0) {
      return d.toString();
    }
    return "P" + days + "D" + (rest.isZero() ? "" : rest.toString().substring(1));
  }

  /** An assumption without the note of an earlier projection, so notes do not pile up. */
  private static String baseAssumption(String assumption) {
    int at = assumption == null ? -1 : assumption.indexOf(" Estimate over ");
    return at < 0 ? assumption : assumption.substring(0, at);
  }
}
