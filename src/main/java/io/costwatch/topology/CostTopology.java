package io.costwatch.topology;

import io.costwatch.alert.AlertFactory.Published;
import io.costwatch.alert.lifecycle.AlertLifecycle;
import io.costwatch.alert.lifecycle.AlertState;
import io.costwatch.config.AppConfig;
import io.costwatch.core.CostRecord;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.ResourceLinks;
import io.costwatch.core.Money;
import io.costwatch.detect.BurnRateHistory;
import io.costwatch.detect.BurnRateSpikeDetector;
import io.costwatch.detect.NodePrice;
import io.costwatch.detect.Reconciliation;
import io.costwatch.detect.ScopedSpendDetector;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.recommend.NodePricing;
import io.costwatch.usage.DailyEstimate;
import io.costwatch.usage.DailySpend;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.Stores;

/**
 * The one place the stream topology is built; {@code run}, {@code demo}, {@code replay} and every test call it.
 *
 * <pre>
 * metrics raw  -> parse -> [dead letters] -> key by scope -> 15 min windows + grace -> final results -> detect -+
 * billing raw  -> parse -> [dead letters] -> export runs (retract vanished rows) -> line items by identity
 *                        -> daily spend per workspace -> detect -------------------------------------------+
 * feedback     -> parse -> [dead letters] ------------------------------------------------------------------+
 *                        alerts, alert state, recommendations <- lifecycle per fingerprint (OPEN/UPDATE/RESOLVED)
 * </pre>
 */
public final class CostTopology {

  private final AppConfig config;
  private final PipelineMetrics metrics;
  private final NodePricing pricing;

  private CostTopology(AppConfig config, PipelineMetrics metrics, NodePricing pricing) {
    this.config = config;
    this.metrics = metrics;
    this.pricing = pricing;
  }

  public static Topology build(AppConfig config, PipelineMetrics metrics, NodePricing pricing) {
    return new CostTopology(config, metrics, pricing).build();
  }

  private Topology build() {
    StreamsBuilder builder = new StreamsBuilder();
    addStores(builder);
    KStream<String, MetricSample> samples = parsedMetrics(builder);
    KStream<String, CostRecord> costs = parsedBilling(builder);
    KStream<Windowed<String>, UsageWindow> windows = windowUsage(samples);
    KStream<String, LifecycleInput> telemetry = detectTelemetry(windows);
    KTable<String, DailySpend> billed = dailySpend(costs);
    KStream<String, LifecycleInput> spend = detectSpend(spendChanges(billed));
    reconcile(windows, billed);
    KStream<String, LifecycleInput> feedback = feedback(builder);
    publish(lifecycle(telemetry.merge(spend, Named.as("evaluations-merge"))
        .merge(feedback, Named.as("lifecycle-inputs-merge"))));
    return builder.build();
  }

  private void addStores(StreamsBuilder builder) {
    SpendSpikeProcessor.stores(Stores::persistentKeyValueStore).forEach(builder::addStateStore);
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ExportRunTracker.STORE),
        Serdes.String(), Serdes.String()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LineItemChangeFilter.STORE),
        Serdes.String(), Serdes.String()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TelemetryDetection.STORE),
        Serdes.String(), JsonSerde.of(BurnRateHistory.class)));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(AlertLifecycleProcessor.STORE),
        Serdes.String(), JsonSerde.of(AlertState.class)));
  }

  private KStream<String, MetricSample> parsedMetrics(StreamsBuilder builder) {
    KStream<String, ParseResult<MetricSample>> parsed = builder
        .stream(Topics.METRICS_RAW.name(), Topics.METRICS_RAW.consumed().withName("metrics-source"))
        .processValues(() -> new MetricsParseProcessor(metrics, Topics.METRICS_RAW.name()), Named.as("metrics-parse"));
    return routeFailures(parsed, "metrics", Topics.METRICS_RAW.name());
  }

  /**
   * Watched line items keyed by line-item id, and tombstones (null) for the ones a later run of their export no
   * longer has.
   */
  private KStream<String, CostRecord> parsedBilling(StreamsBuilder builder) {
    KStream<String, ParseResult<BillingItem>> parsed = builder
        .stream(Topics.BILLING_RAW.name(), Topics.BILLING_RAW.consumedAsText().withName("billing-source"))
        .processValues(() -> new BillingParseProcessor(metrics, Topics.BILLING_RAW.name()), Named.as("billing-parse"));
    ResourceLinks links = config.resourceLinks();
    return routeFailures(parsed, "billing", Topics.BILLING_RAW.name())
        .mapValues(item -> item.isRow() ? BillingItem.of(links.attach(item.row()), item.exportRun()) : item,
            Named.as("billing-link-resources"))
        .peek((k, item) -> learnVmSize(item.row()), Named.as("billing-learn-vm-sizes"))
        .process(() -> new ExportRunTracker(this::isWatchedUsage, metrics), Named.as("billing-export-runs"),
            ExportRunTracker.STORE);
  }

  /** Rejected records go to the dead-letter topic, ignored ones are counted, parsed ones flow on. */
  private <T> KStream<String, T> routeFailures(KStream<String, ParseResult<T>> parsed, String stage, String topic) {
    Map<String, KStream<String, ParseResult<T>>> branches = parsed.split(Named.as(stage + "-"))
        .branch((k, r) -> r instanceof ParseResult.Rejected<T>, Branched.as("rejected"))
        .branch((k, r) -> r instanceof ParseResult.Ignored<T>, Branched.as("ignored"))
        .defaultBranch(Branched.as("parsed"));
    branches.get(stage + "-rejected")
        .peek((k, r) -> metrics.recordRejected(topic, ((ParseResult.Rejected<T>) r).reason()),
            Named.as(stage + "-rejected-count"))
        .map((k, r) -> KeyValue.pair(DeadLetters.key((ParseResult.Rejected<T>) r),
            DeadLetters.of(stage + "-parse", (ParseResult.Rejected<T>) r)), Named.as(stage + "-dead-letter"))
        .to(Topics.DEAD_LETTERS.name(), Topics.DEAD_LETTERS.produced().withName(stage + "-dead-letter-sink"));
    branches.get(stage + "-ignored")
        .foreach((k, r) -> metrics.recordIgnored(topic, ((ParseResult.Ignored<T>) r).reason()),
            Named.as(stage + "-ignored-count"));
    return branches.get(stage + "-parsed")
        .mapValues(r -> ((ParseResult.Parsed<T>) r).value(), Named.as(stage + "-unwrap"));
  }

  private KStream<Windowed<String>, UsageWindow> windowUsage(KStream<String, MetricSample> samples) {
    return samples
        .selectKey((k, s) -> s.scope().resourceId(), Named.as("metrics-key-by-scope"))
        .groupByKey(Grouped.<String, MetricSample>as("metrics-by-scope")
            .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(MetricSample.class)))
        .windowedBy(TimeWindows.ofSizeAndGrace(config.metricsWindow(), config.metricsGrace()))
        .aggregate(UsageWindow::empty, (scope, sample, window) -> window.add(sample),
            Named.as("usage-aggregate"),
            Materialized.<String, UsageWindow>as(Stores.persistentWindowStore("usage-by-scope-store",
                    config.metricsWindow().plus(config.metricsGrace()).multipliedBy(2), config.metricsWindow(), false))
                .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(UsageWindow.class)))
        .suppress(Suppressed.<Windowed<String>>untilWindowCloses(Suppressed.BufferConfig.unbounded())
            .withName("usage-final"))
        .toStream(Named.as("usage-final-stream"))
        .mapValues((w, usage) -> usage.in(w.window().startTime(), w.window().endTime()), Named.as("usage-in-window"));
  }

  private KStream<String, LifecycleInput> detectTelemetry(KStream<Windowed<String>, UsageWindow> windows) {
    return windows
        .processValues(() -> new TelemetryDetection(config.rules(), pricing, metrics, config.metricsGrace()),
            Named.as("telemetry-detect"), TelemetryDetection.STORE)
        .selectKey((w, input) -> input.fingerprint(), Named.as("telemetry-key-by-fingerprint"));
  }

  private KTable<String, DailySpend> dailySpend(KStream<String, CostRecord> costs) {
    return costs
        .repartition(Repartitioned.<String, CostRecord>as("billing-line-items")
            .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(CostRecord.class)))
        .processValues(() -> new LineItemChangeFilter(config.billingSettle().dividedBy(5)),
            Named.as("billing-line-item-changes"), LineItemChangeFilter.STORE)
        .toTable(Named.as("billing-line-items-table"),
            Materialized.<String, CostRecord>as(Stores.persistentKeyValueStore("billing-line-items-store"))
                .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(CostRecord.class)))
        .groupBy((id, r) -> KeyValue.pair(DailySpend.key(r), r), Grouped.<String, CostRecord>as("spend-by-day")
            .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(CostRecord.class)))
        .aggregate(DailySpend::empty, (k, r, spend) -> spend.add(r), (k, r, spend) -> spend.subtract(r),
            Named.as("daily-spend-aggregate"),
            Materialized.<String, DailySpend>as(Stores.persistentKeyValueStore("daily-spend-store"))
                .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(DailySpend.class)));
  }

  private KStream<String, DailySpend> spendChanges(KTable<String, DailySpend> daily) {
    KStream<String, DailySpend> changes = daily
        .toStream(Named.as("daily-spend-changes"))
        .filter((k, spend) -> spend != null && spend.workspace() != null, Named.as("daily-spend-present"));
    changes.filter((k, spend) -> !FlushMarker.isMarker(spend.workspace()), Named.as("daily-spend-published"))
        .to(Topics.DAILY_SPEND.name(), Topics.DAILY_SPEND.produced().withName("daily-spend-sink"));
    return changes
        .selectKey((k, spend) -> spend.workspace().workspaceId() + "|" + spend.currency(),
            Named.as("daily-spend-key-by-workspace"))
        .repartition(Repartitioned.<String, DailySpend>as("spend-by-workspace")
            .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(DailySpend.class)));
  }

  /**
   * Telemetry's estimate of each workspace-day against its bill, once both exist: an event per revision, a metric,
   * and the ratio that corrects later telemetry estimates of that workspace.
   */
  private void reconcile(KStream<Windowed<String>, UsageWindow> windows, KTable<String, DailySpend> billed) {
    windows
        .filter((w, usage) -> !FlushMarker.isMarker(usage.scope()), Named.as("estimate-real-windows"))
        .flatMap((w, usage) -> estimate(usage).map(c -> List.of(KeyValue.pair(usage.scope().resourceId() + "|"
            + usage.windowStart(), c))).orElse(List.of()), Named.as("estimate-window-cost"))
        .toTable(Named.as("estimate-by-window"), Materialized.<String, DailyEstimate.WindowCost>as(
                Stores.persistentKeyValueStore("estimate-by-window-store"))
            .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(DailyEstimate.WindowCost.class)))
        .groupBy((k, c) -> KeyValue.pair(c.dayKey(), c), Grouped.<String, DailyEstimate.WindowCost>as(
            "estimate-by-day").withKeySerde(Serdes.String()).withValueSerde(
                JsonSerde.of(DailyEstimate.WindowCost.class)))
        .aggregate(DailyEstimate::empty, (k, c, e) -> e.add(c), (k, c, e) -> e.subtract(c),
            Named.as("daily-estimate-aggregate"),
            Materialized.<String, DailyEstimate>as(Stores.persistentKeyValueStore("daily-estimate-store"))
                .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(DailyEstimate.class)))
        .filter((k, e) -> e.coversDay(config.metricsWindow()), Named.as("estimate-whole-days"))
        .join(billed, (estimate, bill) -> Reconciliation.of(estimate.workspace(), estimate.day(),
            new Money(estimate.amount(), estimate.currency()), new Money(bill.amount(), bill.currency())),
            Named.as("reconcile-with-bill"), Materialized.<String, Reconciliation>as(
                Stores.persistentKeyValueStore("reconciliation-store"))
                .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(Reconciliation.class)))
        .toStream(Named.as("reconciliation-changes"))
        .filter((k, r) -> r != null, Named.as("reconciliation-present"))
        .peek((k, r) -> applyReconciliation(r), Named.as("reconciliation-apply"))
        .to(Topics.RECONCILIATION.name(), Topics.RECONCILIATION.produced().withName("reconciliation-sink"));
  }

  /** At list price: an estimate corrected by the ratio it is compared with would feed back into that ratio. */
  private java.util.Optional<DailyEstimate.WindowCost> estimate(UsageWindow usage) {
    NodePrice price = pricing.listPriceOf(usage.scope());
    return BurnRateSpikeDetector.burnRate(usage, price).map(rate -> new DailyEstimate.WindowCost(
        usage.scope(), price.hourly().currency(), usage.windowStart(),
        rate.multiply(BigDecimal.valueOf(usage.hours()))));
  }

  private void applyReconciliation(Reconciliation r) {
    metrics.reconciliation(r.workspace().workspaceId(), r.billed().currency(), r.estimated().amount().doubleValue(),
        r.billed().amount().doubleValue());
    pricing.correct(r);
  }

  private KStream<String, LifecycleInput> detectSpend(KStream<String, DailySpend> daily) {
    ScopedSpendDetector detector = new ScopedSpendDetector(config.spendRules());
    int keepDays = config.spendRules().maxLookbackDays() + 7;
    return daily.process(() -> new SpendSpikeProcessor(detector, config.billingLateness(), keepDays,
            config.rules().spend().lookbackDays(), config.billingSettle(), StorageDetection.of(config)),
        Named.as("spend-detect"), SpendSpikeProcessor.storeNames());
  }

  private KStream<String, LifecycleInput> feedback(StreamsBuilder builder) {
    KStream<String, ParseResult<FeedbackCommand>> parsed = builder
        .stream(Topics.FEEDBACK.name(), Topics.FEEDBACK.consumedAsText().withName("feedback-source"))
        .processValues(() -> new FeedbackParseProcessor(metrics, Topics.FEEDBACK.name()), Named.as("feedback-parse"));
    return routeFailures(parsed, "feedback", Topics.FEEDBACK.name())
        .map((k, f) -> KeyValue.pair(f.fingerprint(), LifecycleInput.feedback(f.fingerprint(), f.feedback())),
            Named.as("feedback-key-by-fingerprint"));
  }

  /** One state per fingerprint: every input of an alert goes through one repartition topic to one task. */
  private KStream<String, Published> lifecycle(KStream<String, LifecycleInput> inputs) {
    AlertLifecycle lifecycle = new AlertLifecycle(config.rules().lifecycle());
    return inputs
        .repartition(Repartitioned.<String, LifecycleInput>as("alert-lifecycle-by-fingerprint")
            .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(LifecycleInput.class)))
        .processValues(() -> new AlertLifecycleProcessor(lifecycle), Named.as("alert-lifecycle"),
            AlertLifecycleProcessor.STORE)
        .selectKey((k, p) -> p.alert().alertId(), Named.as("alerts-key-by-alert-id"));
  }

  private void publish(KStream<String, Published> all) {
    Map<String, KStream<String, Published>> routes = all.split(Named.as("findings-"))
        .branch((id, p) -> FlushMarker.isAcknowledgement(p), Branched.as("end-of-input"))
        .defaultBranch(Branched.as("real"));
    routes.get("findings-end-of-input")
        .map((id, p) -> KeyValue.pair(p.alert().type(), p.alert().windowEnd().toString()), Named.as("control-event"))
        .to(Topics.CONTROL.name(), Topics.CONTROL.produced().withName("control-sink"));
    KStream<String, Published> findings = routes.get("findings-real");
    findings
        .peek((id, p) -> reportPublished(p), Named.as("alerts-count"))
        .mapValues(Published::alert, Named.as("alerts-event"))
        .to(Topics.ALERTS.name(), Topics.ALERTS.produced().withName("alerts-sink"));
    findings
        .mapValues(Published::alert, Named.as("alert-state-event"))
        .to(Topics.ALERT_STATE.name(), Topics.ALERT_STATE.produced().withName("alert-state-sink"));
    findings
        .flatMap((id, p) -> p.recommendations().stream()
            .map(r -> KeyValue.pair(r.recommendationId(), r)).toList(), Named.as("recommendations-events"))
        .to(Topics.RECOMMENDATIONS.name(), Topics.RECOMMENDATIONS.produced().withName("recommendations-sink"));
  }

  private void reportPublished(Published p) {
    double waste = "PT1H".equals(p.alert().impact().period()) ? p.alert().impact().amount().doubleValue() : 0;
    String action = p.recommendations().isEmpty() ? "NONE" : p.recommendations().get(0).action();
    double savings = p.recommendations().isEmpty() ? 0
        : p.recommendations().get(0).estimatedMonthlySavings().amount().doubleValue();
    metrics.alertPublished(p.alert().alertId(), p.alert().type(), p.alert().severity().name(),
        p.alert().status().name(), waste, action, savings);
  }

  private void learnVmSize(CostRecord record) {
    if (record != null && record.workspace() != null) {
      pricing.learn(record.workspace(), record.vmSize());
    }
  }

  private boolean isWatchedUsage(CostRecord record) {
    if (FlushMarker.isMarker(record.workspace())) {
      return true;
    }
    if (!record.isAzureMl()) {
      metrics.recordIgnored(Topics.BILLING_RAW.name(), "not-azure-ml");
      return false;
    }
    if (record.basis() != config.spendBasis()) {
      metrics.recordIgnored(Topics.BILLING_RAW.name(), "other-cost-basis");
      return false;
    }
    if (!record.chargeKind().isUsage()) {
      metrics.recordIgnored(Topics.BILLING_RAW.name(), "non-usage-" + record.chargeKind().name().toLowerCase(
          java.util.Locale.ROOT).replace('_', '-'));
      return false;
    }
    return true;
  }

}
