package io.costwatch.ingest.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.costwatch.core.CostRecord;
import io.costwatch.ingest.billing.BillingFixtures.Row;
import java.math.BigDecimal;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

/** Identity properties: a re-export or re-rating of the same line item must replace it, never add a second one. */
class BillingLineItemIdentityProperties {

  private static final String WS =
      "/subscriptions/1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";

  private final BillingRowParser parser = new BillingRowParser();

  private static Row ea(String resourceId, int day, String cost, String quantity) {
    return Row.of(BillingFixtures.EA_2024).set("Date", String.format(Locale.ROOT, "06/%02d/2025", day))
        .set("CostInBillingCurrency", cost).set("Quantity", quantity).set("BillingCurrencyCode", "USD")
        .set("ResourceId", resourceId).set("MeterId", "m-1").set("SubscriptionId", "1")
        .set("AdditionalInfo", "{\"ServiceType\":\"Standard_NC24ads_A100_v4\"}").set("Tags", "\"team\": \"cv\"");
  }

  private String id(Row row) {
    return BillingFixtures.parsed(parser.parse(row.build())).lineItemId();
  }

  @Property
  void identityDoesNotDependOnCostOrQuantity(
      @ForAll @IntRange(min = 1, max = 30) int day,
      @ForAll @BigRange(min = "-1000000", max = "1000000") @Scale(8) BigDecimal cost1,
      @ForAll @BigRange(min = "-1000000", max = "1000000") @Scale(8) BigDecimal cost2,
      @ForAll @BigRange(min = "0", max = "10000") @Scale(4) BigDecimal quantity1,
      @ForAll @BigRange(min = "0", max = "10000") @Scale(4) BigDecimal quantity2) {
    String first = id(ea(WS, day, cost1.toPlainString(), quantity1.toPlainString()));
    String rerated = id(ea(WS, day, cost2.toPlainString(), quantity2.toPlainString()));

    assertEquals(first, rerated);
  }

  @Property
  void identityIgnoresResourceIdCaseAndPadding(@ForAll @IntRange(min = 1, max = 30) int day) {
    String mixed = id(ea(WS, day, "1", "1"));
    String upper = id(ea("  " + WS.toUpperCase(Locale.ROOT) + " ", day, "1", "1"));

    assertEquals(mixed, upper);
  }

  @Property
  void differentDaysAreDifferentLineItems(@ForAll @IntRange(min = 1, max = 29) int day) {
    assertNotEquals(id(ea(WS, day, "1", "1")), id(ea(WS, day + 1, "1", "1")));
  }

  @Property
  void actualAndAmortizedCopiesAreDifferentLineItems(@ForAll @IntRange(min = 1, max = 30) int day) {
    CostRecord actual = BillingFixtures.parsed(parser.parse(ea(WS, day, "1", "1").file("actual.csv").build()));
    CostRecord amortized = BillingFixtures.parsed(parser.parse(ea(WS, day, "1", "1").file("amortized.csv").build()));

    assertNotEquals(actual.lineItemId(), amortized.lineItemId());
  }
}
