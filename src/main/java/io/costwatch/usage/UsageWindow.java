package io.costwatch.usage;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.SourceRef;
import io.costwatch.core.Versioned;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Telemetry of one scope (workspace, compute or deployment) over one event-time window: the aggregate the
 * telemetry detectors read. It keeps the first and last source record and the record count, so an alert can say
 * which records it was computed from.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}; 0 in state written before the field existed
 */
public record UsageWindow(
    int schemaVersion,
    AzureResourceId scope,
    Instant windowStart,
    Instant windowEnd,
    Map<AzureMetric, MetricStats> metrics,
    long records,
    SourceRef firstSource,
    SourceRef lastSource,
    InstanceMinutes instances) implements Versioned<UsageWindow> {

  /**
   * 2: {@code instances} (the instance ids reporting per minute); 1: the field exists and {@code metrics} is never
   * null. Versions 0 and 1 read with no instances.
   */
  public static final int SCHEMA_VERSION = 2;

  public UsageWindow {
    instances = instances == null ? InstanceMinutes.none() : instances;
  }

  /** A window of the current version without instance ids (diagnostic-settings telemetry, tests). */
  public UsageWindow(AzureResourceId scope, Instant windowStart, Instant windowEnd, Map<AzureMetric, MetricStats> metrics,
      long records, SourceRef firstSource, SourceRef lastSource) {
    this(SCHEMA_VERSION, scope, windowStart, windowEnd, metrics, records, firstSource, lastSource,
        InstanceMinutes.none());
  }

  @Override
  public UsageWindow upgraded() {
    return schemaVersion >= SCHEMA_VERSION ? this : new UsageWindow(SCHEMA_VERSION, scope, windowStart, windowEnd,
        metrics == null ? Map.of() : metrics, records, firstSource, lastSource, instances);
  }

  public static UsageWindow empty() {
    return new UsageWindow(SCHEMA_VERSION, null, null, null, Map.of(), 0, null, null, InstanceMinutes.none());
  }

  /** Adds one minute's value. Uses the sample's average, which is what Azure ML emits per minute for every metric. */
  public UsageWindow add(MetricSample sample) {
    EnumMap<AzureMetric, MetricStats> next = new EnumMap<>(AzureMetric.class);
    next.putAll(metrics);
    next.merge(sample.metric(), MetricStats.empty().add(value(sample)),
        (old, one) -> old.add(value(sample)));
    SourceRef first = firstSource == null ? sample.source() : firstSource;
    return new UsageWindow(SCHEMA_VERSION, sample.scope(), windowStart, windowEnd, Collections.unmodifiableMap(next),
        records + 1, first, sample.source(), instances.with(InstanceMinutes.instanceOf(sample.dimensions()),
            windowStart, sample.time()));
  }

  /** The same aggregate placed in its window (the window bounds are known only when the window is emitted). */
  public UsageWindow in(Instant start, Instant end) {
    return new UsageWindow(SCHEMA_VERSION, scope, start, end, metrics, records, firstSource, lastSource, instances);
  }

  /**
   * Average number of distinct instances (or nodes) that reported per minute, from the telemetry's instance
   * dimension; 0 when no record named an instance (diagnostic settings drop dimensions).
   */
  public double reportingInstances() {
    return instances.averagePerMinute();
  }

  public MetricStats stats(AzureMetric metric) {
    return metrics.getOrDefault(metric, MetricStats.empty());
  }

  public boolean has(AzureMetric metric) {
    return metrics.containsKey(metric) && metrics.get(metric).count() > 0;
  }

  public double average(AzureMetric metric) {
    return stats(metric).average();
  }

  public double hours() {
    return (windowEnd.toEpochMilli() - windowStart.toEpochMilli()) / 3_600_000.0;
  }

  private static double value(MetricSample sample) {
    return sample.metric() == AzureMetric.GPU_ENERGY_JOULES ? sample.total() : sample.average();
  }

  /**
   * The mutable twin of a {@link UsageWindow}, for folding a batch of samples into one window: {@link #add} copies
   * nothing, where {@link UsageWindow#add} copies the metric map, a histogram and the instance map per sample.
   * {@link #build} equals what {@code add} one sample at a time gives (the same fields, the same arithmetic in the same
   * order) and returns the window it started from, the same object, while nothing has been added. What it returns is
   * immutable and shares nothing mutable with the accumulator, which may go on adding.
   */
  static final class Accumulator {

    private final UsageWindow from;
    /** The metrics samples were added to; null until the first (a value often leaves a scope's older window alone). */
    private EnumMap<AzureMetric, MetricStats.Accumulator> stats;
    private final InstanceMinutes.Accumulator instances;
    private AzureResourceId scope;
    private long records;
    private SourceRef firstSource;
    private SourceRef lastSource;

    Accumulator(UsageWindow from) {
      this.from = from;
      this.instances = new InstanceMinutes.Accumulator(from.instances, from.windowStart);
      this.scope = from.scope;
      this.records = from.records;
      this.firstSource = from.firstSource;
      this.lastSource = from.lastSource;
    }

    /** True once a sample has been added. */
    boolean added() {
      return records != from.records;
    }

    void add(MetricSample sample) {
      if (stats == null) {
        stats = new EnumMap<>(AzureMetric.class);
      }
      MetricStats.Accumulator metric = stats.get(sample.metric());
      if (metric == null) {
        MetricStats before = from.metrics.get(sample.metric());
        metric = new MetricStats.Accumulator(before == null ? MetricStats.empty() : before);
        stats.put(sample.metric(), metric);
      }
      metric.add(value(sample));
      scope = sample.scope();
      records++;
      firstSource = firstSource == null ? sample.source() : firstSource;
      lastSource = sample.source();
      instances.add(InstanceMinutes.instanceOf(sample.dimensions()), sample.time());
    }

    UsageWindow build() {
      if (!added()) {
        return from;
      }
      EnumMap<AzureMetric, MetricStats> metrics = new EnumMap<>(AzureMetric.class);
      metrics.putAll(from.metrics);
      stats.forEach((metric, accumulated) -> metrics.put(metric, accumulated.build()));
      return new UsageWindow(SCHEMA_VERSION, scope, from.windowStart, from.windowEnd,
          Collections.unmodifiableMap(metrics), records, firstSource, lastSource, instances.build());
    }
  }
}
