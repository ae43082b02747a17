package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.ChargeKind;
import io.costwatch.core.CostBasis;
import io.costwatch.core.CostRecord;
import io.costwatch.core.SourceRef;
import io.costwatch.usage.DailySpend;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The end of a bounded run's input judges every due workspace in calls of a bounded time each (here: one slice of
 * {@link SpendSpikeProcessor#SLICE} workspaces per call), continued by a wall-clock punctuation, and acknowledges the
 * end of input only after the last slice; the judged inputs are the same, in the same order, as when one call does it
 * all. The work per call is what keeps a large month's judging under the exactly-once transaction timeout.
 */
class SpendEndOfInputSlicingTest {

  private static final LocalDate FIRST = LocalDate.parse("2026-01-01");
  private static final int DAYS = 5;
  private static final int WORKSPACES = 2 * SpendSpikeProcessor.SLICE + 50;
  private static final Instant END = Instant.parse("2027-01-01T00:00:00Z");

  @Test
  void aLargeEndOfInputIsJudgedOneSliceAtATimeAndAcknowledgedAfterTheLast() {
    List<LifecycleInput> whole = new ArrayList<>();
    List<Integer> wholeCalls = run(Duration.ofMinutes(5), whole);
    List<LifecycleInput> sliced = new ArrayList<>();
    List<Integer> slicedCalls = run(Duration.ZERO, sliced);

    assertEquals(List.of(WORKSPACES * DAYS + 1), wholeCalls, "one call judged everything and acknowledged it");
    int perSlice = SpendSpikeProcessor.SLICE * DAYS;
    assertEquals(List.of(perSlice, perSlice, 50 * DAYS + 1), slicedCalls,
        "inputs forwarded by the marker's own call, then by each punctuation; the acknowledgement last");
    assertEquals(FlushMarker.BILLING_DONE, sliced.get(sliced.size() - 1).stage(), "the acknowledgement comes last");
    assertEquals(1, sliced.stream().filter(i -> i.kind() == LifecycleInput.Kind.END_OF_INPUT).count());
    assertEquals(fingerprints(whole), fingerprints(sliced), "the same judged inputs in the same order");
  }

  private static List<String> fingerprints(List<LifecycleInput> inputs) {
    return inputs.stream().map(i -> i.kind() + " " + i.fingerprint() + " " + i.windowEnd()).toList();
  }

  /** Pipes the month and the complete marker; returns how many inputs each call (marker, then punctuations) gave. */
  private static List<Integer> run(Duration budget, List<LifecycleInput> all) {
    List<Integer> calls = new ArrayList<>();
    try (TopologyTestDriver driver = SpendDetectorTopology.driver("spend-slicing", Duration.ZERO, budget,
        Stores::inMemoryKeyValueStore)) {
      TestInputTopic<String, DailySpend> in = SpendDetectorTopology.input(driver);
      TestOutputTopic<String, LifecycleInput> out = SpendDetectorTopology.output(driver);
      for (int d = 0; d < DAYS; d++) {
        for (int w = 0; w < WORKSPACES; w++) {
          in.pipeInput(SpendDetectorTopology.key("ws-" + w), SpendDetectorTopology.day("ws-" + w, FIRST.plusDays(d), 100 + (d * 7 + w) % 5));
        }
      }
      assertTrue(out.readValuesToList().isEmpty(), "nothing is judged before the end of input");
      CostRecord raw = FlushMarker.billingMarker(rawMarker(), 0, 0, 1, FIRST.plusDays(DAYS - 1));
      in.pipeInput(DailySpend.key(raw), DailySpend.empty().add(raw), END);
      for (int call = 0; call < 10; call++) {
        List<LifecycleInput> got = out.readValuesToList();
        all.addAll(got);
        if (!got.isEmpty()) {
          calls.add(got.size());
        }
        if (!all.isEmpty() && all.get(all.size() - 1).kind() == LifecycleInput.Kind.END_OF_INPUT) {
          break;
        }
        driver.advanceWallClockTime(Duration.ofSeconds(1));
      }
    }
    return calls;
  }

  private static CostRecord rawMarker() {
    return new CostRecord(CostRecord.SCHEMA_VERSION, FlushMarker.KEY, FlushMarker.KEY, "MARKER", CostBasis.ACTUAL,
        ChargeKind.USAGE, END, END, FlushMarker.SCOPE.workspaceId(), FlushMarker.SCOPE, null, null, null, null,
        BigDecimal.ONE, null, BigDecimal.ZERO, "XXX", null, Map.of(), new SourceRef(FlushMarker.KEY, 0, -1));
  }
}
