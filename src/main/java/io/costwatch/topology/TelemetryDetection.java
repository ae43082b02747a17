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
import io.costwatch.detect.GpuWasteMemory;
import io.costwatch.detect.IdleDeploymentDetector;
import io.costwatch.detect.IdleNodesDetector;
import io.costwatch.detect.NodePrice;
import io.costwatch.detect.ServingHorizon;
import io.costwatch.recommend.NodePricing;
import io.costwatch.recommend.Recommender;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
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
 * window with the scope's recent windows, kept in {@link #STORE}; the GPU-waste rule's hysteresis remembers the
 * scope's previous window in {@link #GPU_STORE}.
 */
final class TelemetryDetection implements FixedKeyProcessor<Windowed<String>, PricedWindow, LifecycleInput> {

  /** Per scope, the node counts (active + idle) of its recent windows. */
  static final String STORE = "burn-rate-history-store";
  /** Per online deployment, the slices of its windows over the serving horizon (bounded by the horizon). */
  static final String SERVING = "serving-horizon-store";
  /** Per scope, what the GPU-waste rule concluded about its latest window in waste (its hysteresis). */
  static final String GPU_STORE = "gpu-waste-state-store";

  /**
   * Every fingerprint type a telemetry window is evaluated for; a window without one of them clears that alert. The
   * GPU types share {@link FindingType#GPU_WASTE}; their former own fingerprints are still cleared, so alerts opened
   * before they were merged resolve.
   */
  static final List<String> TELEMETRY_TYPES = List.of(FindingType.BURN_RATE_SPIKE.name(), FindingType.GPU_WASTE,
      FindingType.IDLE_NODES.name(), FindingType.IDLE_DEPLOYMENT.name(), FindingType.GPU_IDLE.name(),
      FindingType.GPU_UNDERUTILIZED.name());

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
  private KeyValueStore<String, ServingHorizon> serving;
  private KeyValueStore<String, GpuWasteMemory> gpuMemory;

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
            JsonSerde.stored(BurnRateHistory.class, STORE, metrics)),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SERVING), Serdes.String(),
            JsonSerde.stored(ServingHorizon.class, SERVING, metrics)),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(GPU_STORE), Serdes.String(),
            JsonSerde.stored(GpuWasteMemory.class, GPU_STORE, metrics)));
  }

  @Override
  public void init(FixedKeyProcessorContext<Windowed<String>, LifecycleInput> context) {
    this.context = context;
    this.history = context.getStateStore(STORE);
    this.serving = context.getStateStore(SERVING);
    this.gpuMemory = context.getStateStore(GPU_STORE);
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
        gpuWaste(scope, window, price), idleNodes.evaluate(window, price), idleDeployment(window, price));
    BurnRateSpikeDetector.burnRate(window, perNode(price)).ifPresent(n -> history.put(scope, nodes.with(window, n)));
    Set<String> found = new HashSet<>();
    for (Optional<Finding> finding : findings) {
      finding.ifPresent(f -> {
        found.add(f.type().fingerprintType());
        context.forward(record.withValue(evaluated(f, price)));
      });
    }
    for (String type : TELEMETRY_TYPES) {
      if (!found.contains(type)) {
        context.forward(record.withValue(LifecycleInput.clear(type, window.scope(), price.hourly().currency(),
            window.windowEnd())));
      }
    }
  }

  /** Adds the window to its deployment's serving horizon and judges the horizon. */
  private Optional<Finding> idleDeployment(UsageWindow window, NodePrice price) {
    if (!IdleDeploymentDetector.serves(window)) {
      return Optional.empty();
    }
    String scope = window.scope().resourceId();
    ServingHorizon before = Optional.ofNullable(serving.get(scope)).orElse(ServingHorizon.empty());
    ServingHorizon after = idleDeployment.record(before, window);
    if (!after.equals(before)) {
      serving.put(scope, after);
    }
    return idleDeployment.evaluate(window, after, price);
  }

  /** The GPU-waste rule with the scope's memory of its previous window, which it reads and replaces. */
  private Optional<Finding> gpuWaste(String scope, UsageWindow window, NodePrice price) {
    GpuWasteMemory previous = gpuMemory.get(scope);
    GpuWasteDetector.Verdict verdict = gpu.evaluate(window, price, previous);
    if (verdict.memory() == null && previous != null) {
      gpuMemory.delete(scope);
    } else if (verdict.memory() != null && !verdict.memory().equals(previous)) {
      gpuMemory.put(scope, verdict.memory());
    }
    return verdict.finding();
  }

  /**
   * The history keeps node counts (burn at a unit price), and is priced at today's price when compared: a price that
   * changes (a VM size learnt from billing, a reconciliation correction) must not look like a burn-rate spike.
   */
  private static BurnRateHistory priced(BurnRateHistory nodes, NodePrice price) {
    return new BurnRateHistory(BurnRateHistory.SCHEMA_VERSION, nodes.capacity(), nodes.points().stream()
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
