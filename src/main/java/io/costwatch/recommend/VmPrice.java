package io.costwatch.recommend;

import io.costwatch.core.Money;

/** One row of the price table: a VM size's hourly list price and where the number came from. */
public record VmPrice(String vmSize, int gpus, String gpuModel, int vcpus, String region, Money hourly,
    Money lowPriorityHourly, String downsizeTo, String source, String asOf) {

  public boolean isGpu() {
    return gpus > 0;
  }
}
