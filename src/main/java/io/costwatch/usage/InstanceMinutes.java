package io.costwatch.usage;

import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which instances (or nodes) of a scope reported in which minute of one window, from the per-instance dimension of
 * the telemetry ({@code instanceId} on online deployments and the newer compute metrics, {@code NodeId} on the classic
 * cluster metrics). When Azure does not deliver an instance count ({@code DeploymentCapacity} and the node counts are
 * not exportable by every path), the number of distinct instances reporting each minute is the count.
 *
 * <p>One bit set per instance, one bit per minute of the window: bounded by instances x window minutes, and an
 * instance reporting several metrics or several GPUs in one minute counts once.
 *
 * @param minutesByInstance per instance id (lower case), the minutes of the window it reported in, as the words of a
 *     {@link BitSet}
 */
public record InstanceMinutes(Map<String, long[]> minutesByInstance) {

  /** The dimensions, with lower-cased keys, that name one instance or node; the first present wins. */
  public static final java.util.List<String> INSTANCE_DIMENSIONS = java.util.List.of("instanceid", "nodeid");

  public InstanceMinutes {
    minutesByInstance = minutesByInstance == null ? Map.of() : Collections.unmodifiableMap(
        new TreeMap<>(minutesByInstance));
  }

  public static InstanceMinutes none() {
    return new InstanceMinutes(Map.of());
  }

  /** The instance a sample's dimensions name, or null when it names none (diagnostic settings drop dimensions). */
  public static String instanceOf(Map<String, String> dimensions) {
    if (dimensions == null) {
      return null;
    }
    for (String key : INSTANCE_DIMENSIONS) {
      String v = dimensions.get(key);
      if (v != null && !v.isBlank()) {
        return v.trim().toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }

  /** This presence with {@code instance} seen at {@code time} of the window that starts at {@code windowStart}. */
  public InstanceMinutes with(String instance, Instant windowStart, Instant time) {
    if (instance == null || windowStart == null || time.isBefore(windowStart)) {
      return this;
    }
    int minute = minuteOf(windowStart, time);
    long[] words = minutesByInstance.get(instance);
    BitSet bits = words == null ? new BitSet() : BitSet.valueOf(words);
    if (bits.get(minute)) {
      return this;
    }
    bits.set(minute);
    TreeMap<String, long[]> next = new TreeMap<>(minutesByInstance);
    next.put(instance, bits.toLongArray());
    return new InstanceMinutes(next);
  }

  private static int minuteOf(Instant windowStart, Instant time) {
    return (int) Math.min(Integer.MAX_VALUE - 1, (time.toEpochMilli() - windowStart.toEpochMilli()) / 60_000);
  }

  /**
   * The mutable twin of an {@link InstanceMinutes}, for folding a batch of samples into a window without copying the
   * map and a bit set per sample. {@link #build} equals what {@link #with} one sample at a time gives: an instance
   * whose minutes did not change keeps its words as they were (the same array), one that gained a minute gets the
   * words of its new bit set, as {@code with} writes them. What {@code build} returns shares nothing with it.
   */
  static final class Accumulator {

    private final InstanceMinutes from;
    private final Instant windowStart;
    /** The instances that gained a minute, with all their minutes; null until the first one does. */
    private Map<String, BitSet> changed;

    Accumulator(InstanceMinutes from, Instant windowStart) {
      this.from = from;
      this.windowStart = windowStart;
    }

    void add(String instance, Instant time) {
      if (instance == null || windowStart == null || time.isBefore(windowStart)) {
        return;
      }
      int minute = minuteOf(windowStart, time);
      if (changed == null) {
        changed = new java.util.HashMap<>();
      }
      BitSet bits = changed.get(instance);
      if (bits == null) {
        long[] words = from.minutesByInstance.get(instance);
        if (words != null && isSet(words, minute)) {
          return; // already there: with() keeps the instance's words as they are
        }
        bits = words == null ? new BitSet() : BitSet.valueOf(words);
        changed.put(instance, bits);
      }
      bits.set(minute);
    }

    /** {@code BitSet.valueOf(words).get(bit)} without building the bit set. */
    private static boolean isSet(long[] words, int bit) {
      int word = bit >>> 6;
      return word < words.length && (words[word] & (1L << bit)) != 0;
    }

    InstanceMinutes build() {
      if (changed == null || changed.isEmpty()) {
        return from;
      }
      TreeMap<String, long[]> next = new TreeMap<>(from.minutesByInstance);
      changed.forEach((instance, bits) -> next.put(instance, bits.toLongArray()));
      return new InstanceMinutes(next);
    }
  }

  public boolean isEmpty() {
    return minutesByInstance.isEmpty();
  }

  public int distinctInstances() {
    return minutesByInstance.size();
  }

  /** Instance-minutes: the sum over minutes of the instances reporting in that minute. */
  public long instanceMinutes() {
    long sum = 0;
    for (long[] words : minutesByInstance.values()) {
      sum += BitSet.valueOf(words).cardinality();
    }
    return sum;
  }

  /** Minutes in which at least one instance reported. */
  public int reportingMinutes() {
    BitSet any = new BitSet();
    for (long[] words : minutesByInstance.values()) {
      any.or(BitSet.valueOf(words));
    }
    return any.cardinality();
  }

  /** Average number of distinct instances per reporting minute; 0 when none reported. */
  public double averagePerMinute() {
    int minutes = reportingMinutes();
    return minutes == 0 ? 0 : (double) instanceMinutes() / minutes;
  }

  /** The largest number of distinct instances reporting in one minute. */
  public int maxPerMinute() {
    Map<Integer, Integer> perMinute = new TreeMap<>();
    int max = 0;
    for (long[] words : minutesByInstance.values()) {
      BitSet bits = BitSet.valueOf(words);
      for (int m = bits.nextSetBit(0); m >= 0; m = bits.nextSetBit(m + 1)) {
        max = Math.max(max, perMinute.merge(m, 1, Integer::sum));
      }
    }
    return max;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof InstanceMinutes other) || other.minutesByInstance.size() != minutesByInstance.size()) {
      return false;
    }
    for (Map.Entry<String, long[]> e : minutesByInstance.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.minutesByInstance.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (Map.Entry<String, long[]> e : minutesByInstance.entrySet()) {
      h += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
    }
    return h;
  }

  @Override
  public String toString() {
    return "InstanceMinutes[instances=" + distinctInstances() + ", instanceMinutes=" + instanceMinutes() + "]";
  }
}
