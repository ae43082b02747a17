package io.costwatch.ingest.billing;

import static io.costwatch.ingest.billing.BillingFixtures.parsed;
import static io.costwatch.ingest.billing.BillingFixtures.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.ChargeKind;
import io.costwatch.core.CostBasis;
import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.core.ScopeKind;
import io.costwatch.core.SourceRef;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingFixtures.Row;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BillingRowParserTest {

  private static final String WS =
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws-vision";

  private final BillingRowParser parser = new BillingRowParser();

  private static Row ea() {
    return Row.of(BillingFixtures.EA_2024).set("Date", "06/15/2025").set("CostInBillingCurrency", "20.2015")
        .set("BillingCurrencyCode", "USD").set("ChargeType", "Usage").set("BillingAccountId", "12345678")
        .set("BillingPeriodStartDate", "06/01/2025").set("ResourceId", WS);
  }

  private static Row focus() {
    return Row.of(BillingFixtures.FOCUS_MS).set("ChargePeriodStart", "2025-06-15T00:00:00Z")
        .set("ChargePeriodEnd", "2025-06-16T00:00:00Z").set("BilledCost", "3.5").set("BillingCurrency", "USD")
        .set("ChargeCategory", "Usage").set("BillingAccountId", "/providers/Microsoft.Billing/billingAccounts/1")
        .set("BillingPeriodStart", "2025-06-01T00:00:00Z");
  }

  @Test
  void docFixtureLineYieldsVmSizeTagsAndWorkspace() {
    RawBillingRow row = BillingFixtures.readAll(BillingFixtures.resource("billing/fixtures/ea_2024-08-01_aml_fixture.csv"))
        .get(0);

    CostRecord record = parsed(parser.parse(row));

    assertEquals("Standard_NC24ads_A100_v4", record.vmSize());
    assertEquals("vision", record.tags().get("project"));
    assertEquals("ml-platform", record.tags().get("owner"));
    assertEquals("ws-vision", record.workspace().workspaceName());
    assertEquals(ScopeKind.WORKSPACE, record.workspace().scope());
    assertEquals(WS.toLowerCase(java.util.Locale.ROOT), record.resourceId());
    assertEquals(new BigDecimal("20.2015"), record.cost());
    assertEquals(new BigDecimal("5.5"), record.quantity());
    assertEquals("1 Hour", record.unit());
    assertEquals("Virtual Machines", record.meterCategory());
    assertEquals("NCads A100 v4 Series", record.meterSubCategory());
    assertEquals("NC24ads A100 v4", record.meterName());
    assertEquals(Instant.parse("2025-06-15T00:00:00Z"), record.periodStart());
    assertEquals(Instant.parse("2025-06-16T00:00:00Z"), record.periodEnd());
    assertEquals("12345678|ACTUAL|2025-06", record.exportScope());
    assertEquals(ChargeKind.USAGE, record.chargeKind());
    assertEquals(SourceRef.line(row.file(), 2), record.source());
    assertEquals(CostRecord.SCHEMA_VERSION, record.schemaVersion());
    assertTrue(record.lineItemId().matches("[0-9a-f]{64}"));
  }

  @Test
  void refundKeepsItsNegativeSign() {
    CostRecord record = parsed(parser.parse(ea().set("ChargeType", "Refund").set("CostInBillingCurrency", "-12.34")
        .build()));

    assertEquals(ChargeKind.REFUND, record.chargeKind());
    assertEquals(new BigDecimal("-12.34"), record.cost());
  }

  @ParameterizedTest
  @CsvSource({
      "Usage, USAGE", "Purchase, PURCHASE", "Refund, REFUND", "Credit, CREDIT", "Tax, TAX",
      "Adjustment, ADJUSTMENT", "RoundingAdjustment, ROUNDING", "UnusedReservation, UNUSED_COMMITMENT",
      "UnusedSavingsPlan, UNUSED_COMMITMENT", "usage, USAGE"})
  void eaChargeTypes(String chargeType, ChargeKind expected) {
    assertEquals(expected, parsed(parser.parse(ea().set("ChargeType", chargeType).build())).chargeKind());
  }

  @ParameterizedTest
  @CsvSource(nullValues = "none", value = {
      "Usage, none, none, USAGE", "Purchase, none, none, PURCHASE", "Tax, none, none, TAX",
      "Credit, none, none, CREDIT", "Adjustment, none, none, ADJUSTMENT", "Usage, Correction, none, REFUND",
      "Purchase, Correction, none, REFUND", "Usage, none, Unused, UNUSED_COMMITMENT", "Usage, NULL, Used, USAGE"})
  void focusChargeKinds(String category, String chargeClass, String status, ChargeKind expected) {
    Row row = focus().set("ChargeCategory", category);
    if (chargeClass != null) {
      row.set("ChargeClass", chargeClass);
    }
    if (status != null) {
      row.set("CommitmentDiscountStatus", status);
    }
    assertEquals(expected, parsed(parser.parse(row.build())).chargeKind());
  }

  @Test
  void focusUsesBilledCostAsActualEvenInAnAmortizedFolder() {
    CostRecord record = parsed(parser.parse(focus().set("EffectiveCost", "9").set("x_SkuMeterCategory", "Virtual Machines")
        .set("x_SkuDetails", "{\"ServiceType\":\"Standard_NC4as_T4_v3\"}").file("amortized/focus.csv").build()));

    assertEquals(new BigDecimal("3.5"), record.cost());
    assertEquals(CostBasis.ACTUAL, record.basis());
    assertEquals("Virtual Machines", record.meterCategory());
    assertEquals("Standard_NC4as_T4_v3", record.vmSize());
    assertEquals("/providers/microsoft.billing/billingaccounts/1|ACTUAL|2025-06", record.exportScope());
  }

  @Test
  void legacyBasisFollowsTheFileName() {
    assertEquals(CostBasis.AMORTIZED, parsed(parser.parse(ea().file("x/AmortizedCost_2025.csv").build())).basis());
    assertEquals(CostBasis.ACTUAL, parsed(parser.parse(ea().file("x/ActualCost_2025.csv").build())).basis());
  }

  @ParameterizedTest
  @CsvSource({
      "06/15/2025, 2025-06-15T00:00:00Z", "6/5/2025, 2025-06-05T00:00:00Z", "2025-06-15, 2025-06-15T00:00:00Z",
      "2025-06-15T00:00:00Z, 2025-06-15T00:00:00Z", "2025-06-15T10:30:00.0000000Z, 2025-06-15T10:30:00Z",
      "2025-06-15 10:30:00, 2025-06-15T10:30:00Z", "2025-06-15T12:00:00+02:00, 2025-06-15T10:00:00Z"})
  void acceptedDateFormats(String text, String expected) {
    assertEquals(Instant.parse(expected), parsed(parser.parse(ea().set("Date", text).build())).periodStart());
  }

  @ParameterizedTest
  @CsvSource({
      "Date, 13/45/2025, bad-date", "Date, yesterday, bad-date", "Date, '', missing-value",
      "CostInBillingCurrency, '1,234.5', bad-number", "CostInBillingCurrency, '', missing-value",
      "Quantity, n/a, bad-number", "BillingCurrencyCode, '', missing-value", "ChargeType, Discount, unknown-charge-type"})
  void badValuesAreRejectedNamingFileLineAndColumn(String column, String value, String reason) {
    ParseResult.Rejected<CostRecord> rejected = rejected(parser.parse(ea().set(column, value).file("e.csv").line(7)
        .build()));

    assertEquals(reason, rejected.reason());
    assertEquals(column, rejected.field());
    assertEquals(SourceRef.line("e.csv", 7), rejected.source());
    assertTrue(rejected.detail().startsWith("e.csv line 7, column " + column + ": "), rejected.detail());
  }

  @Test
  void missingRequiredColumnIsRejected() {
    ParseResult.Rejected<CostRecord> rejected = rejected(parser.parse(ea().without("BillingCurrencyCode").file("e.csv")
        .build()));

    assertEquals("missing-column", rejected.reason());
    assertEquals("BillingCurrencyCode", rejected.field());
    assertEquals("e.csv line 2: the EA header has no column BillingCurrencyCode or BillingCurrency",
        rejected.detail());
  }

  @Test
  void readerErrorAndUnknownHeaderAreRejected() {
    RawBillingRow shortRow = new RawBillingRow(1, "f.csv", 9, "f.csv", new LinkedHashMap<>(Map.of("Date", "x")),
        "line 9 has 1 values, header has 57");
    RawBillingRow metrics = new RawBillingRow(1, "m.csv", 2, "m.csv",
        new LinkedHashMap<>(Map.of("TimeStamp", "2025-01-01", "Value", "3")), null);

    assertEquals("column-count", rejected(parser.parse(shortRow)).reason());
    assertEquals("f.csv line 9: line 9 has 1 values, header has 57", rejected(parser.parse(shortRow)).detail());
    assertEquals("unknown-schema", rejected(parser.parse(metrics)).reason());
  }

  @Test
  void tagsWithAndWithoutBracesInvalidTagsKeepTheRow() {
    Map<String, String> bare = parsed(parser.parse(ea().set("Tags", "\"a\": \"1\",\"b\": \"2\"").build())).tags();
    Map<String, String> braced = parsed(parser.parse(ea().set("Tags", "{\"a\": \"1\",\"b\": \"2\"}").build())).tags();
    CostRecord invalid = parsed(parser.parse(ea().set("Tags", "{not json").build()));

    assertEquals(Map.of("a", "1", "b", "2"), bare);
    assertEquals(bare, braced);
    assertEquals(Map.of(), invalid.tags());
  }

  @Test
  void endpointTagsOnTheWorkspaceNameTheDeployment() {
    CostRecord record = parsed(parser.parse(ea()
        .set("Tags", "\"azuremlendpoint\": \"Scoring\",\"azuremldeployment\": \"Blue\"").build()));

    assertEquals(AzureResourceId.parse(WS).orElseThrow().withDeployment("scoring", "blue"), record.workspace());
    assertEquals(ScopeKind.DEPLOYMENT, record.workspace().scope());
  }

  @Test
  void computeIdIsKeptAndNonMlRowsHaveNoWorkspace() {
    CostRecord compute = parsed(parser.parse(ea().set("ResourceId", WS + "/computes/gpu-cluster").build()));
    CostRecord storage = parsed(parser.parse(ea().set("ResourceId",
        "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa").build()));

    assertEquals("gpu-cluster", compute.workspace().compute());
    assertNull(storage.workspace());
  }

  @Test
  void nonVmServiceTypeIsNoVmSize() {
    assertNull(parsed(parser.parse(ea().set("AdditionalInfo", "{\"ServiceType\":\"SQLThreatDetection\"}").build()))
        .vmSize());
    assertNull(parsed(parser.parse(ea().set("AdditionalInfo", "{broken").build())).vmSize());
  }

  @Test
  void mcaAndPaygRowsParse() {
    CostRecord mca = parsed(parser.parse(Row.of(BillingFixtures.MCA).set("date", "2025-06-15")
        .set("costInBillingCurrency", "-1.25").set("billingCurrency", "eur").set("chargeType", "Credit")
        .set("billingProfileId", "BP-1").set("billingPeriodStartDate", "2025-06-01").build()));
    CostRecord payg = parsed(parser.parse(Row.of(BillingFixtures.PAYG).set("UsageDateTime", "2019-11-01T00:00:00Z")
        .set("PreTaxCost", "0.5").set("Currency", "USD").set("SubscriptionGuid", "SUB-1").set("InstanceId", WS)
        .set("ServiceName", "Azure Machine Learning").build()));

    assertEquals(List.of("MCA", "EUR", "-1.25", "CREDIT", "bp-1|ACTUAL|2025-06"),
        List.of(mca.schema(), mca.currency(), mca.cost().toPlainString(), mca.chargeKind().name(), mca.exportScope()));
    assertEquals(List.of("PAYG", "Azure Machine Learning", "ws-vision", "sub-1|ACTUAL|2019-11"),
        List.of(payg.schema(), payg.serviceName(), payg.workspace().workspaceName(), payg.exportScope()));
  }
}
