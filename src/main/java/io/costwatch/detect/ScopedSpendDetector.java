package io.costwatch.detect;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.SourceRef;
import io.costwatch.detect.ScopedSpendRules.Resolution;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The daily spend-spike rule with each workspace's own thresholds ({@link ScopedSpendRules}). One detector per
 * distinct resolution is kept (there are at most as many as override chains), shared by all stream threads.
 */
public final class ScopedSpendDetector {

  private final ScopedSpendRules rules;
  private final Map<Resolution, SpendSpikeDetector> detectors = new ConcurrentHashMap<>();

  public ScopedSpendDetector(ScopedSpendRules rules) {
    this.rules = rules;
  }

  /** As {@link SpendSpikeDetector#evaluate(AzureResourceId, String, NavigableMap, LocalDate, long, SourceRef,
   * SourceRef)} with the workspace's thresholds; a finding from an override names it in its summary. */
  public Optional<Finding> evaluate(AzureResourceId workspace, String currency, NavigableMap<LocalDate, BigDecimal> daily,
      LocalDate day, long records, SourceRef firstSource, SourceRef lastSource) {
    return detectorFor(workspace).evaluate(workspace, currency, daily, day, records, firstSource, lastSource);
  }

  public SpendSpikeDetector detectorFor(AzureResourceId workspace) {
    return detectors.computeIfAbsent(rules.resolve(workspace), r -> new SpendSpikeDetector(r.rules(),
        r.overridden() ? r.source() : null));
  }
}
