package io.costwatch.config;

import io.costwatch.alert.lifecycle.LifecycleRules;
import io.costwatch.detect.BurnRateRules;
import io.costwatch.detect.DeploymentRules;
import io.costwatch.detect.GpuRules;
import io.costwatch.detect.SpendRules;
import io.costwatch.detect.spend.StorageRules;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * The thresholds of every detector, one record per rule family, and the alert lifecycle's rules (how long a condition
 * must hold before an alert opens, how long it must be clear before it resolves).
 *
 * @param storage the egress, Hot-tier growth and cold-data rules ({@code COSTWATCH_EGRESS_*},
 *     {@code COSTWATCH_STORAGE_GROWTH_*}, {@code COSTWATCH_COLD_DATA_*})
 */
public record DetectorRules(GpuRules gpu, DeploymentRules deployment, BurnRateRules burnRate, SpendRules spend,
    LifecycleRules lifecycle, StorageRules storage) {

  /** Alerts open after one window (15 min) of waste, resolve after 30 min clear, re-open no sooner than 1 h later. */
  public static LifecycleRules lifecycleDefaults() {
    return new LifecycleRules(Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1),
        BigDecimal.valueOf(20));
  }
}
