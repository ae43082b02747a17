package io.costwatch.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The metric samples of one scope from one event body, in the body's order. Azure Monitor exports a workspace's
 * metrics as bodies of tens of records over a few scopes (one per compute or deployment); the topology windows each
 * scope on one task, so it re-keys the samples, a body's scopes of one workspace together ({@link WorkspaceSamples}).
 * Sending a scope's samples of a body as one value instead of one record each saves Kafka's per-record work on the
 * way (produce, transaction, fetch, Kafka Streams' per-record bookkeeping), which cost more than the windowing itself;
 * this value is also what the repartition topic carried on its own before (format 2).
 *
 * @param scope the scope every sample names (the same {@link AzureResourceId#resourceId()}: the window task's key)
 * @param samples at least one, in the body's order; each keeps its own event time and source coordinates
 */
public record ScopeSamples(int schemaVersion, AzureResourceId scope, List<MetricSample> samples) {

  public static final int SCHEMA_VERSION = 1;

  public ScopeSamples {
    Objects.requireNonNull(scope, "scope");
    if (samples == null || samples.isEmpty()) {
      throw new IllegalArgumentException("a scope's samples need at least one sample");
    }
    samples = List.copyOf(samples);
    for (MetricSample s : samples) {
      // the same id (the usual case, compared without building the resource id strings) or an equal resource id
      if (!scope.equals(s.scope()) && (s.scope() == null || !scope.resourceId().equals(s.scope().resourceId()))) {
        throw new IllegalArgumentException("sample of scope " + (s.scope() == null ? null : s.scope().resourceId())
            + " among the samples of " + scope.resourceId());
      }
    }
  }

  /** One sample on its own (an end-of-input marker, a value written before samples travelled together). */
  public static ScopeSamples of(MetricSample sample) {
    return new ScopeSamples(SCHEMA_VERSION, sample.scope(), List.of(sample));
  }

  /**
   * The samples grouped by scope: one value per scope, the scopes in the order of their first sample, each scope's
   * samples in their order in {@code samples}. Empty for no samples.
   */
  public static List<ScopeSamples> byScope(List<MetricSample> samples) {
    if (samples.isEmpty()) {
      return List.of();
    }
    Map<String, List<MetricSample>> groups = new LinkedHashMap<>();
    AzureResourceId previous = null;
    List<MetricSample> group = null;
    for (MetricSample s : samples) {
      if (s.scope() != previous) { // a body's records of one scope often come together, parsed to one id
        previous = s.scope();
        group = groups.computeIfAbsent(previous.resourceId(), id -> new ArrayList<>());
      }
      group.add(s);
    }
    List<ScopeSamples> out = new ArrayList<>(groups.size());
    for (List<MetricSample> scope : groups.values()) {
      out.add(new ScopeSamples(SCHEMA_VERSION, scope.get(0).scope(), scope));
    }
    return out;
  }

  /** The latest event time among the samples (null only if every sample lacks one). */
  public Instant newest() {
    Instant newest = null;
    for (MetricSample s : samples) {
      if (s.time() != null && (newest == null || s.time().isAfter(newest))) {
        newest = s.time();
      }
    }
    return newest;
  }
}
