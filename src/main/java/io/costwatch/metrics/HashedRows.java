package io.costwatch.metrics;

/**
 * Rows of doubles keyed by a text's 64-bit hash, in flat arrays (open addressing, linear probing): what a gauge
 * needs to remember per scope or per open alert, at about 8 bytes a key plus 8 a column, where a
 * {@code ConcurrentHashMap<String, ...>} entry cost 150-200 bytes (node, key string and its bytes, boxed values).
 * The memory run (src/site/markdown/benchmarks.md) showed those entries growing with every compute of the estate.
 *
 * <p>The text itself is not kept: two texts with the same 64-bit hash share a row. With 100,000 keys the chance of
 * any collision is about 3e-10, and its effect would be one scope's value replacing another's in a gauge. Not
 * thread-safe: the gauges synchronise on their table.
 */
final class HashedRows {

  private static final long EMPTY = 0;
  private static final int MIN_CAPACITY = 16;

  private final int columns;
  private long[] keys = new long[MIN_CAPACITY];
  private double[] values;
  private int size;

  HashedRows(int columns) {
    this.columns = columns;
    this.values = new double[MIN_CAPACITY * columns];
  }

  /** The 64-bit key of a text: a polynomial hash finished with the MurmurHash3 mix; never {@link #EMPTY}. */
  static long key(String text) {
    long h = 1125899906842597L;
    for (int i = 0; i < text.length(); i++) {
      h = 31 * h + text.charAt(i);
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h == EMPTY ? 1 : h;
  }

  int size() {
    return size;
  }

  int columns() {
    return columns;
  }

  /** The row of {@code key}, created (zeros) if absent; its values are at {@code row * columns() + column}. */
  int row(long key) {
    int slot = find(key);
    if (keys[slot] == key) {
      return slot;
    }
    if ((size + 1) * 4 > keys.length * 3) {
      grow();
      slot = find(key);
    }
    keys[slot] = key;
    size++;
    return slot;
  }

  void set(int row, int column, double value) {
    values[row * columns + column] = value;
  }

  double get(int row, int column) {
    return values[row * columns + column];
  }

  /** Removes the row of {@code key}; false if there was none. */
  boolean remove(long key) {
    int slot = find(key);
    if (keys[slot] != key) {
      return false;
    }
    // backward-shift deletion: move later rows of the probe sequence into the hole, so lookups need no tombstones
    int mask = keys.length - 1;
    int hole = slot;
    int next = (hole + 1) & mask;
    while (keys[next] != EMPTY) {
      int home = home(keys[next], mask);
      boolean between = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (!between) {
        keys[hole] = keys[next];
        System.arraycopy(values, next * columns, values, hole * columns, columns);
        hole = next;
      }
      next = (next + 1) & mask;
    }
    keys[hole] = EMPTY;
    java.util.Arrays.fill(values, hole * columns, hole * columns + columns, 0);
    size--;
    return true;
  }

  /** Calls {@code visitor} with every row in use. */
  void forEachRow(RowVisitor visitor) {
    for (int slot = 0; slot < keys.length; slot++) {
      if (keys[slot] != EMPTY) {
        visitor.visit(slot);
      }
    }
  }

  interface RowVisitor {
    void visit(int row);
  }

  private int find(long key) {
    int mask = keys.length - 1;
    int slot = home(key, mask);
    while (keys[slot] != EMPTY && keys[slot] != key) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private static int home(long key, int mask) {
    return (int) (key ^ (key >>> 32)) & mask;
  }

  private void grow() {
    long[] oldKeys = keys;
    double[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new double[keys.length * columns];
    for (int slot = 0; slot < oldKeys.length; slot++) {
      if (oldKeys[slot] != EMPTY) {
        int target = find(oldKeys[slot]);
        keys[target] = oldKeys[slot];
        System.arraycopy(oldValues, slot * columns, values, target * columns, columns);
      }
    }
  }
}
