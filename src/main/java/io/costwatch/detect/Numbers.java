package io.costwatch.detect;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Rounding for values that end up in events: stable decimal text, no binary-double noise. */
final class Numbers {

  private Numbers() {
  }

  static BigDecimal dec(double value) {
    return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP);
  }

  static String pct(double value) {
    return dec(value).stripTrailingZeros().toPlainString() + "%";
  }
}
