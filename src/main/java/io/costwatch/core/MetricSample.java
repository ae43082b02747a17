package io.costwatch.core;

import java.time.Instant;
import java.util.Map;

/**
 * One Azure Monitor metric value for one minute, normalised from either export shape (diagnostic settings:
 * lower-case numeric aggregates and no dimensions; DCR export: capitalised string aggregates and a
 * {@code dimension} object).
 *
 * @param scope the finest scope the record names: the workspace when it has no compute or deployment dimension
 * @param metric the canonical metric
 * @param time the start of the minute the value describes, UTC (Azure Monitor's {@code time}, see README)
 * @param dimensions the record's dimensions with lower-cased keys; empty for diagnostic settings
 */
public record MetricSample(
    int schemaVersion,
    AzureResourceId scope,
    AzureMetric metric,
    Instant time,
    double average,
    double minimum,
    double maximum,
    double total,
    long count,
    Map<String, String> dimensions,
    SourceRef source) {

  public static final int SCHEMA_VERSION = 1;
}
