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
 */
final class ScopeGauge {

  enum Combine { SUM, MEAN }

  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final String baseUnit;
  private final Combine combine;
  private final Map<Tags, Map<String, Double>> series = new ConcurrentHashMap<>();

  ScopeGauge(MeterRegistry registry, String name, String description, String baseUnit, Combine combine) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.baseUnit = baseUnit;
    this.combine = combine;
  }

  /** Sets the latest value of {@code source} in the series labelled {@code tags}. */
  void set(Tags tags, String source, double value) {
    series.computeIfAbsent(tags, this::register).put(source, value);
  }

  private Map<String, Double> register(Tags tags) {
    Map<String, Double> sources = new ConcurrentHashMap<>();
    Gauge.builder(name, sources, this::combine)
        .description(description)
        .baseUnit(baseUnit)
        .tags(tags)
        .strongReference(true)
        .register(registry);
    return sources;
  }

  private double combine(Map<String, Double> sources) {
    double sum = 0;
    int count = 0;
    for (double value : sources.values()) {
      if (!Double.isNaN(value)) {
        sum += value;
        count++;
      }
    }
    if (count == 0) {
      return Double.NaN;
    }
    return combine == Combine.SUM ? sum : sum / count;
  }
}
