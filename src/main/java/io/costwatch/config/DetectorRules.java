package io.costwatch.config;

import io.costwatch.detect.BurnRateRules;
import io.costwatch.detect.DeploymentRules;
import io.costwatch.detect.GpuRules;
import io.costwatch.detect.SpendRules;

/** The thresholds of every detector, one record per rule family. */
public record DetectorRules(GpuRules gpu, DeploymentRules deployment, BurnRateRules burnRate, SpendRules spend) {

  public static DetectorRules defaults() {
    return new DetectorRules(GpuRules.defaults(), DeploymentRules.defaults(), BurnRateRules.defaults(),
        SpendRules.defaults());
  }
}
