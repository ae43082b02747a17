package io.costwatch.core;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/** An amount in one currency. Amounts in different currencies are never added together. */
public record Money(BigDecimal amount, String currency) {

  public Money {
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(currency, "currency");
  }

  public static Money of(String amount, String currency) {
    return new Money(new BigDecimal(amount), currency);
  }

  public static Money zero(String currency) {
    return new Money(BigDecimal.ZERO, currency);
  }

  public Money plus(Money other) {
    requireSameCurrency(other);
    return new Money(amount.add(other.amount), currency);
  }

  public Money minus(Money other) {
    requireSameCurrency(other);
    return new Money(amount.subtract(other.amount), currency);
  }

  public Money times(BigDecimal factor) {
    return new Money(amount.multiply(factor), currency);
  }

  /** Rounded to cents for display and for event payloads. */
  public Money rounded() {
    return new Money(amount.setScale(2, RoundingMode.HALF_UP), currency);
  }

  /** Rounded to 4 decimals: prices per hour keep sub-cent precision. */
  public Money rounded4() {
    return new Money(amount.setScale(4, RoundingMode.HALF_UP), currency);
  }

  private void requireSameCurrency(Money other) {
    if (!currency.equals(other.currency)) {
      throw new IllegalArgumentException("currency mismatch: " + currency + " vs " + other.currency);
    }
  }

  @Override
  public String toString() {
    return rounded().amount.toPlainString() + " " + currency;
  }
}
