package io.costwatch.detect;

import io.costwatch.core.Money;

/** The hourly price of one node of a scope, and where the VM size came from (for the alert's assumption). */
public record NodePrice(String vmSize, Money hourly, String basis) {
}
