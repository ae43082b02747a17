package io.costwatch.ingest.billing;

import static io.costwatch.ingest.billing.BillingFixtures.parsed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.owners.OwnerTags;
import io.costwatch.alert.owners.Owners;
import io.costwatch.alert.owners.ResourceOwners;
import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingFixtures.Row;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Owner tags from real export shapes: EA/MCA write {@code "key": "value"} pairs without braces (CSV-quoted), FOCUS a
 * JSON object. Missing or odd tags teach nothing and never cost the row: it parses and counts as usual.
 */
class BillingOwnerTagsTest {

  private static final String WS = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ml/"
      + "providers/Microsoft.MachineLearningServices/workspaces/ws-vision";
  private static final String WS_KEY = WS.toLowerCase(Locale.ROOT);

  private final BillingRowParser parser = new BillingRowParser();
  private final OwnerTags tags = OwnerTags.defaults();

  private static Row ea() {
    return Row.of(BillingFixtures.EA_2024).set("Date", "06/15/2025").set("CostInBillingCurrency", "20.2015")
        .set("BillingCurrencyCode", "USD").set("ChargeType", "Usage").set("BillingAccountId", "12345678")
        .set("BillingPeriodStartDate", "06/01/2025").set("ResourceId", WS);
  }

  private static Row focus() {
    return Row.of(BillingFixtures.FOCUS_MS).set("ChargePeriodStart", "2025-06-15T00:00:00Z")
        .set("ChargePeriodEnd", "2025-06-16T00:00:00Z").set("BilledCost", "3.5").set("BillingCurrency", "USD")
        .set("ChargeCategory", "Usage").set("BillingAccountId", "/providers/Microsoft.Billing/billingAccounts/1")
        .set("BillingPeriodStart", "2025-06-01T00:00:00Z").set("ResourceId", WS);
  }

  private Optional<ResourceOwners> learnt(RawBillingRow row) {
    return ResourceOwners.learnt(parsed(parser.parse(row)), tags);
  }

  @Test
  void eaDocFixtureQuotedPairsGiveTheWorkspaceOwner() {
    RawBillingRow row = BillingFixtures.readAll(
        BillingFixtures.resource("billing/fixtures/ea_2024-08-01_aml_fixture.csv")).get(0);

    assertEquals(Optional.of(ResourceOwners.of(WS_KEY, new Owners(null, "ml-platform", null))), learnt(row));
  }

  @Test
  void eaComputeRowIsKeyedByTheComputeId() {
    RawBillingRow row = ea().set("ResourceId", WS + "/computes/GPU-Cluster")
        .set("Tags", "\"team\": \"vision\",\"CostCenter\": \"cc-42\"").build();

    assertEquals(Optional.of(ResourceOwners.of(WS_KEY + "/computes/gpu-cluster", new Owners("vision", null, "cc-42"))),
        learnt(row));
  }

  @Test
  void focusJsonObject() {
    RawBillingRow row = focus().set("Tags", "{\"team\":\"vision\",\"owner\":\"ana@contoso.example\","
        + "\"cost-center\":\"cc-1\"}").build();

    assertEquals(Optional.of(ResourceOwners.of(WS_KEY, new Owners("vision", "ana@contoso.example", "cc-1"))),
        learnt(row));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{not json", "\"team\": vision", "[\"team\", \"vision\"]", "{\"team\": null}",
      "{\"team\": {\"name\": \"vision\"}}", "{\"team\": \"  \"}", "\"project\": \"x\"", "NULL"})
  void missingOrOddTagsTeachNothingAndTheRowStillParses(String text) {
    ParseResult<CostRecord> result = parser.parse(ea().set("Tags", text).build());

    assertTrue(result instanceof ParseResult.Parsed<CostRecord>, result::toString);
    assertEquals(Optional.empty(), ResourceOwners.learnt(parsed(result), tags), text);
  }

  @Test
  void rowsOutsideAzureMlTeachNothing() {
    RawBillingRow row = ea().set("ResourceId", "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Storage/"
        + "storageAccounts/sa").set("Tags", "\"team\": \"vision\"").build();

    assertEquals(Optional.empty(), learnt(row));
  }
}
