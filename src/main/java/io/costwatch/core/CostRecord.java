package io.costwatch.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * One normalised Cost Management line item (EA, MCA, pay-as-you-go or FOCUS).
 *
 * @param lineItemId a stable hash of the fields Microsoft lists as identifying a record, plus basis; a re-export of
 *     the same row yields the same id, so aggregates replace instead of double-counting
 * @param exportScope which export (scope, dataset, month) the row belongs to, for retraction of vanished rows
 * @param schema the detected export flavour, e.g. {@code EA}, {@code MCA}, {@code FOCUS}
 * @param periodStart charge period start, UTC (a legacy {@code Date} is taken as a UTC day)
 * @param periodEnd charge period end, exclusive
 * @param resourceId the row's resource id, lower-cased (may be empty)
 * @param workspace the Azure ML workspace (and compute or deployment) the row belongs to, or null when it is not
 *     an Azure ML row
 * @param cost the cost in {@code currency}; negative for refunds and credits
 * @param vmSize the VM size from {@code AdditionalInfo.ServiceType}, or null
 */
public record CostRecord(
    int schemaVersion,
    String lineItemId,
    String exportScope,
    String schema,
    CostBasis basis,
    ChargeKind chargeKind,
    Instant periodStart,
    Instant periodEnd,
    String resourceId,
    AzureResourceId workspace,
    String serviceName,
    String meterCategory,
    String meterSubCategory,
    String meterName,
    BigDecimal quantity,
    String unit,
    BigDecimal cost,
    String currency,
    String vmSize,
    Map<String, String> tags,
    SourceRef source) implements Versioned<CostRecord> {

  /** 1: the first version; a stored line item without the field (0) has the same fields and reads unchanged. */
  public static final int SCHEMA_VERSION = 1;

  @Override
  public CostRecord upgraded() {
    return schemaVersion >= SCHEMA_VERSION ? this : new CostRecord(SCHEMA_VERSION, lineItemId, exportScope, schema,
        basis, chargeKind, periodStart, periodEnd, resourceId, workspace, serviceName, meterCategory, meterSubCategory,
        meterName, quantity, unit, cost, currency, vmSize, tags, source);
  }

  /** The same line item with another source: what is compared when deciding whether a re-export changed it. */
  public CostRecord withSource(SourceRef value) {
    return new CostRecord(schemaVersion, lineItemId, exportScope, schema, basis, chargeKind, periodStart, periodEnd,
        resourceId, workspace, serviceName, meterCategory, meterSubCategory, meterName, quantity, unit, cost,
        currency, vmSize, tags, value);
  }

  /** The same line item attributed to another workspace (a linked storage account, registry or key vault). */
  public CostRecord withWorkspace(AzureResourceId value) {
    return new CostRecord(schemaVersion, lineItemId, exportScope, schema, basis, chargeKind, periodStart, periodEnd,
        resourceId, value, serviceName, meterCategory, meterSubCategory, meterName, quantity, unit, cost,
        currency, vmSize, tags, source);
  }

  @JsonIgnore
  public Money money() {
    return new Money(cost, currency);
  }

  @JsonIgnore
  public boolean isAzureMl() {
    return workspace != null;
  }
}
