package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertStatus;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Billing with hourly charge periods (FOCUS data often has them) is also evaluated hour by hour against an
 * hour-of-day baseline: a three-hour burst that leaves the day's total within the daily rule's thresholds still
 * raises an {@code HOURLY_SPEND_SPIKE}, while the nightly batch hour is learnt as normal.
 */
class HourlySpendTopologyTest {

  private static final Instant FIRST = Instant.parse("2026-11-01T00:00:00Z");
  private static final int DAYS = 12;
  private static final int BURST_DAY = 9;

  @TempDir
  Path stateDir;

  private TopologyHarness harness;
  private TestInputTopic<String, RawBillingRow> billing;
  private TestOutputTopic<String, AlertEvent> alerts;

  @BeforeEach
  void start() {
    harness = new TopologyHarness(Fixtures.config(), stateDir);
    billing = harness.input(Topics.BILLING_RAW);
    alerts = harness.output(Topics.ALERTS);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void anHourlyBurstTheDailyTotalHidesRaisesAnHourlySpike() {
    long line = 2;
    for (int d = 0; d < DAYS; d++) {
      for (int h = 0; h < 24; h++) {
        Instant hour = FIRST.plus(Duration.ofDays(d)).plus(Duration.ofHours(h));
        String cost = h == 2 ? "40.00" : d == BURST_DAY && h >= 14 && h < 17 ? "40.00" : "10.00";
        billing.pipeInput("k", focusRow(line++, hour, cost));
      }
    }
    billing.pipeInput(FlushMarker.KEY, null, Instant.parse("2027-01-01T00:00:00Z"));

    List<AlertEvent> events = alerts.readValuesToList();
    List<AlertEvent> hourly = events.stream().filter(a -> a.type().equals("HOURLY_SPEND_SPIKE")).toList();
    assertTrue(events.stream().noneMatch(a -> a.type().equals("SPEND_SPIKE")),
        "the day's total (+90 on 270) stays under the daily rule's 50 %: " + events);
    assertEquals(AlertStatus.OPEN, hourly.get(0).status(), hourly::toString);
    assertEquals(Instant.parse("2026-11-10T14:00:00Z"), hourly.get(0).windowStart());
    assertEquals("PT1H", hourly.get(0).impact().period());
    assertTrue(hourly.get(0).impact().amount().doubleValue() > 20, hourly.get(0).impact().toString());
    assertEquals(AlertStatus.RESOLVED, hourly.get(hourly.size() - 1).status());
    assertEquals(1, hourly.stream().map(AlertEvent::alertId).distinct().count(), "one episode: " + hourly);
    assertTrue(hourly.stream().noneMatch(a -> a.windowStart().atZone(java.time.ZoneOffset.UTC).getHour() == 2),
        "the nightly batch hour is normal");
  }

  /** A FOCUS 1.0 row of an Azure ML compute with a one-hour charge period. */
  private static RawBillingRow focusRow(long line, Instant hour, String cost) {
    Map<String, String> row = new LinkedHashMap<>();
    row.put("BilledCost", cost);
    row.put("BillingAccountId", "12345678");
    row.put("BillingCurrency", "USD");
    row.put("BillingPeriodStart", "2026-11-01T00:00:00Z");
    row.put("BillingPeriodEnd", "2026-12-01T00:00:00Z");
    row.put("ChargeCategory", "Usage");
    row.put("ChargeClass", "");
    row.put("ChargePeriodStart", hour.toString());
    row.put("ChargePeriodEnd", hour.plus(Duration.ofHours(1)).toString());
    row.put("ConsumedQuantity", "1");
    row.put("ConsumedUnit", "Hours");
    row.put("EffectiveCost", cost);
    row.put("ResourceId", Fixtures.workspaceId("ws-h") + "/computes/gpu1");
    row.put("ServiceName", "Azure Machine Learning");
    row.put("SkuId", "sku-1");
    row.put("SkuPriceId", "price-1");
    row.put("Tags", "{}");
    return new RawBillingRow(RawBillingRow.SCHEMA_VERSION, "focus.csv", line, "focus.csv", row, null);
  }
}
