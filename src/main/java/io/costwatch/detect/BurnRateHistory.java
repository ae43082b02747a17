package io.costwatch.detect;

import io.costwatch.core.Versioned;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The recent burn rates of one scope, oldest first, at most {@code capacity} windows: the state the burn-rate spike
 * rule needs, as an immutable value a Kafka Streams aggregate can store (a record of a list of records: plain JSON).
 *
 * <p>Adding a window that is already present replaces its value, so a replayed or re-emitted window does not count
 * twice; a late window is inserted in start order; beyond capacity the oldest windows are dropped.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}; 0 in state written before the field existed
 */
public record BurnRateHistory(int schemaVersion, int capacity, List<BurnRatePoint> points)
    implements Versioned<BurnRateHistory> {

  /** 1: the field exists; version 0 has the same fields and reads unchanged. */
  public static final int SCHEMA_VERSION = 1;

  public static final int DEFAULT_CAPACITY = 96;

  @Override
  public BurnRateHistory upgraded() {
    return schemaVersion >= SCHEMA_VERSION ? this : new BurnRateHistory(SCHEMA_VERSION, capacity, points);
  }

  public BurnRateHistory {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity=" + capacity + " must be at least 1");
    }
    points = points == null ? List.of() : List.copyOf(points);
  }

  public static BurnRateHistory empty() {
    return empty(DEFAULT_CAPACITY);
  }

  public static BurnRateHistory empty(int capacity) {
    return new BurnRateHistory(SCHEMA_VERSION, capacity, List.of());
  }

  /** This history with {@code window}'s burn rate recorded under the window's start. */
  public BurnRateHistory with(UsageWindow window, BigDecimal burnRate) {
    return with(window.windowStart(), burnRate);
  }

  public BurnRateHistory with(Instant windowStart, BigDecimal burnRate) {
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(burnRate, "burnRate");
    List<BurnRatePoint> next = new ArrayList<>(points.size() + 1);
    for (BurnRatePoint p : points) {
      if (!p.windowStart().equals(windowStart)) {
        next.add(p);
      }
    }
    next.add(new BurnRatePoint(windowStart, burnRate));
    next.sort(Comparator.comparing(BurnRatePoint::windowStart));
    List<BurnRatePoint> bounded = next.size() <= capacity ? next : next.subList(next.size() - capacity, next.size());
    return new BurnRateHistory(SCHEMA_VERSION, capacity, bounded);
  }

  /** Burn rates of windows starting in {@code [from, before)}, oldest first. */
  public List<BigDecimal> between(Instant from, Instant before) {
    List<BigDecimal> out = new ArrayList<>();
    for (BurnRatePoint p : points) {
      if (!p.windowStart().isBefore(from) && p.windowStart().isBefore(before)) {
        out.add(p.burnRate());
      }
    }
    return out;
  }

  public int size() {
    return points.size();
  }
}
