package io.costwatch.ingest.billing;

/**
 * The logical columns the parser reads, independent of how an export flavour spells them. {@link ExportSchema}
 * maps each to the header names of one flavour.
 */
enum Column {
  /** The charge date (EA/MCA {@code Date}, PAYG {@code UsageDateTime}) or FOCUS {@code ChargePeriodStart}. */
  DATE,
  /** FOCUS {@code ChargePeriodEnd}; legacy flavours have one-day rows and no end column. */
  PERIOD_END,
  COST,
  CURRENCY,
  QUANTITY,
  UNIT,
  RESOURCE_ID,
  METER_CATEGORY,
  METER_SUBCATEGORY,
  METER_NAME,
  SERVICE_NAME,
  ADDITIONAL_INFO,
  TAGS,
  /** EA/MCA {@code ChargeType}, FOCUS {@code ChargeCategory}. */
  CHARGE_TYPE,
  CHARGE_CLASS,
  COMMITMENT_STATUS,
  /** The billing account (EA, FOCUS), billing profile (MCA) or subscription (PAYG) the export is scoped to. */
  BILLING_SCOPE,
  BILLING_PERIOD_START
}
