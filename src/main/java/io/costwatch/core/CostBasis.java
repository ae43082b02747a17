package io.costwatch.core;

/** Actual (billed) and amortized (effective) costs describe the same money twice: never add them up. */
public enum CostBasis {
  ACTUAL,
  AMORTIZED
}
