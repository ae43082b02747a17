package io.costwatch.topology;

import io.costwatch.alert.AlertFactory.Published;
import io.costwatch.alert.lifecycle.AlertLifecycle;
import io.costwatch.alert.owners.OwnerSettings;
import io.costwatch.alert.owners.ResourceOwners;
import io.costwatch.config.AppConfig;
import io.costwatch.core.CostRecord;
import io.costwatch.core.Money;
import io.costwatch.core.ParseResult;
import io.costwatch.core.ResourceLinks;
import io.costwatch.core.ScopeSamples;
import io.costwatch.core.WorkspaceSamples;
import io.costwatch.detect.BurnRateSpikeDetector;
import io.costwatch.detect.NodePrice;
import io.costwatch.detect.Reconciliation;
import io.costwatch.detect.ScopedSpendDetector;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.recommend.LearntVmSize;
import io.costwatch.recommend.NodePricing;
import io.costwatch.recommend.PriceBook;
import io.costwatch.recommend.PriceCorrection;
import io.costwatch.usage.DailyEstimate;
import io.costwatch.usage.DailySpend;
import io.costwatch.usage.ScopeWindowing;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The one place the stream topology is built; {@code run}, {@code demo}, {@code replay} and every test call it.
 *
 * <pre>
 * metrics raw  -> parse -> [dead letters] -> key by scope -> 15 min windows closed per scope -> [late: dead letters]
 *                        -> final results -> detect ----------------------------------------------------------+
 * billing raw  -> parse -> [dead letters] -> export runs (retract vanished rows) -> line items by identity
 *                        -> daily spend per workspace -> detect -------------------------------------------+
 *                        -> owner tags when changed -> costwatch.owners.v1 (global table, joined into alerts)
 * feedback     -> parse -> [dead letters] ------------------------------------------------------------------+
 *                        alerts, alert state, recommendations <- lifecycle per fingerprint (OPEN/UPDATE/RESOLVED)
 * </pre>
 */
public final class CostTopology {

  /** The global table of learnt owners (published on change by {@link PublishOnChange}), joined into every alert. */
  public static final String OWNERS_STORE = "owners-global-store";

  /** The global table of VM sizes learnt from billing ({@code <name>-store}), joined into every final window. */
  public static final String VM_SIZES_STORE = "vm-sizes-global-store";

  private final AppConfig config;
  private final PipelineMetrics metrics;
  private final NodePricing pricing;
  private final TableUpdates tables;

  private CostTopology(AppConfig config, PipelineMetrics metrics, TableUpdates tables) {
    this.config = config;
    this.metrics = metrics;
    this.tables = tables;
    PriceBook prices = config.pricesFile() == null ? PriceBook.shipped() : PriceBook.withOverrides(config.pricesFile());
    this.pricing = new NodePricing(prices, config.computeSkus(), config.defaultVmSize());
  }

  public static Topology build(AppConfig config) {
    return build(config, PipelineMetrics.NONE);
  }

  public static Topology build(AppConfig config, PipelineMetrics metrics) {
    return build(config, metrics, TableUpdates.COALESCED);
  }

  /** @param tables {@link TableUpdates#EVERY} for a bounded run, whose output must depend on its input only */
  public static Topology build(AppConfig config, PipelineMetrics metrics, TableUpdates tables) {
    return new CostTopology(config, metrics, tables).build();
  }

  private Topology build() {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, WorkspaceSamples> samples = parsedMetrics(builder);
    KStream<String, CostRecord> costs = parsedBilling(builder);
    KStream<Windowed<String>, UsageWindow> windows = windowUsage(samples);
    KTable<String, DailySpend> billed = dailySpend(costs);
    KStream<String, LifecycleInput> spend = detectSpend(spendChanges(billed));
    // the global tables come after the spend side, so sub-topologies 0-4 (and their task ids) stay as they were
    KStream<Windowed<String>, PricedWindow> priced = priceWindows(builder, windows);
    KStream<String, LifecycleInput> telemetry = detectTelemetry(priced);
    reconcile(priced, billed);
    KStream<String, LifecycleInput> feedback = feedback(builder);
    publish(builder, lifecycle(telemetry.merge(spend, Named.as("evaluations-merge"))
        .merge(feedback, Named.as("lifecycle-inputs-merge"))));
    return builder.build();
  }

  private RangeChecks ranges() {
    return new RangeChecks(config.plausibility());
  }

  /** Values of a state store: an unreadable stored value resets that key (see {@link JsonSerde#stored}). */
  private <T> Serde<T> stored(Class<T> type, String store) {
    return JsonSerde.stored(type, store, metrics);
  }

  /** Counts an unreadable stored value, reset to its key's initial state, as {@code unreadable-state} of its store. */
  private java.util.function.Consumer<String> unreadable() {
    return store -> metrics.recordRejected(store, "unreadable-state");
  }

  /** Each raw body's valid samples, one value per workspace (see {@link MetricsParseProcessor}). */
  private KStream<String, WorkspaceSamples> parsedMetrics(StreamsBuilder builder) {
    KStream<String, ParseResult<WorkspaceSamples>> parsed = builder
        .stream(Topics.METRICS_RAW.name(), Topics.METRICS_RAW.consumed().withName("metrics-source"))
        .processValues(() -> new MetricsParseProcessor(metrics, Topics.METRICS_RAW.name(), ranges()), Named.as("metrics-parse"));
    return routeFailures(parsed, "metrics", Topics.METRICS_RAW.name());
  }

  /**
   * Watched line items keyed by line-item id, and tombstones (null) for the ones a later run of their export no
   * longer has.
   */
  private KStream<String, CostRecord> parsedBilling(StreamsBuilder builder) {
    KStream<String, ParseResult<BillingItem>> parsed = builder
        .stream(Topics.BILLING_RAW.name(), Topics.BILLING_RAW.consumedAsText().withName("billing-source"))
        .processValues(() -> new BillingParseProcessor(metrics, Topics.BILLING_RAW.name(), ranges()), Named.as("billing-parse"));
    ResourceLinks links = config.resourceLinks();
    KStream<String, BillingItem> items = routeFailures(parsed, "billing", Topics.BILLING_RAW.name())
        .mapValues(item -> item.isRow() ? BillingItem.of(links.attach(item.row()), item.exportRun()) : item,
            Named.as("billing-link-resources"));
    items.process(PublishOnChange.supplier("billing-vm-sizes-sent-store",
            stored(LearntVmSize.class, "billing-vm-sizes-sent-store"), this::learntVmSize),
            Named.as("billing-learn-vm-sizes"))
        .to(Topics.VM_SIZES.name(), Topics.VM_SIZES.produced().withName("vm-sizes-sink"));
    items.process(PublishOnChange.supplier("billing-owners-sent-store",
            stored(ResourceOwners.class, "billing-owners-sent-store"), this::learntOwners),
            Named.as("billing-learn-owners"))
        .to(Topics.OWNERS.name(), Topics.OWNERS.produced().withName("owners-sink"));
    return items.process(ExportRunTracker.supplier(this::isWatchedUsage, metrics), Named.as("billing-export-runs"));
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

  /**
   * Final windows per scope, each closed by its own scope's event time (or its idle timeout): see
   * {@link UsageWindowProcessor}. Samples later than their scope's grace go to the dead-letter topic, one by one. A
   * workspace's samples of one body cross the repartition topic as one record, keyed by the workspace: a scope belongs
   * to one workspace, so each scope's samples still reach one task.
   */
  private KStream<Windowed<String>, UsageWindow> windowUsage(KStream<String, WorkspaceSamples> samples) {
    ScopeWindowing windowing = new ScopeWindowing(config.metricsWindow(), config.metricsGrace(),
        config.metricsMaxAhead());
    Map<String, KStream<Windowed<String>, ParseResult<UsageWindow>>> closed = samples
        .selectKey((k, s) -> s.key(), Named.as("metrics-key-by-workspace"))
        .repartition(Repartitioned.<String, WorkspaceSamples>as("metrics-by-workspace")
            .withKeySerde(Serdes.String()).withValueSerde(TelemetryCodecs.workspaceSamples())
            .withStreamPartitioner(FlushMarker.broadcast(CostTopology::holdsMarker)))
        .process(UsageWindowProcessor.supplier(windowing, config.metricsIdleTimeout(), metrics,
            Topics.METRICS_RAW.name()), Named.as("usage-windows"))
        .split(Named.as("usage-"))
        .branch((w, r) -> r instanceof ParseResult.Rejected<UsageWindow>, Branched.as("rejected"))
        .defaultBranch(Branched.as("final"));
    closed.get("usage-rejected")
        .map((w, r) -> KeyValue.pair(DeadLetters.key((ParseResult.Rejected<UsageWindow>) r),
            DeadLetters.of("usage-windows", (ParseResult.Rejected<UsageWindow>) r)), Named.as("usage-dead-letter"))
        .to(Topics.DEAD_LETTERS.name(), Topics.DEAD_LETTERS.produced().withName("usage-dead-letter-sink"));
    return closed.get("usage-final")
        .mapValues(r -> ((ParseResult.Parsed<UsageWindow>) r).value(), Named.as("usage-final-unwrap"));
  }

  /** A marker travels in a value of its own (see {@link MetricsParseProcessor}); this looks at every scope anyway. */
  private static boolean holdsMarker(WorkspaceSamples samples) {
    for (ScopeSamples scope : samples.scopes()) {
      if (FlushMarker.isMarker(scope.scope())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Attaches to each final window the reference data its price depends on: the VM size learnt from billing for its
   * scope and its workspace's price correction, both compacted topics read as global tables. A global table is
   * filled before processing starts and then follows its topic asynchronously (on the global thread, after the
   * writing transaction commits): a window judged before its scope's size arrives is priced at the default size, and
   * a later window of the still-open alert re-prices it with an UPDATE, as with any price change.
   */
  private KStream<Windowed<String>, PricedWindow> priceWindows(StreamsBuilder builder,
      KStream<Windowed<String>, UsageWindow> windows) {
    GlobalKTable<String, LearntVmSize> sizes = referenceTable(builder, Topics.VM_SIZES, "vm-sizes-global");
    GlobalKTable<String, PriceCorrection> corrections = referenceTable(builder, Topics.PRICE_CORRECTIONS,
        "price-corrections-global");
    return windows
        .leftJoin(sizes, (w, usage) -> NodePricing.sizeKey(usage.scope()), PricedWindow::of,
            Named.as("usage-join-vm-size"))
        .leftJoin(corrections, (w, p) -> NodePricing.correctionKey(p.usage().scope()), PricedWindow::withCorrection,
            Named.as("usage-join-price-correction"));
  }

  /** A compacted topic read as a global table: every instance holds all of it, in store {@code <name>-store}. */
  private <V> GlobalKTable<String, V> referenceTable(StreamsBuilder builder, TopicSpec<String, V> topic,
      String name) {
    return builder.globalTable(topic.name(), topic.consumed().withName(name),
        tables.apply(Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(name + "-store")
            .withKeySerde(topic.keySerde()).withValueSerde(topic.valueSerde())));
  }

  private KStream<String, LifecycleInput> detectTelemetry(KStream<Windowed<String>, PricedWindow> windows) {
    return windows
        .processValues(TelemetryDetection.supplier(config.rules(), pricing, metrics, config.metricsGrace()),
            Named.as("telemetry-detect"))
        .selectKey((w, input) -> input.fingerprint(), Named.as("telemetry-key-by-fingerprint"));
  }

  /**
   * Line items and daily totals travel and are stored in the compact format ({@link BillingCodecs}): each billing row
   * passes through these repartition topics and stores once or twice.
   */
  private KTable<String, DailySpend> dailySpend(KStream<String, CostRecord> costs) {
    return costs
        .repartition(Repartitioned.<String, CostRecord>as("billing-line-items")
            .withKeySerde(Serdes.String()).withValueSerde(BillingCodecs.lineItems())
            .withStreamPartitioner(FlushMarker.broadcast(r -> FlushMarker.isBillingMarker(r.workspace()))))
        .processValues(LineItemChangeFilter.supplier(config.billingSettle().dividedBy(5)),
            Named.as("billing-line-item-changes"))
        .toTable(Named.as("billing-line-items-table"),
            tables.apply(Materialized.<String, CostRecord>as(Stores.persistentKeyValueStore("billing-line-items-store"))
                .withKeySerde(Serdes.String())
                .withValueSerde(BillingCodecs.lineItems("billing-line-items-store", unreadable()))))
        .groupBy((id, r) -> KeyValue.pair(DailySpend.key(r), r), Grouped.<String, CostRecord>as("spend-by-day")
            .withKeySerde(Serdes.String()).withValueSerde(BillingCodecs.lineItems()))
        .aggregate(DailySpend::empty, (k, r, spend) -> spend.add(r), (k, r, spend) -> spend.subtract(r),
            Named.as("daily-spend-aggregate"),
            tables.apply(Materialized.<String, DailySpend>as(Stores.persistentKeyValueStore("daily-spend-store"))
                .withKeySerde(Serdes.String())
                .withValueSerde(BillingCodecs.dailySpend("daily-spend-store", unreadable()))));
  }

  private KStream<String, DailySpend> spendChanges(KTable<String, DailySpend> daily) {
    KStream<String, DailySpend> changes = daily
        .toStream(Named.as("daily-spend-changes"))
        .filter((k, spend) -> spend != null && spend.workspace() != null, Named.as("daily-spend-present"));
    changes.filter((k, spend) -> !FlushMarker.isBillingMarker(spend.workspace()),
            Named.as("daily-spend-published"))
        .to(Topics.DAILY_SPEND.name(), Topics.DAILY_SPEND.produced().withName("daily-spend-sink"));
    return changes
        .selectKey((k, spend) -> spend.workspace().workspaceId() + "|" + spend.currency(),
            Named.as("daily-spend-key-by-workspace"))
        .repartition(Repartitioned.<String, DailySpend>as("spend-by-workspace")
            .withKeySerde(Serdes.String()).withValueSerde(BillingCodecs.dailySpend())
            .withStreamPartitioner(FlushMarker.broadcast(spend -> FlushMarker.isBillingMarker(spend.workspace()))));
  }

  /**
   * Telemetry's estimate of each workspace-day against its bill, once both exist: an event per revision, a metric,
   * and the ratio that corrects later telemetry estimates of that workspace.
   */
  private void reconcile(KStream<Windowed<String>, PricedWindow> windows, KTable<String, DailySpend> billed) {
    KStream<String, Reconciliation> reconciliations = windows
        .filter((w, priced) -> !FlushMarker.isMarker(priced.usage().scope()), Named.as("estimate-real-windows"))
        .flatMap((w, priced) -> estimate(priced).map(c -> List.of(KeyValue.pair(priced.usage().scope().resourceId()
            + "|" + priced.usage().windowStart(), c))).orElse(List.of()), Named.as("estimate-window-cost"))
        .toTable(Named.as("estimate-by-window"), tables.apply(Materialized.<String, DailyEstimate.WindowCost>as(
                Stores.persistentKeyValueStore("estimate-by-window-store"))
            .withKeySerde(Serdes.String()).withValueSerde(stored(DailyEstimate.WindowCost.class, "estimate-by-window-store"))))
        .groupBy((k, c) -> KeyValue.pair(c.dayKey(), c), Grouped.<String, DailyEstimate.WindowCost>as(
            "estimate-by-day").withKeySerde(Serdes.String()).withValueSerde(
                JsonSerde.of(DailyEstimate.WindowCost.class)))
        .aggregate(DailyEstimate::empty, (k, c, e) -> e.add(c), (k, c, e) -> e.subtract(c),
            Named.as("daily-estimate-aggregate"),
            tables.apply(Materialized.<String, DailyEstimate>as(Stores.persistentKeyValueStore("daily-estimate-store"))
                .withKeySerde(Serdes.String()).withValueSerde(stored(DailyEstimate.class, "daily-estimate-store"))))
        .filter((k, e) -> e.coversDay(config.metricsWindow()), Named.as("estimate-whole-days"))
        .join(billed, (estimate, bill) -> Reconciliation.of(estimate.workspace(), estimate.day(),
            new Money(estimate.amount(), estimate.currency()), new Money(bill.amount(), bill.currency())),
            Named.as("reconcile-with-bill"), tables.apply(Materialized.<String, Reconciliation>as(
                Stores.persistentKeyValueStore("reconciliation-store"))
                .withKeySerde(Serdes.String()).withValueSerde(stored(Reconciliation.class, "reconciliation-store"))))
        .toStream(Named.as("reconciliation-changes"))
        .filter((k, r) -> r != null, Named.as("reconciliation-present"))
        .peek((k, r) -> reportReconciliation(r), Named.as("reconciliation-count"));
    reconciliations.to(Topics.RECONCILIATION.name(), Topics.RECONCILIATION.produced().withName("reconciliation-sink"));
    reconciliations
        .flatMap((k, r) -> PriceCorrection.of(r).map(c -> List.of(KeyValue.pair(NodePricing.correctionKey(
            r.workspace()), c))).orElse(List.of()), Named.as("reconciliation-price-correction"))
        .to(Topics.PRICE_CORRECTIONS.name(), Topics.PRICE_CORRECTIONS.produced()
            .withName("price-corrections-sink"));
  }

  /** At list price: an estimate corrected by the ratio it is compared with would feed back into that ratio. */
  private java.util.Optional<DailyEstimate.WindowCost> estimate(PricedWindow priced) {
    UsageWindow usage = priced.usage();
    NodePrice price = pricing.listPriceOf(usage.scope(), priced.learntSize());
    return BurnRateSpikeDetector.burnRate(usage, price).map(rate -> new DailyEstimate.WindowCost(
        DailyEstimate.WindowCost.SCHEMA_VERSION, usage.scope(), price.hourly().currency(), usage.windowStart(),
        rate.multiply(BigDecimal.valueOf(usage.hours()))));
  }

  private void reportReconciliation(Reconciliation r) {
    metrics.reconciliation(r.workspace().workspaceId(), r.billed().currency(), r.estimated().amount().doubleValue(),
        r.billed().amount().doubleValue());
  }

  private KStream<String, LifecycleInput> detectSpend(KStream<String, DailySpend> daily) {
    ScopedSpendDetector detector = new ScopedSpendDetector(config.spendRules());
    int keepDays = config.spendRules().maxLookbackDays() + 7;
    return daily.process(SpendSpikeProcessor.supplier(detector, config.billingLateness(), keepDays,
        config.rules().spend().lookbackDays(), config.billingSettle(), StorageDetection.of(config), metrics),
        Named.as("spend-detect"));
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
            .withKeySerde(Serdes.String()).withValueSerde(JsonSerde.of(LifecycleInput.class))
            .withStreamPartitioner(FlushMarker.broadcast(in -> in.kind() == LifecycleInput.Kind.END_OF_INPUT)))
        .processValues(AlertLifecycleProcessor.supplier(lifecycle, metrics), Named.as("alert-lifecycle"))
        .selectKey((k, p) -> p.alert().alertId(), Named.as("alerts-key-by-alert-id"));
  }

  private void publish(StreamsBuilder builder, KStream<String, Published> all) {
    Map<String, KStream<String, Published>> routes = all.split(Named.as("findings-"))
        .branch((id, p) -> FlushMarker.isAcknowledgement(p), Branched.as("end-of-input"))
        .defaultBranch(Branched.as("real"));
    routes.get("findings-end-of-input")
        .map((id, p) -> KeyValue.pair(p.alert().type(), p.alert().windowEnd().toString()), Named.as("control-event"))
        .to(Topics.CONTROL.name(), Topics.CONTROL.produced().withName("control-sink"));
    KStream<String, Published> findings = withOwners(builder, routes.get("findings-real"));
    findings
        .peek((id, p) -> OpenAlertGauges.published(metrics, p), Named.as("alerts-count"))
        .mapValues(Published::alert, Named.as("alerts-event"))
        .processValues(CloudEventHeaders::alerts, Named.as("alerts-cloudevents-headers"))
        .to(Topics.ALERTS.name(), Topics.ALERTS.produced().withName("alerts-sink"));
    findings
        .mapValues(Published::alert, Named.as("alert-state-event"))
        .to(Topics.ALERT_STATE.name(), Topics.ALERT_STATE.produced().withName("alert-state-sink"));
    findings
        .flatMap((id, p) -> p.recommendations().stream()
            .map(r -> KeyValue.pair(r.recommendationId(), r)).toList(), Named.as("recommendations-events"))
        .processValues(CloudEventHeaders::recommendations, Named.as("recommendations-cloudevents-headers"))
        .to(Topics.RECOMMENDATIONS.name(), Topics.RECOMMENDATIONS.produced().withName("recommendations-sink"));
  }

  /**
   * Each alert with its owners, from the owner tags learnt from billing (a global table, see {@link PublishOnChange}):
   * its resource's, then field by field its workspace's, then the configured team of its workspace or resource group.
   */
  private KStream<String, Published> withOwners(StreamsBuilder builder, KStream<String, Published> alerts) {
    GlobalKTable<String, ResourceOwners> owners = referenceTable(builder, Topics.OWNERS, "owners-global");
    OwnerSettings settings = config.owners();
    return alerts
        .leftJoin(owners, (id, p) -> AlertOwners.resourceKey(p), AlertOwners::withResource,
            Named.as("alerts-join-resource-owners"))
        .leftJoin(owners, (id, p) -> AlertOwners.workspaceKey(p), (p, ws) -> AlertOwners.withWorkspace(settings, p, ws),
            Named.as("alerts-join-workspace-owners"));
  }

  /** The VM size a row shows for a compute, if it is a priced size: see {@link NodePricing#learnable}. */
  private java.util.Optional<KeyValue<String, LearntVmSize>> learntVmSize(BillingItem item) {
    if (!isRealRow(item)) {
      return java.util.Optional.empty();
    }
    return pricing.learnable(item.row().workspace(), item.row().vmSize()).map(s -> KeyValue.pair(s.scope(), s));
  }

  /** The owner tags a row shows for its resource (rows without owner tags teach nothing). */
  private java.util.Optional<KeyValue<String, ResourceOwners>> learntOwners(BillingItem item) {
    if (!isRealRow(item)) {
      return java.util.Optional.empty();
    }
    return ResourceOwners.learnt(item.row(), config.owners().tags()).map(o -> KeyValue.pair(o.resourceId(), o));
  }

  private static boolean isRealRow(BillingItem item) {
    return item != null && item.isRow() && item.row() != null && item.row().workspace() != null
        && !FlushMarker.isBillingMarker(item.row().workspace());
  }

  private boolean isWatchedUsage(CostRecord record) {
    if (FlushMarker.isBillingMarker(record.workspace())) {
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
