package io.costwatch.ingest.billing;

import io.costwatch.core.ChargeKind;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Maps EA/MCA {@code ChargeType} and FOCUS charge columns to {@link ChargeKind}. */
final class ChargeKinds {

  private static final Map<String, ChargeKind> LEGACY = Map.of(
      "usage", ChargeKind.USAGE,
      "purchase", ChargeKind.PURCHASE,
      "refund", ChargeKind.REFUND,
      "credit", ChargeKind.CREDIT,
      "tax", ChargeKind.TAX,
      "adjustment", ChargeKind.ADJUSTMENT,
      "roundingadjustment", ChargeKind.ROUNDING,
      "unusedreservation", ChargeKind.UNUSED_COMMITMENT,
      "unusedsavingsplan", ChargeKind.UNUSED_COMMITMENT);

  private static final Map<String, ChargeKind> FOCUS = Map.of(
      "usage", ChargeKind.USAGE,
      "purchase", ChargeKind.PURCHASE,
      "tax", ChargeKind.TAX,
      "credit", ChargeKind.CREDIT,
      "adjustment", ChargeKind.ADJUSTMENT);

  private ChargeKinds() {
  }

  /** An empty {@code ChargeType} (pay-as-you-go has no such column) is usage. */
  static Optional<ChargeKind> legacy(String chargeType) {
    if (chargeType.isEmpty()) {
      return Optional.of(ChargeKind.USAGE);
    }
    return Optional.ofNullable(LEGACY.get(key(chargeType)));
  }

  /**
   * FOCUS encodes refunds as {@code ChargeClass=Correction} and unused reservations or savings plans as
   * {@code CommitmentDiscountStatus=Unused}; both take precedence over {@code ChargeCategory}.
   */
  static Optional<ChargeKind> focus(String category, String chargeClass, String commitmentStatus) {
    if (key(chargeClass).equals("correction")) {
      return Optional.of(ChargeKind.REFUND);
    }
    if (key(commitmentStatus).equals("unused")) {
      return Optional.of(ChargeKind.UNUSED_COMMITMENT);
    }
    return Optional.ofNullable(FOCUS.get(key(category)));
  }

  private static String key(String value) {
    return value.replace(" ", "").toLowerCase(Locale.ROOT);
  }
}
