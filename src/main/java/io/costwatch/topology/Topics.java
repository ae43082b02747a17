package io.costwatch.topology;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.owners.ResourceOwners;
import io.costwatch.detect.Reconciliation;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.monitorapi.MetricsWatermark;
import io.costwatch.recommend.LearntVmSize;
import io.costwatch.recommend.PriceCorrection;
import io.costwatch.recommend.RecommendationEvent;
import io.costwatch.usage.DailySpend;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;

/** The topic catalogue: every topic Costwatch reads or writes, declared once. Rendered into topology/topics.md. */
public final class Topics {

  private static final Map<String, String> WEEK = Map.of("cleanup.policy", "delete", "retention.ms", "604800000");
  private static final Map<String, String> MONTHS = Map.of("cleanup.policy", "delete", "retention.ms", "7776000000");

  public static final TopicSpec<String, String> METRICS_RAW = new TopicSpec<>("azure.monitor-metrics.raw.v1",
      Serdes.String(), Serdes.String(), 6, WEEK, "resource id (or null)",
      "Azure Monitor event body `{\"records\":[...]}` (UTF-8 JSON)", "bridge, ingest, demo, poll-metrics", "costwatch topology");

  public static final TopicSpec<String, RawBillingRow> BILLING_RAW = new TopicSpec<>("azure.cost-exports.raw.v1",
      Serdes.String(), JsonSerde.of(RawBillingRow.class), 6, MONTHS,
      "export scope (a parsed row, and its run's end), else export run",
      "RawBillingRow: header -> value of one export row, with file and line", "bridge, ingest, demo",
      "costwatch topology");

  public static final TopicSpec<String, DeadLetter> DEAD_LETTERS = new TopicSpec<>("costwatch.dead-letters.v1",
      Serdes.String(), JsonSerde.of(DeadLetter.class), 1, MONTHS, "source coordinates",
      "DeadLetter: stage, reason, field, source, raw text", "costwatch topology", "operators");

  public static final TopicSpec<String, AlertEvent> ALERTS = new TopicSpec<>("cost.alerts.v1", Serdes.String(),
      JsonSerde.of(AlertEvent.class), 3, MONTHS, "alertId", "AlertEvent (schemaVersion 1)", "costwatch topology",
      "on-call bridges, Alertmanager sink, downstream services");

  public static final TopicSpec<String, RecommendationEvent> RECOMMENDATIONS = new TopicSpec<>(
      "cost.recommendations.v1", Serdes.String(), JsonSerde.of(RecommendationEvent.class), 3, MONTHS,
      "recommendationId", "RecommendationEvent (schemaVersion 1)", "costwatch topology",
      "FinOps tooling, downstream services");

  public static final TopicSpec<String, AlertEvent> ALERT_STATE = new TopicSpec<>("cost.alert-state.v1",
      Serdes.String(), JsonSerde.of(AlertEvent.class), 3, Map.of("cleanup.policy", "compact"), "alertId",
      "AlertEvent: the latest event of every alert (compacted), for consumers that start late",
      "costwatch topology", "dashboards, `costwatch feedback`, delivery sinks rebuilding their firing set");

  public static final TopicSpec<String, FeedbackCommand> FEEDBACK = new TopicSpec<>("cost.alert-feedback.v1",
      Serdes.String(), JsonSerde.of(FeedbackCommand.class), 3, MONTHS, "fingerprint (type|resourceId|currency)",
      "FeedbackCommand: acknowledge, snooze, expected, false positive", "`costwatch feedback`, chat bridges",
      "costwatch topology");

  public static final TopicSpec<String, DailySpend> DAILY_SPEND = new TopicSpec<>("cost.daily-spend.v1",
      Serdes.String(), JsonSerde.of(DailySpend.class), 3, Map.of("cleanup.policy", "compact"),
      "workspaceId|currency|day", "DailySpend: a workspace's usage spend of one UTC day in one currency, with its "
          + "drivers; every revision (compacted: the latest total)", "costwatch topology",
      "FinOps dashboards, replay's daily-spend.json");

  public static final TopicSpec<String, Reconciliation> RECONCILIATION = new TopicSpec<>("cost.reconciliation.v1",
      Serdes.String(), JsonSerde.of(Reconciliation.class), 3, Map.of("cleanup.policy", "compact"),
      "workspaceId|currency|day", "Reconciliation: telemetry's compute estimate of a workspace-day against its "
          + "billed usage, ratio and correction factor", "costwatch topology", "FinOps dashboards");

  public static final TopicSpec<String, LearntVmSize> VM_SIZES = new TopicSpec<>("costwatch.vm-sizes.v1",
      Serdes.String(), JsonSerde.of(LearntVmSize.class), 3, Map.of("cleanup.policy", "compact"),
      "compute label, lower case (workspace/compute)", "LearntVmSize: the VM size billing rows show for a compute "
          + "(compacted: the latest), read back as a global table by telemetry pricing", "costwatch topology",
      "costwatch topology (global table `vm-sizes-global-store`)");

  public static final TopicSpec<String, PriceCorrection> PRICE_CORRECTIONS = new TopicSpec<>(
      "costwatch.price-corrections.v1", Serdes.String(), JsonSerde.of(PriceCorrection.class), 3,
      Map.of("cleanup.policy", "compact"), "workspaceId, lower case", "PriceCorrection: a workspace's latest "
          + "reconciliation factor (billed / estimated, clamped; compacted), read back as a global table by "
          + "telemetry pricing", "costwatch topology", "costwatch topology (global table "
          + "`price-corrections-global-store`)");

  public static final TopicSpec<String, ResourceOwners> OWNERS = new TopicSpec<>("costwatch.owners.v1",
      Serdes.String(), JsonSerde.of(ResourceOwners.class), 3, Map.of("cleanup.policy", "compact"),
      "resource id, lower case", "ResourceOwners: the team/owner/cost-center tags billing rows show for a "
          + "resource or workspace, written when they change (compacted: the latest), read back as a global table "
          + "to put owners on alerts", "costwatch topology", "costwatch topology (global table `owners-global-store`)");

  public static final TopicSpec<String, String> CONTROL = new TopicSpec<>("costwatch.control.v1", Serdes.String(),
      Serdes.String(), 1, WEEK, "stage", "end-of-input acknowledgements of bounded runs (replay, demo)",
      "costwatch topology", "replay and demo drivers");

  public static final TopicSpec<String, MetricsWatermark> METRICS_API_WATERMARKS = new TopicSpec<>(
      "costwatch.metrics-api-watermarks.v1", Serdes.String(), JsonSerde.of(MetricsWatermark.class), 1,
      Map.of("cleanup.policy", "compact"), "resource id (lower case)",
      "MetricsWatermark: the last minute the Metrics API poller published for the resource, written in the same "
          + "transaction as the metric records (compacted)", "`costwatch poll-metrics` (and `run` when configured)",
      "the poller itself, on start");

  private Topics() {
  }

  /** Every topic Costwatch creates itself (Kafka Streams creates its own changelog and repartition topics). */
  public static List<TopicSpec<?, ?>> all() {
    return List.of(METRICS_RAW, BILLING_RAW, DEAD_LETTERS, ALERTS, RECOMMENDATIONS, ALERT_STATE, FEEDBACK,
        DAILY_SPEND, RECONCILIATION, VM_SIZES, PRICE_CORRECTIONS, OWNERS, CONTROL, METRICS_API_WATERMARKS);
  }
}
