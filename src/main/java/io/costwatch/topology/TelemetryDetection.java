package io.costwatch.topology;

import io.costwatch.alert.AlertFactory;
import io.costwatch.alert.AlertFactory.Published;
import io.costwatch.core.AzureMetric;
import io.costwatch.detect.Finding;
import io.costwatch.detect.GpuRules;
import io.costwatch.detect.GpuWasteDetector;
import io.costwatch.detect.IdleNodesDetector;
import io.costwatch.detect.NodePrice;
import io.costwatch.recommend.NodePricing;
import io.costwatch.recommend.Recommender;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Runs the telemetry detectors over one final window and prices what they find. */
final class TelemetryDetection {

  private final GpuWasteDetector gpu;
  private final IdleNodesDetector idleNodes;
  private final NodePricing pricing;
  private final Recommender recommender;
  private final PipelineMetrics metrics;
  private final Duration grace;

  TelemetryDetection(GpuRules rules, NodePricing pricing, PipelineMetrics metrics, Duration grace) {
    this.gpu = new GpuWasteDetector(rules);
    this.idleNodes = new IdleNodesDetector(rules);
    this.pricing = pricing;
    this.recommender = new Recommender(pricing.prices());
    this.metrics = metrics;
    this.grace = grace;
  }

  List<Published> detect(UsageWindow window) {
    if (FlushMarker.isMarker(window.scope())) {
      return List.of(FlushMarker.acknowledgement(FlushMarker.METRICS_DONE, window.windowEnd()));
    }
    NodePrice price = pricing.priceOf(window.scope());
    report(window, price);
    List<Published> out = new ArrayList<>();
    gpu.evaluate(window, price).ifPresent(f -> out.add(publish(f, price)));
    idleNodes.evaluate(window, price).ifPresent(f -> out.add(publish(f, price)));
    return out;
  }

  private Published publish(Finding finding, NodePrice price) {
    Duration sinceClose = Duration.between(finding.windowEnd().plus(grace), Instant.now());
    if (!sinceClose.isNegative() && sinceClose.compareTo(Duration.ofHours(1)) < 0) {
      metrics.windowToAlertLatency(sinceClose);
    }
    return AlertFactory.publish(finding, recommender.recommend(finding, price.basis()), price.basis());
  }

  private void report(UsageWindow window, NodePrice price) {
    double nodes = window.average(AzureMetric.ACTIVE_NODES) + window.average(AzureMetric.IDLE_NODES);
    double burn = price.hourly().amount().multiply(BigDecimal.valueOf(nodes)).doubleValue();
    double gpuUtil = window.has(AzureMetric.GPU_UTILIZATION) ? window.average(AzureMetric.GPU_UTILIZATION) : Double.NaN;
    metrics.usageWindow(window.scope().workspaceId(), window.scope().compute(), burn, price.hourly().currency(),
        gpuUtil);
  }
}
