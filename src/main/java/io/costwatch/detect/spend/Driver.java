package io.costwatch.detect.spend;

import java.math.BigDecimal;

/**
 * One root-cause candidate of a spend change: a driver's spend on the day against its own baseline.
 *
 * @param kind the dimension
 * @param name the value in that dimension (a compute name, a meter, a resource id, {@code tag=value})
 * @param actual the driver's spend on the day
 * @param expected the median of the driver's daily spend over the lookback (missing days count as zero)
 * @param delta {@code actual - expected}: the driver's share of the change, in the billing currency
 */
public record Driver(DriverKind kind, String name, BigDecimal actual, BigDecimal expected, BigDecimal delta) {

  /** The map key of this driver's series, e.g. {@code COMPUTE:gpu-cluster}. */
  public String key() {
    return SpendDrivers.key(kind, name);
  }
}
