package io.costwatch.detect;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/** The estimated burn rate (currency units per hour) of one scope in the window starting at {@code windowStart}. */
public record BurnRatePoint(Instant windowStart, BigDecimal burnRate) {

  public BurnRatePoint {
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(burnRate, "burnRate");
  }
}
