package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.usage.DailySpend;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The time of the last billing change is what a live run's settle sweep waits on; a bounded run (settle zero) has no
 * sweep, so it does not write that time on every change, while a live run still does. Both keep the spend clock.
 */
class SpendSettleClockTest {

  private static final LocalDate FIRST = LocalDate.parse("2026-01-01");
  private static final String NEWEST_DAY = "newest-day-end";

  @Test
  void onlyALiveRunWritesTheTimeOfTheLastBillingChange() {
    Map<String, Long> live = clockAfterAWeek(Duration.ofMinutes(5));
    Map<String, Long> bounded = clockAfterAWeek(Duration.ZERO);

    assertEquals(SpendDetectorTopology.WALL_CLOCK.toEpochMilli(), live.get(SpendSpikeProcessor.LAST_CHANGE_KEY));
    assertFalse(bounded.containsKey(SpendSpikeProcessor.LAST_CHANGE_KEY), bounded::toString);
    assertTrue(bounded.containsKey(NEWEST_DAY), bounded::toString);
    assertEquals(live.get(NEWEST_DAY), bounded.get(NEWEST_DAY));
  }

  /** The detector's clock store after a week of one workspace's days. */
  private static Map<String, Long> clockAfterAWeek(Duration settle) {
    try (TopologyTestDriver driver = SpendDetectorTopology.driver("spend-settle-clock", settle, Duration.ofSeconds(1),
        Stores::inMemoryKeyValueStore)) {
      TestInputTopic<String, DailySpend> in = SpendDetectorTopology.input(driver);
      for (int d = 0; d < 7; d++) {
        in.pipeInput(SpendDetectorTopology.key("ws-a"), SpendDetectorTopology.day("ws-a", FIRST.plusDays(d), 100));
      }
      KeyValueStore<String, Long> clock = driver.getKeyValueStore(SpendSpikeProcessor.CLOCK_STORE);
      Map<String, Long> values = new TreeMap<>();
      try (KeyValueIterator<String, Long> all = clock.all()) {
        all.forEachRemaining(kv -> values.put(kv.key, kv.value));
      }
      return values;
    }
  }
}
