package io.costwatch.recommend;

import io.costwatch.detect.Reconciliation;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Optional;

/**
 * The factor that corrects a workspace's later telemetry estimates: the latest comparable reconciliation's ratio of
 * billed to estimated cost, clamped by the reconciliation rules. The value of the compacted
 * {@code costwatch.price-corrections.v1} topic, keyed by {@link NodePricing#correctionKey}, read back as a global
 * table.
 *
 * @param day the reconciled day the factor was learnt from
 */
public record PriceCorrection(int schemaVersion, String workspaceId, LocalDate day, String currency,
    BigDecimal factor) {

  public static final int SCHEMA_VERSION = 1;

  /** The correction a reconciliation teaches, empty when its estimate and bill are not comparable. */
  public static Optional<PriceCorrection> of(Reconciliation reconciliation) {
    if (!reconciliation.comparable()) {
      return Optional.empty();
    }
    return Optional.of(new PriceCorrection(SCHEMA_VERSION, reconciliation.workspace().workspaceId(),
        reconciliation.day(), reconciliation.billed().currency(), reconciliation.correctionFactor()));
  }
}
