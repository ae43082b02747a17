package io.costwatch.core;

/**
 * What a billing line item is. Only {@link #USAGE} counts towards usage spend spikes; purchases, refunds, credits
 * and rounding rows are legitimate (often negative) money that must never be clamped or dropped, but they are not
 * usage anomalies.
 */
public enum ChargeKind {
  USAGE,
  PURCHASE,
  REFUND,
  CREDIT,
  TAX,
  ADJUSTMENT,
  ROUNDING,
  UNUSED_COMMITMENT;

  public boolean isUsage() {
    return this == USAGE;
  }
}
