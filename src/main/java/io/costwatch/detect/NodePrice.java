package io.costwatch.detect;

import io.costwatch.core.Money;

/**
 * The hourly price of one node of a scope, and where the VM size came from (for the alert's assumption).
 *
 * @param vcpus the VM size's vCPUs from the price table, 0 when unknown: CPU percentages are of the whole VM, so busy
 *     cores are CPU % x vCPUs
 */
public record NodePrice(String vmSize, Money hourly, String basis, int vcpus) {

  /** A price whose VM size's vCPUs are unknown. */
  public NodePrice(String vmSize, Money hourly, String basis) {
    this(vmSize, hourly, basis, 0);
  }
}
