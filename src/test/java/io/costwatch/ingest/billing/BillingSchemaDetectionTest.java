package io.costwatch.ingest.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.CostRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BillingSchemaDetectionTest {

  static Stream<Arguments> headerFiles() {
    return Stream.of(
        Arguments.of(BillingFixtures.EA_2023_REAL, ExportSchema.EA),
        Arguments.of(BillingFixtures.EA_2024, ExportSchema.EA),
        Arguments.of(BillingFixtures.MCA, ExportSchema.MCA),
        Arguments.of(BillingFixtures.PAYG, ExportSchema.PAYG),
        Arguments.of(BillingFixtures.FOCUS_SAMPLE, ExportSchema.FOCUS),
        Arguments.of(BillingFixtures.FOCUS_MS, ExportSchema.FOCUS));
  }

  @ParameterizedTest(name = "{1} from {0}")
  @MethodSource("headerFiles")
  void detectsEveryFlavourFromItsHeaderFile(String headerFile, ExportSchema expected) {
    List<String> header = BillingFixtures.header(headerFile);

    assertEquals(Optional.of(expected), SchemaDetector.flavour(header));
    assertEquals(Optional.of(expected), SchemaDetector.flavour(header.stream()
        .map(h -> h.toUpperCase(Locale.ROOT)).toList()), "detection ignores case");
  }

  @ParameterizedTest(name = "{1} from {0}")
  @MethodSource("headerFiles")
  void everyHeaderFileHasTheRequiredColumns(String headerFile, ExportSchema expected) {
    ColumnMap columns = ColumnMap.resolve(expected, BillingFixtures.header(headerFile));

    assertTrue(columns.header(Column.DATE).isPresent(), "date");
    assertTrue(columns.header(Column.COST).isPresent(), "cost");
    assertTrue(columns.header(Column.CURRENCY).isPresent(), "currency");
    assertTrue(columns.header(Column.RESOURCE_ID).isPresent(), "resource id");
  }

  @Test
  void ea2023PreviewIsTheFirst55ColumnsOf2024AndStillEa() {
    List<String> preview = BillingFixtures.header(BillingFixtures.EA_2024).subList(0, 55);

    assertEquals(Optional.of(ExportSchema.EA), SchemaDetector.flavour(preview));
  }

  @Test
  void ea2021OrderStartsWithCostAndIsParsedByName() {
    List<String> reordered = new ArrayList<>(BillingFixtures.header(BillingFixtures.EA_2024));
    reordered.remove("CostInBillingCurrency");
    reordered.add(0, "CostInBillingCurrency");
    CostRecord record = BillingFixtures.parsed(new BillingRowParser().parse(new BillingFixtures.Row(reordered)
        .set("Date", "06/15/2025").set("CostInBillingCurrency", "1.5").set("BillingCurrencyCode", "EUR").build()));

    assertEquals("EA", record.schema());
    assertEquals("1.5", record.cost().toPlainString());
    assertEquals("EUR", record.currency());
  }

  @Test
  void focus12NamesAreRead() {
    List<String> focus12 = new ArrayList<>(BillingFixtures.header(BillingFixtures.FOCUS_MS));
    focus12.set(focus12.indexOf("x_SkuMeterName"), "SkuMeter");
    focus12.set(focus12.indexOf("x_SkuDetails"), "SkuPriceDetails");
    CostRecord record = BillingFixtures.parsed(new BillingRowParser().parse(new BillingFixtures.Row(focus12)
        .set("ChargePeriodStart", "2025-06-01T00:00:00Z").set("BilledCost", "2").set("BillingCurrency", "USD")
        .set("ChargeCategory", "Usage").set("SkuMeter", "NC24ads A100 v4")
        .set("SkuPriceDetails", "{\"x_ServiceType\":\"Standard_NC24ads_A100_v4\"}").build()));

    assertEquals("FOCUS", record.schema());
    assertEquals("NC24ads A100 v4", record.meterName());
    assertEquals("Standard_NC24ads_A100_v4", record.vmSize());
  }

  @Test
  void unknownHeaderIsNoSchema() {
    assertEquals(Optional.empty(), SchemaDetector.flavour(List.of("TimeStamp", "Value", "Label")));
  }
}
