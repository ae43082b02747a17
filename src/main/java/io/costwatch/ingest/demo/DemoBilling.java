package io.costwatch.ingest.demo;

import io.costwatch.ingest.RawBillingRow;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The demo's 14 days of EA actual-cost rows (schema 2024-08-01, US dates). Daily usage is node-hours times the
 * East US pay-as-you-go price of the cluster's VM size, with +-8% noise and half the hours on weekends for the
 * clusters that scale with work. Rows are timestamped at the start of the day they describe.
 */
final class DemoBilling {

  /** EA 2024-08-01 columns, in the documented order. */
  static final List<String> EA_COLUMNS = List.of("InvoiceSectionName", "AccountName", "AccountOwnerId",
      "SubscriptionId", "SubscriptionName", "ResourceGroup", "ResourceLocation", "Date", "ProductName",
      "MeterCategory", "MeterSubCategory", "MeterId", "MeterName", "MeterRegion", "UnitOfMeasure", "Quantity",
      "EffectivePrice", "CostInBillingCurrency", "CostCenter", "ConsumedService", "ResourceId", "Tags", "OfferId",
      "AdditionalInfo", "ServiceInfo1", "ServiceInfo2", "ResourceName", "ReservationId", "ReservationName",
      "UnitPrice", "ProductOrderId", "ProductOrderName", "Term", "PublisherType", "PublisherName", "ChargeType",
      "Frequency", "PricingModel", "AvailabilityZone", "BillingAccountId", "BillingAccountName",
      "BillingCurrencyCode", "BillingPeriodStartDate", "BillingPeriodEndDate", "BillingProfileId",
      "BillingProfileName", "InvoiceSectionId", "IsAzureCreditEligible", "PartNumber", "PayGPrice", "PlanName",
      "ServiceFamily", "CostAllocationRuleName", "benefitId", "benefitName", "AccountId",
      "ResourceLocationNormalized");

  static final String FILE = "demo/ea-actual-cost-2024-08-01.csv";
  static final int PURCHASE_DAY = 9;
  static final int REFUND_DAY = 10;
  static final BigDecimal PURCHASE_COST = new BigDecimal("19306.08");
  static final BigDecimal REFUND_COST = new BigDecimal("-2678.40");

  private static final DateTimeFormatter US_DATE = DateTimeFormatter.ofPattern("MM/dd/yyyy", Locale.ROOT);

  /** Price list facts per VM size (East US, Linux, pay-as-you-go, USD/hour). */
  private record Sku(String series, String meterName, int vcpus, BigDecimal hourly) {}

  private static final Map<String, Sku> SKUS = Map.of(
      "Standard_NC24ads_A100_v4", new Sku("NCads A100 v4 Series", "NC24ads A100 v4", 24, new BigDecimal("3.673")),
      "Standard_ND96asr_v4", new Sku("NDasr A100 v4 Series", "ND96asr A100 v4", 96, new BigDecimal("27.197")),
      "Standard_NC4as_T4_v3", new Sku("NCasT4 v3 Series", "NC4as T4 v3", 4, new BigDecimal("0.526")),
      "Standard_NC6s_v3", new Sku("NCSv3 Series", "NC6s v3", 6, new BigDecimal("3.06")),
      "Standard_D4s_v3", new Sku("DSv3 Series", "D4s v3", 4, new BigDecimal("0.192")));

  private final Random random;
  private final String exportRun;
  private final List<DemoEvent> events = new ArrayList<>();

  DemoBilling(long seed) {
    this.random = new Random(seed);
    this.exportRun = "demo-" + seed;
  }

  List<DemoEvent> events(Instant start) {
    for (int day = 0; day < DemoScenario.BILLING_DAYS; day++) {
      Instant time = start.plus(Duration.ofDays(day));
      LocalDate date = LocalDate.ofInstant(time, ZoneOffset.UTC);
      double workload = isWeekend(date) ? 0.5 : 1.0;
      // always-on nodes (min nodes > 0) bill every hour regardless of work
      usage(time, "ws-vision", "gpu-a100", new BigDecimal("48"));
      usage(time, "ws-vision", "gpu-train", hours(40 * workload));
      usage(time, "ws-nlp", "gpu-t4", hours(day == DemoScenario.SPIKE_DAY ? 4 * 260 : 260 * workload));
      usage(time, "ws-nlp", null, new BigDecimal("24"));
      usage(time, "ws-forecast", "gpu-v100", hours(20 * workload));
      usage(time, "ws-forecast", "cpu-pool", new BigDecimal("48"));
      if (day == PURCHASE_DAY) {
        commitment(time, "ws-vision", "Purchase", PURCHASE_COST, "Standard_NC24ads_A100_v4");
      }
      if (day == REFUND_DAY) {
        commitment(time, "ws-forecast", "Refund", REFUND_COST, "Standard_NC6s_v3");
      }
    }
    return events;
  }

  /** One day of VM usage of a cluster, or (cluster null) of the workspace's managed online endpoint. */
  private void usage(Instant time, String workspace, String cluster, BigDecimal quantity) {
    String size = cluster == null ? "Standard_NC4as_T4_v3" : DemoScenario.CLUSTER_SKUS.get(workspace + "/" + cluster);
    Sku sku = SKUS.get(size);
    String resourceId = DemoScenario.WORKSPACES.get(workspace) + (cluster == null ? "" : "/computes/" + cluster);
    Map<String, String> row = base(time, workspace, size, sku);
    row.put("UnitOfMeasure", "1 Hour");
    row.put("Quantity", quantity.toPlainString());
    row.put("EffectivePrice", sku.hourly().toPlainString());
    row.put("UnitPrice", sku.hourly().toPlainString());
    row.put("PayGPrice", sku.hourly().toPlainString());
    row.put("CostInBillingCurrency", quantity.multiply(sku.hourly()).setScale(6, RoundingMode.HALF_UP)
        .toPlainString());
    row.put("ConsumedService", "Microsoft.MachineLearningServices");
    row.put("ResourceId", resourceId);
    row.put("ResourceName", cluster == null ? workspace : cluster);
    row.put("AdditionalInfo", String.format(Locale.ROOT, "{\"UsageType\":\"ComputeHR\",\"ImageType\":\"Canonical\","
        + "\"ServiceType\":\"%s\",\"VMName\":null,\"VCPUs\":%d}", size, sku.vcpus()));
    row.put("ChargeType", "Usage");
    row.put("Frequency", "UsageBased");
    row.put("PricingModel", "On Demand");
    add(time, workspace, row);
  }

  /**
   * A reservation purchase or refund. Real commitment rows often carry no ResourceId; these name the workspace on
   * purpose, so a spend rule that summed every charge type would see a huge "spike" there.
   */
  private void commitment(Instant time, String workspace, String chargeType, BigDecimal cost, String size) {
    Sku sku = SKUS.get(size);
    Map<String, String> row = base(time, workspace, size, sku);
    String order = uuid("order-" + size);
    row.put("UnitOfMeasure", "1 Hour");
    row.put("Quantity", "1");
    row.put("EffectivePrice", cost.abs().toPlainString());
    row.put("UnitPrice", cost.abs().toPlainString());
    row.put("PayGPrice", "0");
    row.put("CostInBillingCurrency", cost.toPlainString());
    row.put("ConsumedService", "Microsoft.Capacity");
    row.put("ResourceId", DemoScenario.WORKSPACES.get(workspace));
    row.put("ResourceName", workspace);
    row.put("ReservationId", uuid("reservation-" + size));
    row.put("ReservationName", "RI_" + size.substring("Standard_".length()) + "_eastus");
    row.put("ProductOrderId", order);
    row.put("ProductOrderName", "Reserved VM Instance, " + size + ", US East, 1 Year");
    row.put("Term", "12");
    row.put("AdditionalInfo", "{\"ServiceType\":\"" + size + "\"}");
    row.put("ChargeType", chargeType);
    row.put("Frequency", "OneTime");
    row.put("PricingModel", "Reservation");
    add(time, workspace, row);
  }

  private Map<String, String> base(Instant time, String workspace, String size, Sku sku) {
    LocalDate date = LocalDate.ofInstant(time, ZoneOffset.UTC);
    Map<String, String> row = new LinkedHashMap<>();
    EA_COLUMNS.forEach(c -> row.put(c, ""));
    row.put("InvoiceSectionName", "ML Dept");
    row.put("AccountName", "ML Account");
    row.put("AccountOwnerId", "owner@contoso.example");
    row.put("SubscriptionId", DemoScenario.SUBSCRIPTION_ID);
    row.put("SubscriptionName", "ml-prod");
    row.put("ResourceGroup", DemoScenario.RESOURCE_GROUP);
    row.put("ResourceLocation", "eastus");
    row.put("Date", US_DATE.format(date));
    row.put("ProductName", "Virtual Machines " + sku.series() + " - " + sku.meterName() + " - US East");
    row.put("MeterCategory", "Virtual Machines");
    row.put("MeterSubCategory", sku.series());
    row.put("MeterId", uuid("meter-" + size));
    row.put("MeterName", sku.meterName());
    row.put("MeterRegion", "US East");
    row.put("Tags", "\"project\": \"" + workspace.substring("ws-".length()) + "\",\"owner\": \"ml-platform\"");
    row.put("OfferId", "MS-AZR-0017P");
    row.put("PublisherType", "Azure");
    row.put("PublisherName", "Microsoft");
    row.put("BillingAccountId", "12345678");
    row.put("BillingAccountName", "Contoso");
    row.put("BillingCurrencyCode", "USD");
    row.put("BillingPeriodStartDate", US_DATE.format(date.withDayOfMonth(1)));
    row.put("BillingPeriodEndDate", US_DATE.format(date.withDayOfMonth(date.lengthOfMonth())));
    row.put("BillingProfileId", "12345678");
    row.put("BillingProfileName", "Contoso");
    row.put("InvoiceSectionId", "100");
    row.put("IsAzureCreditEligible", "True");
    row.put("ServiceFamily", "Compute");
    row.put("AccountId", "200");
    row.put("ResourceLocationNormalized", "eastus");
    return row;
  }

  private void add(Instant time, String workspace, Map<String, String> columns) {
    long line = events.size() + 2L; // line 1 is the header
    RawBillingRow row = new RawBillingRow(RawBillingRow.SCHEMA_VERSION, FILE, line, exportRun,
        java.util.Collections.unmodifiableMap(columns), null);
    events.add(new DemoEvent(DemoEvent.Kind.BILLING, DemoScenario.key(workspace), row, time));
  }

  /** Node-hours with +-8% day-to-day noise. */
  private BigDecimal hours(double nominal) {
    double noisy = nominal * (1 + 0.08 * (2 * random.nextDouble() - 1));
    return BigDecimal.valueOf(noisy).setScale(4, RoundingMode.HALF_UP);
  }

  private static boolean isWeekend(LocalDate date) {
    return date.getDayOfWeek() == DayOfWeek.SATURDAY || date.getDayOfWeek() == DayOfWeek.SUNDAY;
  }

  private static String uuid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  }
}
