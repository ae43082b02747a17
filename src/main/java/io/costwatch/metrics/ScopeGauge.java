package io.costwatch.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A gauge family whose series may each stand for several sources: an admitted workspace stands for itself, the
 * {@code other} workspace for every workspace beyond the cap. Each series keeps the latest value per source and
 * reports their sum (money rates add up) or mean (percentages do not).
 *
 * <p>The {@code other} series has one source per overflow scope, so its sources grow with the estate: they are kept
 * in {@link HashedRows} (two longs' worth a scope, by the 64-bit hash of its name) rather than a map of strings to
 * boxed doubles (a map node, the name and a {@code Double} per scope: see the memory run in
 * src/site/markdown/benchmarks.md).
 */
final class ScopeGauge {

  enum Combine { SUM, MEAN }

  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final String baseUnit;
  private final Combine combine;
  private final Map<Tags, HashedRows> series = new ConcurrentHashMap<>();

  ScopeGauge(MeterRegistry registry, String name, String description, String baseUnit, Combine combine) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.baseUnit = baseUnit;
    this.combine = combine;
  }

  /** Sets the latest value of {@code source} in the series labelled {@code tags}. */
  void set(Tags tags, String source, double value) {
    HashedRows sources = series.computeIfAbsent(tags, this::register);
    long key = HashedRows.key(source);
    synchronized (sources) {
      sources.set(sources.row(key), 0, value);
    }
  }

  private HashedRows register(Tags tags) {
    HashedRows sources = new HashedRows(1);
    Gauge.builder(name, sources, this::combine)
        .description(description)
        .baseUnit(baseUnit)
        .tags(tags)
        .strongReference(true)
        .register(registry);
    return sources;
  }

  private double combine(HashedRows sources) {
    double[] sumAndCount = new double[2];
    synchronized (sources) {
      sources.forEachRow(row -> {
        double value = sources.get(row, 0);
        if (!Double.isNaN(value)) {
          sumAndCount[0] += value;
          sumAndCount[1]++;
        }
      });
    }
    double sum = sumAndCount[0];
    double count = sumAndCount[1];
    if (count == 0) {
      return Double.NaN;
    }
    return combine == Combine.SUM ? sum : sum / count;
  }
}
