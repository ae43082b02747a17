package io.costwatch.recommend;

import io.costwatch.core.Money;
import java.math.BigDecimal;

/** A recommended action before it is tied to an alert id (see {@code AlertFactory}). */
public record Recommendation(String action, String rationale, Money monthlySavings, BigDecimal confidence,
    String setting, String assumption) {
}
