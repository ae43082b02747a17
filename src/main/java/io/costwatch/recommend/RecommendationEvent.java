package io.costwatch.recommend;

import io.costwatch.core.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * One recommended action for one finding, with its estimated monthly savings and the assumption behind it.
 *
 * @param setting the exact Azure ML setting to change, e.g. {@code minNodeCount=0}, or null
 * @param estimatedMonthlySavings the saving over {@code savingsEstimate.horizon} (P30D) projected from the
 *     observed pattern (not the latest window extrapolated to a month)
 * @param confidence 0..1: how sure the pricing is (lower when the VM size was assumed, not known)
 * @param savingsEstimate horizon, observation and confidence of the savings estimate (null for a recommendation
 *     made without an observed pattern)
 */
public record RecommendationEvent(
    int schemaVersion,
    String recommendationId,
    String alertId,
    String workspaceId,
    String resourceId,
    String action,
    String rationale,
    Money estimatedMonthlySavings,
    BigDecimal confidence,
    String setting,
    String assumption,
    Instant windowStart,
    Instant windowEnd,
    Map<String, BigDecimal> evidence,
    SavingsEstimate savingsEstimate) {

  public static final int SCHEMA_VERSION = 1;
}
