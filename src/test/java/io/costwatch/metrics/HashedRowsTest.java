package io.costwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HashedRowsTest {

  @Test
  void rowsKeepTheirValuesThroughGrowthAndRemovals() {
    // Given a table and a map as the reference, fed the same random puts and removes over a small key space
    HashedRows rows = new HashedRows(2);
    Map<Long, double[]> reference = new HashMap<>();
    Random random = new Random(11);

    // When 200,000 operations run (enough to grow the table and remove inside long probe runs)
    for (int i = 0; i < 200_000; i++) {
      long key = HashedRows.key("scope-" + random.nextInt(5_000));
      if (random.nextInt(3) == 0) {
        assertEquals(reference.remove(key) != null, rows.remove(key));
      } else {
        double a = random.nextDouble();
        int row = rows.row(key);
        rows.set(row, 0, a);
        rows.set(row, 1, -a);
        reference.put(key, new double[] {a, -a});
      }
    }

    // Then every key the map holds has its latest values, and nothing else is left
    assertEquals(reference.size(), rows.size());
    for (Map.Entry<Long, double[]> e : reference.entrySet()) {
      int row = rows.row(e.getKey());
      assertEquals(e.getValue()[0], rows.get(row, 0));
      assertEquals(e.getValue()[1], rows.get(row, 1));
    }
    int[] visited = {0};
    rows.forEachRow(row -> visited[0]++);
    assertEquals(reference.size(), visited[0]);
  }

  @Test
  void aNewRowStartsAtZeroEvenWhereARemovedRowWas() {
    HashedRows rows = new HashedRows(1);
    long key = HashedRows.key("ws-1/gpu-00");
    rows.set(rows.row(key), 0, 42);

    assertTrue(rows.remove(key));
    assertFalse(rows.remove(key), "a second remove finds nothing");

    assertEquals(0.0, rows.get(rows.row(key), 0));
  }

  @Test
  void theKeysOfAHundredThousandComputeNamesAreDistinct() {
    Set<Long> keys = new HashSet<>();
    for (int w = 0; w < 10_000; w++) {
      for (int c = 0; c < 10; c++) {
        keys.add(HashedRows.key(String.format("ws-%05d/gpu-%02d", w, c)));
      }
    }
    assertEquals(100_000, keys.size());
  }
}
