package io.costwatch.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.monitor.MetricPayloadParser;
import io.costwatch.testing.Fixtures;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlausibilityTest {

  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  private final Plausibility plausibility = Plausibility.defaults();
  private final MetricPayloadParser metrics = new MetricPayloadParser();
  private final BillingRowParser billing = new BillingRowParser();

  private MetricSample sample(String metric, String value) {
    String record = Fixtures.dcrRecord("ws-a", "gpu1", metric, T0, 1).replace("\"1.0\"", "\"" + value + "\"");
    ParseResult<MetricSample> r = metrics.parse(record, SourceRef.line("m.jsonl", 1)).get(0);
    return assertInstanceOf(ParseResult.Parsed.class, r, r::toString) instanceof ParseResult.Parsed<?> p
        ? (MetricSample) p.value() : null;
  }

  @ParameterizedTest(name = "{0} = {1} -> {2} ({3})")
  @CsvSource({
      "GpuUtilization, 100.5, out-of-range, average",
      "GpuUtilization, -1, out-of-range, average",
      "CpuUtilizationPercentage, 1e308, out-of-range, average",
      "Active Nodes, -2, out-of-range, average",
      "Idle Nodes, 1e308, implausible-value, average",
      "DeploymentCapacity, 3.98e36, implausible-value, average",
      "Total Nodes, 9223372036854775808, implausible-value, average",
      "RequestsPerMinute, -5, out-of-range, average"})
  void valuesOutsideTheirRangeAreRejectedNamingTheField(String metric, String value, String reason, String field) {
    Optional<Plausibility.Violation> v = plausibility.check(sample(metric, value));
    assertTrue(v.isPresent(), metric + "=" + value + " passed");
    assertEquals(reason, v.get().reason(), v.get().problem());
    assertEquals(field, v.get().field());
  }

  @ParameterizedTest
  @CsvSource({"GpuUtilization, 0", "GpuUtilization, 100", "Active Nodes, 100000", "RequestsPerMinute, 1e9"})
  void valuesAtTheEdgesOfTheirRangePass(String metric, String value) {
    assertEquals(Optional.empty(), plausibility.check(sample(metric, value)));
  }

  @ParameterizedTest
  @CsvSource({"1969-12-31T23:59:00Z", "0001-01-01T00:00:00Z", "+10000-01-01T00:00:00Z"})
  void timesKafkaCannotCarryAreBadTimes(String time) {
    String record = Fixtures.dcrRecord("ws-a", "gpu1", "GpuUtilization", T0, 1).replace(T0.toString(), time);
    ParseResult<MetricSample> r = metrics.parse(record, SourceRef.line("m.jsonl", 1)).get(0);
    MetricSample s = (MetricSample) ((ParseResult.Parsed<?>) r).value();
    Plausibility.Violation v = plausibility.check(s).orElseThrow();
    assertEquals("bad-time", v.reason());
    assertEquals("time", v.field());
  }

  @Test
  void impossibleCalendarDatesAreRejectedByBothParsers() {
    String record = Fixtures.dcrRecord("ws-a", "gpu1", "GpuUtilization", T0, 1)
        .replace(T0.toString(), "2026-02-30T10:00:00Z");
    ParseResult<MetricSample> m = metrics.parse(record, SourceRef.line("m.jsonl", 1)).get(0);
    assertEquals("bad-time", assertInstanceOf(ParseResult.Rejected.class, m).reason());

    for (String date : new String[] {"02/30/2026", "2026-02-30", "2026-02-30T00:00:00Z", "13/01/2026"}) {
      RawBillingRow row = withColumn(Fixtures.eaRow("e.csv", 2, "ws-a", "gpu1", LocalDate.of(2026, 2, 1), "10", "Usage", "m1"),
          "Date", date);
      ParseResult<CostRecord> b = billing.parse(row);
      ParseResult.Rejected<?> rejected = assertInstanceOf(ParseResult.Rejected.class, b, date);
      assertEquals("bad-date", rejected.reason(), date);
      assertEquals("Date", rejected.field());
    }
  }

  @Test
  void costsBeyondTheConfiguredBoundAreImplausibleRefundsWithinItPass() {
    Plausibility strict = new Plausibility(new java.math.BigDecimal("1000"), 10);
    CostRecord huge = parsedCost("2.47e29");
    assertEquals("implausible-value", plausibility.check(huge).orElseThrow().reason());
    assertEquals("cost", plausibility.check(huge).orElseThrow().field());
    assertEquals(Optional.empty(), plausibility.check(parsedCost("-9999999")));
    assertEquals("implausible-value", strict.check(parsedCost("-1000.01")).orElseThrow().reason());
  }

  private CostRecord parsedCost(String cost) {
    ParseResult<CostRecord> r = billing.parse(Fixtures.eaRow("e.csv", 2, "ws-a", "gpu1", LocalDate.of(2026, 2, 1),
        cost, "Usage", "m1"));
    return (CostRecord) ((ParseResult.Parsed<?>) r).value();
  }

  private static RawBillingRow withColumn(RawBillingRow row, String column, String value) {
    Map<String, String> columns = new LinkedHashMap<>(row.columns());
    columns.put(column, value);
    return new RawBillingRow(row.schemaVersion(), row.file(), row.line(), row.exportRun(), columns, null);
  }
}
