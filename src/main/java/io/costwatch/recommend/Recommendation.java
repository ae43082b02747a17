package io.costwatch.recommend;

import io.costwatch.core.Money;
import java.math.BigDecimal;

/**
 * A recommended action before it is tied to an alert id (see {@code AlertFactory}).
 *
 * @param monthlySavings as priced by {@link Recommender}: if the pattern held all 730 h of a month; once
 *     {@link SavingsProjection projected}, over the estimate's horizon from the observed pattern
 * @param confidence 0..1: how sure the pricing is (lower when the VM size or a discount was assumed)
 * @param estimate how the savings were projected from the observed pattern, null before projection
 */
public record Recommendation(String action, String rationale, Money monthlySavings, BigDecimal confidence,
    String setting, String assumption, SavingsEstimate estimate) {

  /** A recommendation as priced, before projection. */
  public Recommendation(String action, String rationale, Money monthlySavings, BigDecimal confidence,
      String setting, String assumption) {
    this(action, rationale, monthlySavings, confidence, setting, assumption, null);
  }
}
