package io.costwatch.detect;

/** What a detector found. The alert {@code type} is this name. */
public enum FindingType {
  GPU_IDLE,
  GPU_UNDERUTILIZED,
  IDLE_NODES,
  IDLE_DEPLOYMENT,
  BURN_RATE_SPIKE,
  SPEND_SPIKE,
  /** A workspace's usage spend in one hour far above its hour-of-day baseline (billing data with hourly periods). */
  HOURLY_SPEND_SPIKE,
  /** One resource's Bandwidth (data transfer out) spend far above its own baseline. */
  EGRESS_SPIKE,
  /** One storage account's Hot-tier capacity spend far above its own baseline: data stored grew. */
  STORAGE_GROWTH,
  /** A storage account keeps data in the Hot tier that is rarely read: a lifecycle policy would move it. */
  COLD_DATA_IN_HOT_TIER;

  /** The fingerprint type shared by {@link #GPU_IDLE} and {@link #GPU_UNDERUTILIZED}: one alert per GPU waste. */
  public static final String GPU_WASTE = "GPU_WASTE";

  /**
   * The type part of the alert's fingerprint (and so of its id): the same waste keeps one alert while its finding type
   * changes. GPU idle and GPU under-utilisation are one waste whose cause and severity move (a bursty job around the
   * idle threshold is either); every other type is its own name.
   */
  public String fingerprintType() {
    return this == GPU_IDLE || this == GPU_UNDERUTILIZED ? GPU_WASTE : name();
  }
}
