package io.costwatch.ingest.billing;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The export flavours Costwatch reads, each with the header names (matched case-insensitively, first present wins)
 * of every logical {@link Column} and the columns Microsoft lists as identifying a line item. Header names come from
 * Microsoft's dataset-schema pages and the FinOps toolkit schemas; older EA names ({@code Cost},
 * {@code BillingCurrency}) are listed after the current ones.
 */
enum ExportSchema {
  EA(Map.ofEntries(
      Map.entry(Column.DATE, List.of("Date")),
      Map.entry(Column.COST, List.of("CostInBillingCurrency", "Cost")),
      Map.entry(Column.CURRENCY, List.of("BillingCurrencyCode", "BillingCurrency")),
      Map.entry(Column.QUANTITY, List.of("Quantity")),
      Map.entry(Column.UNIT, List.of("UnitOfMeasure")),
      Map.entry(Column.RESOURCE_ID, List.of("ResourceId")),
      Map.entry(Column.METER_CATEGORY, List.of("MeterCategory")),
      Map.entry(Column.METER_SUBCATEGORY, List.of("MeterSubCategory")),
      Map.entry(Column.METER_NAME, List.of("MeterName")),
      Map.entry(Column.SERVICE_NAME, List.of("MeterCategory")),
      Map.entry(Column.ADDITIONAL_INFO, List.of("AdditionalInfo")),
      Map.entry(Column.TAGS, List.of("Tags")),
      Map.entry(Column.CHARGE_TYPE, List.of("ChargeType")),
      Map.entry(Column.BILLING_SCOPE, List.of("BillingAccountId")),
      Map.entry(Column.BILLING_PERIOD_START, List.of("BillingPeriodStartDate"))),
      Identity.LEGACY),
  MCA(Map.ofEntries(
      Map.entry(Column.DATE, List.of("date")),
      Map.entry(Column.COST, List.of("costInBillingCurrency")),
      Map.entry(Column.CURRENCY, List.of("billingCurrency")),
      Map.entry(Column.QUANTITY, List.of("quantity")),
      Map.entry(Column.UNIT, List.of("unitOfMeasure")),
      Map.entry(Column.RESOURCE_ID, List.of("ResourceId")),
      Map.entry(Column.METER_CATEGORY, List.of("meterCategory")),
      Map.entry(Column.METER_SUBCATEGORY, List.of("meterSubCategory")),
      Map.entry(Column.METER_NAME, List.of("meterName")),
      Map.entry(Column.SERVICE_NAME, List.of("meterCategory")),
      Map.entry(Column.ADDITIONAL_INFO, List.of("additionalInfo")),
      Map.entry(Column.TAGS, List.of("tags")),
      Map.entry(Column.CHARGE_TYPE, List.of("chargeType")),
      Map.entry(Column.BILLING_SCOPE, List.of("billingProfileId", "billingAccountId")),
      Map.entry(Column.BILLING_PERIOD_START, List.of("billingPeriodStartDate"))),
      Identity.LEGACY),
  PAYG(Map.ofEntries(
      Map.entry(Column.DATE, List.of("UsageDateTime")),
      Map.entry(Column.COST, List.of("PreTaxCost")),
      Map.entry(Column.CURRENCY, List.of("Currency")),
      Map.entry(Column.QUANTITY, List.of("UsageQuantity")),
      Map.entry(Column.UNIT, List.of("UnitOfMeasure")),
      Map.entry(Column.RESOURCE_ID, List.of("InstanceId")),
      Map.entry(Column.METER_CATEGORY, List.of("MeterCategory")),
      Map.entry(Column.METER_SUBCATEGORY, List.of("MeterSubCategory")),
      Map.entry(Column.METER_NAME, List.of("MeterName")),
      Map.entry(Column.SERVICE_NAME, List.of("ServiceName", "MeterCategory")),
      Map.entry(Column.ADDITIONAL_INFO, List.of("AdditionalInfo")),
      Map.entry(Column.TAGS, List.of("Tags")),
      Map.entry(Column.BILLING_SCOPE, List.of("SubscriptionGuid"))),
      Identity.PAYG),
  FOCUS(Map.ofEntries(
      Map.entry(Column.DATE, List.of("ChargePeriodStart")),
      Map.entry(Column.PERIOD_END, List.of("ChargePeriodEnd")),
      Map.entry(Column.COST, List.of("BilledCost")),
      Map.entry(Column.CURRENCY, List.of("BillingCurrency")),
      Map.entry(Column.QUANTITY, List.of("ConsumedQuantity")),
      Map.entry(Column.UNIT, List.of("ConsumedUnit")),
      Map.entry(Column.RESOURCE_ID, List.of("ResourceId")),
      Map.entry(Column.METER_CATEGORY, List.of("x_SkuMeterCategory")),
      Map.entry(Column.METER_SUBCATEGORY, List.of("x_SkuMeterSubcategory")),
      Map.entry(Column.METER_NAME, List.of("SkuMeter", "x_SkuMeterName")),
      Map.entry(Column.SERVICE_NAME, List.of("ServiceName")),
      Map.entry(Column.ADDITIONAL_INFO, List.of("SkuPriceDetails", "x_SkuDetails")),
      Map.entry(Column.TAGS, List.of("Tags")),
      Map.entry(Column.CHARGE_TYPE, List.of("ChargeCategory")),
      Map.entry(Column.CHARGE_CLASS, List.of("ChargeClass")),
      Map.entry(Column.COMMITMENT_STATUS, List.of("CommitmentDiscountStatus")),
      Map.entry(Column.BILLING_SCOPE, List.of("BillingAccountId")),
      Map.entry(Column.BILLING_PERIOD_START, List.of("BillingPeriodStart"))),
      Identity.FOCUS);

  private final Map<Column, List<String>> candidates;
  private final List<String> identityColumns;

  ExportSchema(Map<Column, List<String>> candidates, List<String> identityColumns) {
    this.candidates = new EnumMap<>(candidates);
    this.identityColumns = identityColumns;
  }

  List<String> candidates(Column column) {
    return candidates.getOrDefault(column, List.of());
  }

  /**
   * The raw columns that, with the parsed period and resource id, identify a line item. The date and resource id
   * columns are left out here: identity uses their parsed, normalised values instead.
   */
  List<String> identityColumns() {
    return identityColumns;
  }

  /** Identity column lists, kept apart so the enum constants stay readable. */
  private static final class Identity {
    static final List<String> LEGACY = List.of("AccountOwnerId", "AdditionalInfo", "BillingAccountId",
        "BillingProfileId", "CostCenter", "InvoiceSectionId", "MeterId", "OfferId", "PartNumber", "ProductId",
        "ResourceLocation", "ServiceInfo1", "ServiceInfo2", "SubscriptionId", "Tags", "BenefitId");
    static final List<String> PAYG = List.of("SubscriptionGuid", "AdditionalInfo", "MeterId", "OfferId",
        "ResourceLocation", "ServiceInfo1", "ServiceInfo2", "Tags");
    static final List<String> FOCUS = List.of("BillingAccountId", "SubAccountId", "SkuId", "SkuPriceId",
        "x_SkuMeterId", "ChargeCategory", "ChargeClass", "CommitmentDiscountId", "PricingCategory", "Tags",
        "x_SkuDetails", "SkuPriceDetails", "RegionId", "ChargeDescription");

    private Identity() {
    }
  }
}
