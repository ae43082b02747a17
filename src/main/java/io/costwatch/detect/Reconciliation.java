package io.costwatch.detect;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.Money;
import io.costwatch.core.Versioned;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One workspace-day's telemetry estimate (node-hours x list price) against what billing charged for it, and the
 * bounded factor that corrects later telemetry estimates of the same workspace.
 *
 * <p>Billing arrives 8-24 h late and is rerated until invoice close, while telemetry estimates are live; the factor
 * carries what billing taught (discounts, a different region's price, a wrong assumed VM size) into the live
 * estimates. It is clamped, because a ratio far from 1 means the two sides count different things, not a price
 * difference.
 *
 * @param ratio billed / estimated, 4 decimals; null when the pair is not comparable (see {@code note})
 * @param correctionFactor the ratio clamped to the rules' bounds; exactly 1 when not comparable
 * @param clamped whether the clamp changed the ratio
 * @param note why the pair is not comparable, or why the factor was clamped; null otherwise
 * @param schemaVersion {@link #SCHEMA_VERSION}; 0 in state written before the field existed
 */
public record Reconciliation(
    int schemaVersion,
    AzureResourceId workspace,
    LocalDate day,
    Money estimated,
    Money billed,
    BigDecimal ratio,
    BigDecimal correctionFactor,
    boolean clamped,
    String note) implements Versioned<Reconciliation> {

  /** 1: the field exists; version 0 has the same fields and reads unchanged. */
  public static final int SCHEMA_VERSION = 1;

  @Override
  public Reconciliation upgraded() {
    return schemaVersion >= SCHEMA_VERSION ? this : new Reconciliation(SCHEMA_VERSION, workspace, day, estimated,
        billed, ratio, correctionFactor, clamped, note);
  }

  public static Reconciliation of(AzureResourceId workspace, LocalDate day, Money estimatedFromTelemetry,
      Money billed) {
    return of(workspace, day, estimatedFromTelemetry, billed, ReconciliationRules.defaults());
  }

  public static Reconciliation of(AzureResourceId workspace, LocalDate day, Money estimatedFromTelemetry,
      Money billed, ReconciliationRules rules) {
    Objects.requireNonNull(estimatedFromTelemetry, "estimatedFromTelemetry");
    Objects.requireNonNull(billed, "billed");
    if (!estimatedFromTelemetry.currency().equals(billed.currency())) {
      return notComparable(workspace, day, estimatedFromTelemetry, billed, "currency differs: estimate in "
          + estimatedFromTelemetry.currency() + ", billing in " + billed.currency());
    }
    if (estimatedFromTelemetry.amount().compareTo(rules.minEstimated()) < 0
        || estimatedFromTelemetry.amount().signum() <= 0) {
      return notComparable(workspace, day, estimatedFromTelemetry, billed, "telemetry estimate "
          + estimatedFromTelemetry + " is below the minimum " + rules.minEstimated());
    }
    if (billed.amount().signum() <= 0) {
      return notComparable(workspace, day, estimatedFromTelemetry, billed, "billed " + billed
          + " is not positive (credits or refunds dominate the day)");
    }
    BigDecimal ratio = billed.amount().divide(estimatedFromTelemetry.amount(), MathContext.DECIMAL64)
        .setScale(4, RoundingMode.HALF_UP);
    BigDecimal factor = rules.clamp(ratio);
    boolean clamped = factor.compareTo(ratio) != 0;
    return new Reconciliation(SCHEMA_VERSION, workspace, day, estimatedFromTelemetry, billed, ratio, factor, clamped,
        clamped ? "ratio " + ratio.toPlainString() + " outside " + rules.minFactor().toPlainString() + ".."
            + rules.maxFactor().toPlainString() + ": check the VM size and non-VM charges" : null);
  }

  private static Reconciliation notComparable(AzureResourceId workspace, LocalDate day, Money estimated,
      Money billed, String why) {
    return new Reconciliation(SCHEMA_VERSION, workspace, day, estimated, billed, null, BigDecimal.ONE, false, why);
  }

  public boolean comparable() {
    return ratio != null;
  }

  /** A later telemetry estimate of the same workspace, multiplied by the bounded correction factor. */
  public Money correct(Money laterEstimate) {
    if (!comparable()) {
      return laterEstimate;
    }
    if (!laterEstimate.currency().equals(billed.currency())) {
      throw new IllegalArgumentException("currency mismatch: correction learnt in " + billed.currency()
          + ", estimate in " + laterEstimate.currency());
    }
    return laterEstimate.times(correctionFactor);
  }
}
