package io.costwatch.detect;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.Money;
import io.costwatch.core.SourceRef;
import java.math.BigDecimal;
import io.costwatch.detect.spend.Driver;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One thing a detector found, with everything needed to trace it: the rule and its thresholds, the window, the
 * observed and expected values, and the first and last source records of the window.
 *
 * @param cause for GPU findings the classified cause ({@code IDLE}, {@code INPUT_BOUND}, {@code OVERSIZED},
 *     {@code LOW_UTILIZATION}) that picks the remedy; null otherwise
 * @param impact the money at stake in {@code impactPeriod} (an ISO-8601 duration: {@code PT1H} for telemetry
 *     findings, {@code P1D} for daily spend)
 * @param vmSize the VM size the impact was priced with, or null
 * @param drivers for spend findings, the largest contributors to the change with their $ delta, largest first
 */
public record Finding(
    FindingType type,
    Severity severity,
    AzureResourceId scope,
    Instant windowStart,
    Instant windowEnd,
    String rule,
    Map<String, BigDecimal> thresholds,
    Map<String, BigDecimal> observed,
    Map<String, BigDecimal> expected,
    String cause,
    Money impact,
    String impactPeriod,
    String vmSize,
    String summary,
    long records,
    SourceRef firstSource,
    SourceRef lastSource,
    List<Driver> drivers) {

  public Finding {
    drivers = drivers == null ? List.of() : List.copyOf(drivers);
  }

  /** A finding without root-cause drivers (every telemetry finding). */
  public Finding(FindingType type, Severity severity, AzureResourceId scope, Instant windowStart, Instant windowEnd,
      String rule, Map<String, BigDecimal> thresholds, Map<String, BigDecimal> observed,
      Map<String, BigDecimal> expected, String cause, Money impact, String impactPeriod, String vmSize,
      String summary, long records, SourceRef firstSource, SourceRef lastSource) {
    this(type, severity, scope, windowStart, windowEnd, rule, thresholds, observed, expected, cause, impact,
        impactPeriod, vmSize, summary, records, firstSource, lastSource, List.of());
  }

  public Finding withSummary(String value) {
    return new Finding(type, severity, scope, windowStart, windowEnd, rule, thresholds, observed, expected, cause,
        impact, impactPeriod, vmSize, value, records, firstSource, lastSource, drivers);
  }

  public Finding withDrivers(List<Driver> value) {
    return new Finding(type, severity, scope, windowStart, windowEnd, rule, thresholds, observed, expected, cause,
        impact, impactPeriod, vmSize, summary, records, firstSource, lastSource, value);
  }
}
