package io.costwatch.topology;

import java.time.Duration;

/**
 * What the topology reports while it runs. The Micrometer implementation lives in {@code io.costwatch.metrics};
 * topology tests use {@link #NONE}. Implementations must be thread-safe (one call per record from stream threads)
 * and must keep label cardinality bounded (workspace labels capped, never subscription, node or VM ids).
 */
public interface PipelineMetrics {

  /** A record read from an input topic ({@code topic} is the topic name). */
  void recordIn(String topic);

  /** A record sent to the dead-letter topic. */
  void recordRejected(String topic, String reason);

  /** A valid record deliberately not used (for example a metric Costwatch has no rule for). */
  void recordIgnored(String topic, String reason);

  /**
   * A closed telemetry window of one scope: its estimated burn rate ($/h, in {@code currency}) and average GPU
   * utilisation in percent (NaN when the window had no GPU metric). {@code cluster} is null at workspace scope.
   */
  void usageWindow(String workspace, String cluster, double burnRatePerHour, String currency,
      double gpuUtilizationPercent);

  /**
   * An alert event published. {@code wastePerHour} is the finding's hourly waste (0 for spend findings),
   * {@code action} the first recommendation's action (or "NONE") and {@code savingsPerMonth} its savings over the
   * estimate's horizon; both amounts are in {@code currency}.
   */
  void alertPublished(String alertId, String type, String severity, String status, String currency,
      double wastePerHour, String action, double savingsPerMonth);

  /**
   * An open alert found in the alert state store when a lifecycle task starts (a restart, a rebalance): it is open
   * again in the open-alert, waste and savings gauges, and nothing is counted as published.
   */
  default void alertRestored(String alertId, String type, String severity, String currency, double wastePerHour,
      String action, double savingsPerMonth) {
  }

  /** The open alerts of a lifecycle task that was closed or moved to another instance leave the gauges with it. */
  default void alertsReleased(java.util.Collection<String> alertIds) {
  }

  /** Wall-clock time from a window's end (+ grace) to its alert, i.e. detection latency after the window closed. */
  void windowToAlertLatency(Duration latency);

  /** Event-time lag of an input: wall clock minus the record's event time. */
  void eventTimeLag(String input, Duration lag);

  /** A day's telemetry estimate of a workspace against its bill ({@code billed / estimated}). */
  void reconciliation(String workspace, String currency, double estimated, double billed);

  /**
   * An export run ended for one export scope: {@code outcome} is {@code complete} (its vanished rows were retracted,
   * {@code retracted} of them) or {@code incomplete} (fewer rows arrived than the run published; nothing retracted).
   */
  void exportRunEnded(String outcome, long retracted);

  PipelineMetrics NONE = new Silent();

  /** Records nothing; a base for metrics that watch only some of the events. */
  class Silent implements PipelineMetrics {
    @Override
    public void exportRunEnded(String outcome, long retracted) {
    }

    @Override
    public void recordIn(String topic) {
    }

    @Override
    public void recordRejected(String topic, String reason) {
    }

    @Override
    public void recordIgnored(String topic, String reason) {
    }

    @Override
    public void usageWindow(String workspace, String cluster, double burnRatePerHour, String currency,
        double gpuUtilizationPercent) {
    }

    @Override
    public void alertPublished(String alertId, String type, String severity, String status, String currency,
        double wastePerHour, String action, double savingsPerMonth) {
    }

    @Override
    public void windowToAlertLatency(Duration latency) {
    }

    @Override
    public void eventTimeLag(String input, Duration lag) {
    }

    @Override
    public void reconciliation(String workspace, String currency, double estimated, double billed) {
    }
  }
}
