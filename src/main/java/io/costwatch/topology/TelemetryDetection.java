package io.costwatch.topology;

import io.costwatch.config.DetectorRules;
import io.costwatch.core.AzureMetric;
import io.costwatch.core.Money;
import io.costwatch.detect.BurnRateHistory;
import io.costwatch.detect.BurnRatePoint;
import io.costwatch.detect.BurnRateSpikeDetector;
import io.costwatch.detect.Finding;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.GpuWasteDetector;
import io.costwatch.detect.IdleDeploymentDetector;
import io.costwatch.detect.IdleNodesDetector;
import io.costwatch.detect.NodePrice;
import io.costwatch.recommend.NodePricing;
import io.costwatch.recommend.Recommender;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Runs the telemetry detectors over one final window and prices what they find. The burn-rate rule compares the
 * window with the scope's recent windows, kept in {@link #STORE}.
 */
final class TelemetryDetection implements FixedKeyProcessor<Windowed<String>, PricedWindow, LifecycleInput> {

  /** Per scope, the node counts (active + idle) of its recent windows. */
  static final String STORE = "burn-rate-history-store";

  /** Every type a telemetry window is evaluated for; a window without one of them clears that type's alert. */
  static final List<FindingType> TELEMETRY_TYPES = List.of(FindingType.BURN_RATE_SPIKE, FindingType.GPU_IDLE,
      FindingType.GPU_UNDERUTILIZED, FindingType.IDLE_NODES, FindingType.IDLE_DEPLOYMENT);

  private final GpuWasteDetector gpu;
  private final IdleNodesDetector idleNodes;
  private final IdleDeploymentDetector idleDeployment;
  private final BurnRateSpikeDetector burnRate;
  private final int historyWindows;
  private final NodePricing pricing;
  private final Recommender recommender;
  private final PipelineMetrics metrics;
  private final Duration grace;
  private FixedKeyProcessorContext<Windowed<String>, LifecycleInput> context;
  private KeyValueStore<String, BurnRateHistory> history;

  TelemetryDetection(DetectorRules rules, NodePricing pricing, PipelineMetrics metrics, Duration grace) {
    this.gpu = new GpuWasteDetector(rules.gpu());
    this.idleNodes = new IdleNodesDetector(rules.gpu());
    this.idleDeployment = new IdleDeploymentDetector(rules.deployment());
    this.burnRate = new BurnRateSpikeDetector(rules.burnRate());
    this.historyWindows = rules.burnRate().historyCapacity();
    this.pricing = pricing;
    this.recommender = new Recommender(pricing.prices());
    this.metrics = metrics;
    this.grace = grace;
  }

  /** This processor with its store. */
  static FixedKeyProcessorSupplier<Windowed<String>, PricedWindow, LifecycleInput> supplier(DetectorRules rules,
      NodePricing pricing, PipelineMetrics metrics, Duration grace) {
    return DeclaredStores.fixedKey(() -> new TelemetryDetection(rules, pricing, metrics, grace),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
            JsonSerde.stored(BurnRateHistory.class, STORE, metrics)));
  }

  @Override
  public void init(FixedKeyProcessorContext<Windowed<String>, LifecycleInput> context) {
    this.context = context;
    this.history = context.getStateStore(STORE);
  }

  @Override
  public void process(FixedKeyRecord<Windowed<String>, PricedWindow> record) {
    UsageWindow window = record.value().usage();
    if (FlushMarker.isMarker(window.scope())) {
      context.forward(record.withValue(LifecycleInput.endOfInput(FlushMarker.METRICS_DONE, window.windowEnd(),
          context.taskId().partition())));
      return;
    }
    NodePrice price = pricing.priceOf(window.scope(), record.value().learntSize(), record.value().correction());
    report(window, price);
    String scope = window.scope().resourceId();
    BurnRateHistory nodes = Optional.ofNullable(history.get(scope)).orElse(BurnRateHistory.empty(historyWindows));
    List<Optional<Finding>> findings = List.of(burnRate.evaluate(priced(nodes, price), window, price),
        gpu.evaluate(window, price), idleNodes.evaluate(window, price), idleDeployment.evaluate(window, price));
    BurnRateSpikeDetector.burnRate(window, perNode(price)).ifPresent(n -> history.put(scope, nodes.with(window, n)));
    Set<FindingType> found = EnumSet.noneOf(FindingType.class);
    for (Optional<Finding> finding : findings) {
      finding.ifPresent(f -> {
        found.add(f.type());
        context.forward(record.withValue(evaluated(f, price)));
      });
    }
    for (FindingType type : TELEMETRY_TYPES) {
      if (!found.contains(type)) {
        context.forward(record.withValue(LifecycleInput.clear(type.name(), window.scope(),
            price.hourly().currency(), window.windowEnd())));
      }
    }
  }

  /**
   * The history keeps node counts (burn at a unit price), and is priced at today's price when compared: a price that
   * changes (a VM size learnt from billing, a reconciliation correction) must not look like a burn-rate spike.
   */
  private static BurnRateHistory priced(BurnRateHistory nodes, NodePrice price) {
    return new BurnRateHistory(nodes.capacity(), nodes.points().stream()
        .map(p -> new BurnRatePoint(p.windowStart(), p.burnRate().multiply(price.hourly().amount())))
        .toList());
  }

  private static NodePrice perNode(NodePrice price) {
    return new NodePrice(price.vmSize(), new Money(BigDecimal.ONE, price.hourly().currency()), price.basis());
  }

  private LifecycleInput evaluated(Finding finding, NodePrice price) {
    Duration sinceClose = Duration.between(finding.windowEnd().plus(grace), Instant.now());
    if (!sinceClose.isNegative() && sinceClose.compareTo(Duration.ofHours(1)) < 0) {
      metrics.windowToAlertLatency(sinceClose);
    }
    return LifecycleInput.finding(finding, recommender.recommend(finding, price.basis()));
  }

  private void report(UsageWindow window, NodePrice price) {
    double nodes = window.average(AzureMetric.ACTIVE_NODES) + window.average(AzureMetric.IDLE_NODES);
    double burn = price.hourly().amount().multiply(BigDecimal.valueOf(nodes)).doubleValue();
    double gpuUtil = window.has(AzureMetric.GPU_UTILIZATION) ? window.average(AzureMetric.GPU_UTILIZATION) : Double.NaN;
    metrics.usageWindow(window.scope().workspaceId(), window.scope().compute(), burn, price.hourly().currency(),
        gpuUtil);
  }
}
