package io.costwatch.detect.spend;

import io.costwatch.detect.SeverityTiers;
import io.costwatch.detect.SpendRules;
import java.math.BigDecimal;

/**
 * Thresholds of the storage and network rules of a workspace's billing.
 *
 * @param egress the spike rule on one resource's daily data-transfer-out spend (same baseline and gates as the spend
 *     rule, with a smaller $ floor: one resource's egress is a fraction of a workspace's spend)
 * @param storageGrowth the spike rule on one storage account's daily Hot-tier capacity spend
 * @param coldData when Hot-tier data counts as rarely read, and how the lifecycle policy is priced
 */
public record StorageRules(SpendRules egress, SpendRules storageGrowth, ColdData coldData) {

  /**
   * @param observationDays days (ending with the evaluated day) over which stored GB and reads are averaged
   * @param minObservedDays fewer days with Hot-tier capacity rows than this: no verdict
   * @param coolMaxReadFraction at most this share of the stored GB read per month: move to Cool
   * @param archiveMaxReadFraction at most this share read per month (about nothing): move to Archive
   * @param assumedMbPerRead MB one Hot read operation is assumed to return (billing has the count, not the bytes)
   * @param minMonthlySavings no recommendation below this net monthly saving, in the billing currency
   * @param coolAfterDays the policy's {@code daysAfterModificationGreaterThan} for Cool (the tier's minimum stay)
   * @param archiveAfterDays the same for Archive
   * @param dailyTiers severity floors for the daily saving (most accounts stay LOW)
   */
  public record ColdData(int observationDays, int minObservedDays, double coolMaxReadFraction,
      double archiveMaxReadFraction, BigDecimal assumedMbPerRead, BigDecimal minMonthlySavings, int coolAfterDays,
      int archiveAfterDays, SeverityTiers dailyTiers) {

    public static ColdData defaults() {
      return new ColdData(28, 7, 0.10, 0.001, new BigDecimal("4"), new BigDecimal("10"), 30, 180,
          new SeverityTiers(new BigDecimal("50"), new BigDecimal("500"), new BigDecimal("5000")));
    }
  }

  /**
   * Egress: 28 days of lookback, 7 days of history, +$20, +50 % and 3.5 robust z. Storage growth: the same lookback,
   * +$5 a day (about 8 TB more in Hot LRS at list price), +20 % and 3.5 robust z.
   */
  public static StorageRules defaults() {
    return new StorageRules(
        new SpendRules(28, 7, new BigDecimal("20"), 50, 3.5,
            new SeverityTiers(new BigDecimal("50"), new BigDecimal("500"), new BigDecimal("2500"))),
        new SpendRules(28, 7, new BigDecimal("5"), 20, 3.5,
            new SeverityTiers(new BigDecimal("25"), new BigDecimal("250"), new BigDecimal("1000"))),
        ColdData.defaults());
  }
}
