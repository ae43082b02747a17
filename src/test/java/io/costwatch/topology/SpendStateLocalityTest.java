package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.usage.DailySpend;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Judging one changed day reads that workspace's state only: every key the spend detector reads from its stores
 * (gets, and each entry a range scan returns) is recorded by a store wrapped around the real in-memory store, and
 * the reads of a correction to one workspace name that workspace alone, and are as many with 10 workspaces as
 * with 60.
 */
class SpendStateLocalityTest {

  private static final LocalDate FIRST = LocalDate.parse("2026-01-01");
  private static final int DAYS = 40;
  private static final Duration SETTLE = Duration.ofMinutes(5);

  @Test
  void judgingOneCorrectedDayReadsOnlyThatWorkspace() {
    Run small = run(10);
    Run large = run(60);

    assertEquals(Set.of("ws-7"), large.workspacesRead, "workspaces whose state was read: " + large.workspacesRead);
    assertFalse(large.reads.containsKey("ALL"), "a store was scanned whole: " + large.reads.get("ALL"));
    assertTrue(large.reads.getOrDefault(SpendSpikeProcessor.DAYS_STORE, List.of()).size() >= DAYS - 10,
        "the changed workspace's days were read back: " + large.reads);
    assertTrue(large.revised, "the corrected day was judged again and its verdict revised");
    assertEquals(small.reads, large.reads, "reads of the correction depend on the number of workspaces");
  }

  private record Run(Map<String, List<String>> reads, Set<String> workspacesRead, boolean revised) {
  }

  /** {@code workspaces} workspaces with {@link #DAYS} days each, all judged; then one day of ws-7 corrected. */
  private static Run run(int workspaces) {
    Map<String, List<String>> reads = new TreeMap<>();
    boolean[] recording = {false};
    try (TopologyTestDriver driver = SpendDetectorTopology.driver("spend-locality", SETTLE,
        SpendSpikeProcessor.SLICE_BUDGET, name -> counting(Stores.inMemoryKeyValueStore(name), reads, recording))) {
      TestInputTopic<String, DailySpend> in = SpendDetectorTopology.input(driver);
      TestOutputTopic<String, LifecycleInput> out = SpendDetectorTopology.output(driver);
      for (int d = 0; d < DAYS; d++) {
        for (int w = 0; w < workspaces; w++) {
          in.pipeInput(SpendDetectorTopology.key("ws-" + w), SpendDetectorTopology.day("ws-" + w, FIRST.plusDays(d), 100 + (d * 7 + w) % 5));
        }
      }
      driver.advanceWallClockTime(SETTLE.plusMinutes(1));
      assertTrue(out.readValuesToList().size() >= workspaces * 20L, "the first judging ran");

      recording[0] = true;
      in.pipeInput(SpendDetectorTopology.key("ws-7"), SpendDetectorTopology.day("ws-7", FIRST.plusDays(20), 5_000));
      driver.advanceWallClockTime(SETTLE.plusMinutes(1));
      recording[0] = false;
      boolean revised = out.readValuesToList().stream().anyMatch(i -> i.fingerprint().contains("ws-7"));
      Set<String> workspacesRead = new TreeSet<>();
      reads.forEach((store, keys) -> keys.stream().map(SpendStateLocalityTest::workspaceOf)
          .filter(w -> w != null).forEach(workspacesRead::add));
      return new Run(reads, workspacesRead, revised);
    }
  }

  /** The short name of the workspace a stored key belongs to; null for the task-wide clock keys. */
  private static String workspaceOf(String storedKey) {
    int at = storedKey.indexOf("/subscriptions/");
    if (at < 0) {
      return null;
    }
    String rest = storedKey.substring(0, storedKey.indexOf("|USD", at));
    return rest.substring(rest.lastIndexOf('/') + 1);
  }

  /** The store, with every key read from it recorded under the store's name while {@code recording[0]} holds. */
  @SuppressWarnings("unchecked")
  private static KeyValueBytesStoreSupplier counting(KeyValueBytesStoreSupplier real, Map<String, List<String>> reads,
      boolean[] recording) {
    return new KeyValueBytesStoreSupplier() {
      @Override
      public String name() {
        return real.name();
      }

      @Override
      public KeyValueStore<Bytes, byte[]> get() {
        KeyValueStore<Bytes, byte[]> store = real.get();
        InvocationHandler handler = (proxy, method, args) -> {
          Object result = invoke(store, method, args);
          if (!recording[0]) {
            return result;
          }
          switch (method.getName()) {
            case "get" -> record(reads, real.name(), (Bytes) args[0]);
            case "all", "reverseAll" -> reads.computeIfAbsent("ALL", k -> new ArrayList<>()).add(real.name());
            case "range", "reverseRange", "prefixScan" -> {
              return recorded((KeyValueIterator<Bytes, byte[]>) result, reads, real.name());
            }
            default -> {
            }
          }
          return result;
        };
        return (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(SpendStateLocalityTest.class.getClassLoader(),
            new Class<?>[] {KeyValueStore.class}, handler);
      }

      @Override
      public String metricsScope() {
        return real.metricsScope();
      }
    };
  }

  @SuppressWarnings("unchecked")
  private static KeyValueIterator<Bytes, byte[]> recorded(KeyValueIterator<Bytes, byte[]> iterator,
      Map<String, List<String>> reads, String store) {
    return (KeyValueIterator<Bytes, byte[]>) Proxy.newProxyInstance(SpendStateLocalityTest.class.getClassLoader(),
        new Class<?>[] {KeyValueIterator.class}, (proxy, method, args) -> {
          Object result = invoke(iterator, method, args);
          if (method.getName().equals("next")) {
            record(reads, store, ((KeyValue<Bytes, byte[]>) result).key);
          }
          return result;
        });
  }

  private static void record(Map<String, List<String>> reads, String store, Bytes key) {
    reads.computeIfAbsent(store, k -> new ArrayList<>()).add(new String(key.get(), StandardCharsets.UTF_8));
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
