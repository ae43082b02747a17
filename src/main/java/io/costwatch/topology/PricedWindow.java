package io.costwatch.topology;

import io.costwatch.recommend.LearntVmSize;
import io.costwatch.recommend.PriceCorrection;
import io.costwatch.usage.UsageWindow;

/**
 * A final usage window with the reference data its price depends on, joined in from the global tables: the VM size
 * learnt from billing for its scope and its workspace's price correction (each null while none is known).
 */
record PricedWindow(UsageWindow usage, LearntVmSize learntSize, PriceCorrection correction) {

  static PricedWindow of(UsageWindow usage, LearntVmSize learntSize) {
    return new PricedWindow(usage, learntSize, null);
  }

  PricedWindow withCorrection(PriceCorrection value) {
    return new PricedWindow(usage, learntSize, value);
  }
}
