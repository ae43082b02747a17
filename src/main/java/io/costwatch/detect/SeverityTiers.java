package io.costwatch.detect;

import java.math.BigDecimal;

/** Dollar floors of the MEDIUM, HIGH and CRITICAL tiers for one rule (impact in the rule's own period). */
public record SeverityTiers(BigDecimal medium, BigDecimal high, BigDecimal critical) {

  public Severity of(BigDecimal impact) {
    return Severity.byImpact(impact.abs(), medium, high, critical);
  }
}
