package io.costwatch.metrics;

import io.costwatch.topology.PipelineMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@link PipelineMetrics} over a Prometheus registry. Names carry their base unit (see {@link #SERIES}); labels are
 * low-cardinality: topic, reason, type, severity, status, action, input, currency, and a workspace label capped at
 * construction ({@code other} beyond the cap), never subscription, node or VM ids.
 *
 * <p>Open alerts are tracked by alertId: OPEN and UPDATE upsert, RESOLVED removes. The open-alert count, waste rate
 * and savings gauges are computed from that set at scrape time, so they stay right when an alert changes severity.
 * All methods are safe to call from any stream thread.
 */
public final class MicrometerPipelineMetrics implements PipelineMetrics, AutoCloseable {

  public static final int DEFAULT_WORKSPACE_CAP = 50;

  /** Prometheus series of the domain meters (samples of histograms/counters add _bucket/_count/_sum/_total). */
  public static final List<String> SERIES = List.of(
      "costwatch_records_in_total", "costwatch_records_rejected_total", "costwatch_records_ignored_total",
      "costwatch_alerts_published_total", "costwatch_burn_rate_dollars_per_hour",
      "costwatch_gpu_utilization_percent", "costwatch_alerts_open", "costwatch_waste_rate_dollars_per_hour",
      "costwatch_savings_potential_dollars_per_month", "costwatch_alert_latency_seconds",
      "costwatch_input_event_time_lag_seconds", "costwatch_streams_running",
      "costwatch_reconciliation_estimated_dollars", "costwatch_reconciliation_billed_dollars",
      "costwatch_billing_export_runs_total", "costwatch_billing_line_items_retracted_total", "costwatch_input_up");

  private static final String DOLLARS_PER_HOUR = "dollars.per.hour";
  private static final int OPEN_LABELS = 0;
  private static final int OPEN_WASTE = 1;
  private static final int OPEN_SAVINGS = 2;

  private final PrometheusMeterRegistry registry;
  private final WorkspaceLabels workspaces;
  private final ScopeGauge burnRate;
  private final ScopeGauge gpuUtilization;
  private final ScopeGauge eventTimeLag;
  private final Timer alertLatency;
  /**
   * The open alerts by the hash of their alertId: the index of their labels in {@link #openAlertLabels}, their waste
   * per hour and savings per month. Compact rows, since an idle estate has about one open alert per compute.
   */
  private final HashedRows openAlerts = new HashedRows(3);
  /** The distinct label sets of open alerts (type x severity x currency x action: a few dozen), by index. */
  private final List<OpenAlert> openAlertLabels = new CopyOnWriteArrayList<>();
  private final Map<OpenAlert, Integer> openAlertLabelIndex = new ConcurrentHashMap<>();
  private final Map<Tags, Boolean> openAlertGauges = new ConcurrentHashMap<>();
  private final List<AutoCloseable> binders = new CopyOnWriteArrayList<>();
  private final ScopeGauge reconciledEstimate;
  private final ScopeGauge reconciledBill;

  /** The labels an open alert is counted under. */
  private record OpenAlert(String type, String severity, String currency, String action) {
  }

  /** A fresh Prometheus registry with the default workspace cap. */
  public MicrometerPipelineMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), DEFAULT_WORKSPACE_CAP);
  }

  public MicrometerPipelineMetrics(PrometheusMeterRegistry registry) {
    this(registry, DEFAULT_WORKSPACE_CAP);
  }

  /** @param workspaceCap how many distinct workspace labels to keep before reporting {@code other} */
  public MicrometerPipelineMetrics(PrometheusMeterRegistry registry, int workspaceCap) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.workspaces = new WorkspaceLabels(workspaceCap);
    this.burnRate = new ScopeGauge(registry, "costwatch.burn.rate",
        "Estimated burn rate of the last closed window, in the currency of the currency label per hour",
        DOLLARS_PER_HOUR, ScopeGauge.Combine.SUM);
    this.gpuUtilization = new ScopeGauge(registry, "costwatch.gpu.utilization",
        "Average GPU utilisation of the last closed window", "percent", ScopeGauge.Combine.MEAN);
    this.eventTimeLag = new ScopeGauge(registry, "costwatch.input.event.time.lag",
        "Wall clock minus event time of the latest record of an input", "seconds", ScopeGauge.Combine.SUM);
    this.reconciledEstimate = new ScopeGauge(registry, "costwatch.reconciliation.estimated",
        "Latest reconciled day's compute cost estimated from telemetry, in the currency of the currency label",
        "dollars", ScopeGauge.Combine.SUM);
    this.reconciledBill = new ScopeGauge(registry, "costwatch.reconciliation.billed",
        "Latest reconciled day's billed usage spend of the workspace, in the currency of the currency label",
        "dollars", ScopeGauge.Combine.SUM);
    this.alertLatency = Timer.builder("costwatch.alert.latency")
        .description("Wall-clock time from a window's end plus grace to its alert")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(100))
        .maximumExpectedValue(Duration.ofHours(6))
        .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  @Override
  public void recordIn(String topic) {
    counter("costwatch.records.in", "Records read from an input topic", Tags.of("topic", label(topic)));
  }

  @Override
  public void recordRejected(String topic, String reason) {
    counter("costwatch.records.rejected", "Records sent to the dead-letter topic",
        Tags.of("topic", label(topic), "reason", label(reason)));
  }

  @Override
  public void exportRunEnded(String outcome, long retracted) {
    counter("costwatch.billing.export.runs", "Export runs ended, per export scope, by outcome",
        Tags.of("outcome", label(outcome)));
    Counter.builder("costwatch.billing.line.items.retracted")
        .description("Billing line items retracted because a later run of their export no longer had them")
        .register(registry).increment(retracted);
  }

  @Override
  public void recordIgnored(String topic, String reason) {
    counter("costwatch.records.ignored", "Valid records deliberately not used",
        Tags.of("topic", label(topic), "reason", label(reason)));
  }

  @Override
  public void usageWindow(String workspace, String cluster, double burnRatePerHour, String currency,
      double gpuUtilizationPercent) {
    String workspaceLabel = workspaces.workspace(workspace);
    String clusterLabel = WorkspaceLabels.cluster(workspaceLabel, cluster);
    String source = WorkspaceLabels.shortName(workspace) + "/" + (cluster == null ? "" : cluster);
    Tags scope = Tags.of("workspace", workspaceLabel, "cluster", clusterLabel);
    burnRate.set(scope.and("currency", label(currency)), source, burnRatePerHour);
    if (!Double.isNaN(gpuUtilizationPercent)) {
      gpuUtilization.set(scope, source, gpuUtilizationPercent);
    }
  }

  @Override
  public void alertPublished(String alertId, String type, String severity, String status, String currency,
      double wastePerHour, String action, double savingsPerMonth) {
    String statusLabel = label(status);
    counter("costwatch.alerts.published", "Alert events published",
        Tags.of("type", label(type), "severity", label(severity), "status", statusLabel));
    if ("RESOLVED".equalsIgnoreCase(statusLabel)) {
      // its label set's series exist (at 0) even when the alert's opening was never seen by this instance
      openAlertLabels(new OpenAlert(label(type), label(severity), label(currency), label(action)));
      long key = HashedRows.key(alertId);
      synchronized (openAlerts) {
        openAlerts.remove(key);
      }
    } else {
      putOpenAlert(alertId, type, severity, currency, wastePerHour, action, savingsPerMonth);
    }
  }

  @Override
  public void alertRestored(String alertId, String type, String severity, String currency, double wastePerHour,
      String action, double savingsPerMonth) {
    putOpenAlert(alertId, type, severity, currency, wastePerHour, action, savingsPerMonth);
  }

  /** Records (or replaces) an open alert's labels and amounts; the gauges of its labels registered. */
  private void putOpenAlert(String alertId, String type, String severity, String currency, double wastePerHour,
      String action, double savingsPerMonth) {
    int labels = openAlertLabels(new OpenAlert(label(type), label(severity), label(currency), label(action)));
    long key = HashedRows.key(alertId);
    synchronized (openAlerts) {
      int row = openAlerts.row(key);
      openAlerts.set(row, OPEN_LABELS, labels);
      openAlerts.set(row, OPEN_WASTE, finite(wastePerHour));
      openAlerts.set(row, OPEN_SAVINGS, finite(savingsPerMonth));
    }
  }

  /** The index of a label set, registered (with its gauges) the first time it is seen. */
  private int openAlertLabels(OpenAlert labels) {
    Integer index = openAlertLabelIndex.get(labels);
    if (index != null) {
      return index;
    }
    synchronized (openAlertLabels) {
      index = openAlertLabelIndex.get(labels);
      if (index == null) {
        registerOpenAlertGauges(labels);
        openAlertLabels.add(labels);
        index = openAlertLabels.size() - 1;
        openAlertLabelIndex.put(labels, index);
      }
      return index;
    }
  }

  @Override
  public void alertsReleased(java.util.Collection<String> alertIds) {
    synchronized (openAlerts) {
      alertIds.forEach(id -> openAlerts.remove(HashedRows.key(id)));
    }
  }

  @Override
  public void windowToAlertLatency(Duration latency) {
    alertLatency.record(latency.isNegative() ? Duration.ZERO : latency);
  }

  @Override
  public void reconciliation(String workspace, String currency, double estimated, double billed) {
    String workspaceLabel = workspaces.workspace(workspace);
    Tags tags = Tags.of("workspace", workspaceLabel, "currency", label(currency));
    String source = WorkspaceLabels.shortName(workspace);
    reconciledEstimate.set(tags, source, estimated);
    reconciledBill.set(tags, source, billed);
  }

  @Override
  public void eventTimeLag(String input, Duration lag) {
    eventTimeLag.set(Tags.of("input", label(input)), "", lag.toMillis() / 1000.0);
  }

  /** Binds ClassLoader, memory, GC, thread, processor and uptime metrics. */
  public MicrometerPipelineMetrics bindJvmMetrics() {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    binders.add(gc);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return this;
  }

  /** Binds the Kafka Streams client, thread, task and store metrics, and {@code costwatch_streams_running}. */
  public MicrometerPipelineMetrics bindKafkaStreams(KafkaStreams streams) {
    KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(registry);
    binders.add(metrics);
    return bindStreamsState(streams::state);
  }

  /** 1 while the state is RUNNING or REBALANCING, else 0: what the "Streams not running" alert watches. */
  public MicrometerPipelineMetrics bindStreamsState(Supplier<KafkaStreams.State> state) {
    Gauge.builder("costwatch.streams.running", state, s -> s.get().isRunningOrRebalancing() ? 1 : 0)
        .description("1 while Kafka Streams is RUNNING or REBALANCING, else 0")
        .strongReference(true)
        .register(registry);
    return this;
  }

  /**
   * {@code costwatch_input_up{input}}: 1 while an input (e.g. {@code eventhubs-metrics}) is connected, 0 while it
   * is configured but unreachable and being retried; {@code /ready} reports the same.
   */
  public MicrometerPipelineMetrics bindInputUp(String input, BooleanSupplier up) {
    Gauge.builder("costwatch.input.up", up, u -> u.getAsBoolean() ? 1 : 0)
        .description("1 while a configured input is connected, 0 while it is unreachable and being retried")
        .tags("input", label(input))
        .strongReference(true)
        .register(registry);
    return this;
  }

  public MicrometerPipelineMetrics bindProducer(Producer<?, ?> producer) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
    metrics.bindTo(registry);
    binders.add(metrics);
    return this;
  }

  public MicrometerPipelineMetrics bindConsumer(Consumer<?, ?> consumer) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(consumer);
    metrics.bindTo(registry);
    binders.add(metrics);
    return this;
  }

  /** Prometheus text format 0.0.4 of everything registered. */
  public String scrape() {
    return registry.scrape(MetricsHttpServer.CONTENT_TYPE);
  }

  /** Stops the binders' refresh threads and GC listeners; the registry itself stays usable. */
  @Override
  public void close() {
    for (AutoCloseable binder : binders) {
      try {
        binder.close();
      } catch (Exception e) {
        // best effort: closing one binder must not keep the others open
      }
    }
    binders.clear();
  }

  private void counter(String name, String description, Tags tags) {
    Counter.builder(name).description(description).tags(tags).register(registry).increment();
  }

  /** Money gauges carry the currency label: amounts in different currencies are separate series, never summed. */
  private void registerOpenAlertGauges(OpenAlert alert) {
    String type = alert.type();
    String severity = alert.severity();
    String currency = alert.currency();
    String action = alert.action();
    openGauge("costwatch.alerts.open", "Alerts currently open", null, Tags.of("type", type, "severity", severity),
        a -> a.type().equals(type) && a.severity().equals(severity), -1);
    openGauge("costwatch.waste.rate", "Hourly waste of the open alerts, in the currency of the currency label",
        DOLLARS_PER_HOUR, Tags.of("type", type, "currency", currency),
        a -> a.type().equals(type) && a.currency().equals(currency), OPEN_WASTE);
    openGauge("costwatch.savings.potential", "Savings of the open alerts' first recommendation over its horizon "
            + "(30 days), projected from the observed pattern, in the currency of the currency label",
        "dollars.per.month", Tags.of("action", action, "currency", currency),
        a -> a.action().equals(action) && a.currency().equals(currency), OPEN_SAVINGS);
  }

  /** @param column the amount summed over the matching open alerts; -1 counts them */
  private void openGauge(String name, String description, String baseUnit, Tags tags, Predicate<OpenAlert> match,
      int column) {
    openAlertGauges.computeIfAbsent(tags.and("__meter", name), key -> {
      Gauge.builder(name, openAlerts, alerts -> sumOpen(match, column))
          .description(description)
          .baseUnit(baseUnit)
          .tags(tags)
          .strongReference(true)
          .register(registry);
      return Boolean.TRUE;
    });
  }

  private double sumOpen(Predicate<OpenAlert> match, int column) {
    double[] sum = new double[1];
    synchronized (openAlerts) {
      openAlerts.forEachRow(row -> {
        if (match.test(openAlertLabels.get((int) openAlerts.get(row, OPEN_LABELS)))) {
          sum[0] += column < 0 ? 1 : openAlerts.get(row, column);
        }
      });
    }
    return sum[0];
  }

  private static String label(String value) {
    return value == null || value.isBlank() ? "unknown" : value;
  }

  private static double finite(double value) {
    return Double.isFinite(value) ? value : 0;
  }
}
