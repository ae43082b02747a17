package io.costwatch.testing;

import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.ingest.RawBillingRow;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Builders for test inputs in the real Azure formats. */
public final class Fixtures {

  public static final String SUB = "00000000-0000-0000-0000-000000000001";

  private Fixtures() {
  }

  public static String workspaceId(String name) {
    return "/subscriptions/" + SUB + "/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/"
        + name;
  }

  public static AppConfig config() {
    return ConfigLoader.load(Map.of("COSTWATCH_COMPUTE_SKUS", "ws-a/gpu1=Standard_NC24ads_A100_v4"));
  }

  /** One metric record in DCR-export shape (capitalised string aggregates, with a ClusterName dimension). */
  public static String dcrRecord(String workspace, String cluster, String metric, Instant time, double average) {
    return String.format(Locale.ROOT, "{\"Average\":\"%s\",\"Count\":\"1\",\"Maximum\":\"%s\",\"Minimum\":\"%s\","
            + "\"Total\":\"%s\",\"resourceId\":\"%s\",\"time\":\"%s\",\"unit\":\"Count\",\"metricName\":\"%s\","
            + "\"timeGrain\":\"PT1M\",\"dimension\":{\"ClusterName\":\"%s\"}}", average, average, average, average,
        workspaceId(workspace).toUpperCase(Locale.ROOT), time, metric, cluster);
  }

  /** One metric record in diagnostic-settings shape (lower-case numeric aggregates, no dimensions). */
  public static String diagnosticRecord(String workspace, String metric, Instant time, double average) {
    return String.format(Locale.ROOT, "{\"count\":1,\"total\":%s,\"minimum\":%s,\"maximum\":%s,\"average\":%s,"
            + "\"resourceId\":\"%s\",\"time\":\"%s\",\"metricName\":\"%s\",\"timeGrain\":\"PT1M\"}", average, average,
        average, average, workspaceId(workspace).toUpperCase(Locale.ROOT), time, metric);
  }

  public static String body(List<String> records) {
    return "{\"records\":[" + String.join(",", records) + "]}";
  }

  /** Minute-level records of a cluster: GPU utilisation, active and idle nodes, for {@code minutes} minutes. */
  public static List<String> cluster(String workspace, String cluster, Instant start, int minutes, double gpu,
      double activeNodes, double idleNodes) {
    List<String> out = new ArrayList<>();
    for (int m = 0; m < minutes; m++) {
      Instant t = start.plusSeconds(60L * m);
      out.add(dcrRecord(workspace, cluster, "GpuUtilization", t, gpu));
      out.add(dcrRecord(workspace, cluster, "Active Nodes", t, activeNodes));
      out.add(dcrRecord(workspace, cluster, "Idle Nodes", t, idleNodes));
    }
    return out;
  }

  private static final String[] EA_HEADER = ("InvoiceSectionName,AccountName,AccountOwnerId,SubscriptionId,"
      + "SubscriptionName,ResourceGroup,ResourceLocation,Date,ProductName,MeterCategory,MeterSubCategory,MeterId,"
      + "MeterName,MeterRegion,UnitOfMeasure,Quantity,EffectivePrice,CostInBillingCurrency,CostCenter,"
      + "ConsumedService,ResourceId,Tags,OfferId,AdditionalInfo,ServiceInfo1,ServiceInfo2,ResourceName,ReservationId,"
      + "ReservationName,UnitPrice,ProductOrderId,ProductOrderName,Term,PublisherType,PublisherName,ChargeType,"
      + "Frequency,PricingModel,AvailabilityZone,BillingAccountId,BillingAccountName,BillingCurrencyCode,"
      + "BillingPeriodStartDate,BillingPeriodEndDate,BillingProfileId,BillingProfileName,InvoiceSectionId,"
      + "IsAzureCreditEligible,PartNumber,PayGPrice,PlanName,ServiceFamily,CostAllocationRuleName,benefitId,"
      + "benefitName,AccountId,ResourceLocationNormalized").split(",");

  /** The EA 2024-08-01 actual-cost header, in column order. */
  public static List<String> eaHeader() {
    return List.of(EA_HEADER);
  }

  /** An EA 2024-08-01 actual-cost row for a workspace's compute. */
  public static RawBillingRow eaRow(String file, long line, String workspace, String compute, LocalDate date,
      String cost, String chargeType, String meterId) {
    Map<String, String> row = new LinkedHashMap<>();
    for (String h : EA_HEADER) {
      row.put(h, "");
    }
    String us = date.format(DateTimeFormatter.ofPattern("MM/dd/yyyy"));
    row.put("SubscriptionId", SUB);
    row.put("ResourceGroup", "rg-ml");
    row.put("ResourceLocation", "eastus");
    row.put("Date", us);
    row.put("MeterCategory", "Virtual Machines");
    row.put("MeterSubCategory", "NCads A100 v4 Series");
    row.put("MeterId", meterId);
    row.put("MeterName", "NC24ads A100 v4");
    row.put("UnitOfMeasure", "1 Hour");
    row.put("Quantity", "10");
    row.put("CostInBillingCurrency", cost);
    row.put("ConsumedService", "Microsoft.MachineLearningServices");
    row.put("ResourceId", workspaceId(workspace) + (compute == null ? "" : "/computes/" + compute));
    row.put("AdditionalInfo", "{\"ServiceType\":\"Standard_NC24ads_A100_v4\"}");
    row.put("ChargeType", chargeType);
    row.put("Frequency", "UsageBased");
    row.put("PricingModel", "On Demand");
    row.put("BillingAccountId", "12345678");
    row.put("BillingCurrencyCode", "USD");
    row.put("BillingPeriodStartDate", date.withDayOfMonth(1).format(DateTimeFormatter.ofPattern("MM/dd/yyyy")));
    row.put("BillingPeriodEndDate", date.withDayOfMonth(date.lengthOfMonth())
        .format(DateTimeFormatter.ofPattern("MM/dd/yyyy")));
    row.put("BillingProfileId", "12345678");
    return new RawBillingRow(RawBillingRow.SCHEMA_VERSION, file, line, file, row, null);
  }

  /** Writes {@code rows} (made by {@link #eaRow}) as an EA export CSV file, header first, creating its folder. */
  public static void writeEaExport(Path file, List<RawBillingRow> rows)
      throws IOException {
    Files.createDirectories(file.getParent());
    try (Writer w = Files.newBufferedWriter(file);
        CSVPrinter csv = new CSVPrinter(w,
            CSVFormat.RFC4180.builder().setHeader(EA_HEADER).get())) {
      for (RawBillingRow row : rows) {
        csv.printRecord(Arrays.stream(EA_HEADER).map(row.columns()::get).toList());
      }
    }
  }
}
