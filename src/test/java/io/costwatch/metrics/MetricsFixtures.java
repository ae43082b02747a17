package io.costwatch.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;

/** A registry in which every PipelineMetrics method and the JVM binders have been exercised. */
final class MetricsFixtures {

  static final String WORKSPACE_ID = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-ml"
      + "/providers/Microsoft.MachineLearningServices/workspaces/MLW-Research";

  private MetricsFixtures() {
  }

  static MicrometerPipelineMetrics exercised() {
    MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), 50);
    metrics.recordIn("azure.monitor-metrics.raw.v1");
    metrics.recordRejected("azure.monitor-metrics.raw.v1", "malformed-json");
    metrics.recordIgnored("azure.monitor-metrics.raw.v1", "unknown-metric");
    metrics.usageWindow(WORKSPACE_ID, null, 12.5, "USD", 40.0);
    metrics.usageWindow(WORKSPACE_ID, "gpu-cluster-a", 10.0, "USD", 35.0);
    metrics.alertPublished("a-1", "GPU_IDLE", "HIGH", "OPEN", "USD", 9.5, "SCALE_TO_ZERO", 6900.0);
    metrics.windowToAlertLatency(Duration.ofSeconds(42));
    metrics.eventTimeLag("azure.monitor-metrics.raw.v1", Duration.ofSeconds(90));
    metrics.reconciliation(WORKSPACE_ID, "USD", 176.3, 200.0);
    metrics.exportRunEnded("complete", 3);
    metrics.bindJvmMetrics();
    metrics.bindStreamsState(() -> KafkaStreams.State.RUNNING);
    metrics.bindInputUp("eventhubs-metrics", () -> true);
    return metrics;
  }

  /** Every sample name in a Prometheus text scrape (without labels). */
  static Set<String> sampleNames(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }
}
