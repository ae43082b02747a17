package io.costwatch.detect;

import java.math.BigDecimal;

/** Severity tiers, chosen by the dollar impact of a finding against per-rule tier floors. */
public enum Severity {
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  /** The highest tier whose floor the amount reaches; floors are {@code [medium, high, critical]}. */
  public static Severity byImpact(BigDecimal amount, BigDecimal medium, BigDecimal high, BigDecimal critical) {
    if (amount.compareTo(critical) >= 0) {
      return CRITICAL;
    }
    if (amount.compareTo(high) >= 0) {
      return HIGH;
    }
    return amount.compareTo(medium) >= 0 ? MEDIUM : LOW;
  }
}
