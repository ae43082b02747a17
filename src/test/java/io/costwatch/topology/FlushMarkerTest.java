package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.ChargeKind;
import io.costwatch.core.CostBasis;
import io.costwatch.core.CostRecord;
import io.costwatch.core.SourceRef;
import io.costwatch.usage.DailySpend;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** The counting that lets the end-of-input markers close everything on any number of partitions. */
class FlushMarkerTest {

  private static final Instant FAR = Instant.parse("2027-12-03T00:00:00Z");

  @Test
  void eachBillingMarkerLandsOnItsDailySpendPartitionAndIsItsOwnLineItem() {
    for (int n : new int[] {1, 3, 6}) {
      Set<String> ids = new HashSet<>();
      for (int from = 0; from < n; from++) {
        for (int to = 0; to < n; to++) {
          CostRecord marker = FlushMarker.billingMarker(raw(n), from, to, n);
          byte[] key = DailySpend.key(marker).getBytes(StandardCharsets.UTF_8);
          assertEquals(to, Utils.toPositive(Utils.murmur2(key)) % n, "partition of " + DailySpend.key(marker));
          assertTrue(FlushMarker.isMarker(marker.workspace()));
          ids.add(marker.lineItemId());
        }
      }
      assertEquals(n * n, ids.size(), "one line item per path");
    }
  }

  @Test
  void aMarkerDayIsCompleteWithTheMarkersOfEveryPathOnly() {
    int n = 3;
    DailySpend day = DailySpend.empty();
    for (int from = 0; from < n; from++) {
      for (int task = 0; task < n; task++) {
        assertFalse(FlushMarker.isComplete(day), "complete after " + day.lineItems() + " markers");
        day = day.add(FlushMarker.billingMarker(raw(n), from, 1, n));
      }
    }
    assertTrue(FlushMarker.isComplete(day));
    assertEquals(n, FlushMarker.partitions(day));
  }

  @Test
  void aLiveEndOfBillingInputLandsOnEveryPartitionOnDaysNeverAfterItWasSent() {
    Instant sent = Instant.parse("2026-12-02T18:30:00Z");
    for (int n : new int[] {1, 3, 6}) {
      for (int to = 0; to < n; to++) {
        CostRecord marker = FlushMarker.billingMarker(live(n, sent), 0, to, n);
        byte[] key = DailySpend.key(marker).getBytes(StandardCharsets.UTF_8);
        assertEquals(to, Utils.toPositive(Utils.murmur2(key)) % n, "partition of " + DailySpend.key(marker));
        assertFalse(marker.periodStart().isAfter(sent), marker.periodStart() + " is after " + sent);
        assertTrue(FlushMarker.isBillingMarker(marker.workspace()));
        assertFalse(FlushMarker.isMarker(marker.workspace()), "the telemetry path's test does not match it");
      }
    }
  }

  @Test
  void aSecondLiveRoundOnTheSameMarkerDayIsCompleteOnlyWithAllOfItsOwnMarkers() {
    int n = 3;
    DailySpend day = DailySpend.empty();
    for (Instant sent : new Instant[] {Instant.parse("2026-12-02T18:30:00Z"), Instant.parse("2026-12-02T18:31:00Z")}) {
      for (int from = 0; from < n; from++) {
        for (int task = 0; task < n; task++) {
          day = day.add(FlushMarker.billingMarker(live(n, sent), from, 1, n));
          boolean last = from == n - 1 && task == n - 1;
          assertEquals(last, FlushMarker.isComplete(day), "complete after " + day.lineItems() + " markers");
        }
      }
      assertEquals(n, FlushMarker.partitions(day));
    }
  }

  @Test
  void theCompleteMarkerDayCarriesTheNewestChargeDayOfEveryRawPartitionOnEveryPartition() {
    int n = 3;
    java.time.LocalDate[] newestOf = {java.time.LocalDate.parse("2026-11-28"), null,
        java.time.LocalDate.parse("2026-11-30")};
    for (int to = 0; to < n; to++) {
      DailySpend day = DailySpend.empty();
      for (int from = 0; from < n; from++) {
        for (int task = 0; task < n; task++) {
          day = day.add(FlushMarker.billingMarker(raw(n), from, to, n, newestOf[from]));
        }
      }
      assertTrue(FlushMarker.isComplete(day));
      assertEquals(java.util.Optional.of(newestOf[2]), FlushMarker.newestChargeDay(day), "partition " + to);
    }
    DailySpend none = DailySpend.empty().add(FlushMarker.billingMarker(raw(1), 0, 0, 1, null));
    assertEquals(java.util.Optional.empty(), FlushMarker.newestChargeDay(none), "no raw partition passed a row on");
  }

  @Test
  void theRawMarkerCarriesThePartitionCountInAHeaderAndOneWithoutMeansOne() {
    RecordHeaders headers = new RecordHeaders();
    assertEquals(1, FlushMarker.partitions(headers));
    headers.add(FlushMarker.PARTITIONS_HEADER, "6".getBytes(StandardCharsets.UTF_8));
    assertEquals(6, FlushMarker.partitions(headers));
  }

  @Test
  void onlyMarkersAreBroadcast() {
    var partitioner = FlushMarker.<String, String>broadcast(v -> v.equals("marker"));
    assertEquals(Set.of(0, 1, 2), partitioner.partitions("t", "k", "marker", 3).orElseThrow());
    assertTrue(partitioner.partitions("t", "k", "data", 3).isEmpty(), "data keeps the default partitioning");
  }

  private static CostRecord live(int n, Instant sent) {
    return new CostRecord(CostRecord.SCHEMA_VERSION, FlushMarker.FINAL_KEY + sent.toEpochMilli(),
        FlushMarker.FINAL_KEY, "MARKER", CostBasis.ACTUAL, ChargeKind.USAGE, sent, sent,
        FlushMarker.FINAL_SCOPE.workspaceId(), FlushMarker.FINAL_SCOPE, null, null, null, null, BigDecimal.valueOf(n),
        null, BigDecimal.ZERO, "XXX", null, Map.of(), new SourceRef(FlushMarker.FINAL_KEY, 0, -1));
  }

  private static CostRecord raw(int n) {
    return new CostRecord(CostRecord.SCHEMA_VERSION, FlushMarker.KEY, FlushMarker.KEY, "MARKER", CostBasis.ACTUAL,
        ChargeKind.USAGE, FAR, FAR, FlushMarker.SCOPE.workspaceId(), FlushMarker.SCOPE, null, null, null, null,
        BigDecimal.valueOf(n), null, BigDecimal.ZERO, "XXX", null, Map.of(), new SourceRef(FlushMarker.KEY, 0, -1));
  }
}
