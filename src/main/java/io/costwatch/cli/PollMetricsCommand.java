package io.costwatch.cli;

import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigException;
import io.costwatch.config.ConfigLoader;
import io.costwatch.config.ConfigSource;
import io.costwatch.embedded.TopicAdmin;
import io.costwatch.ingest.monitorapi.MetricsApiConfig;
import io.costwatch.ingest.monitorapi.MetricsPoller;
import io.costwatch.ingest.monitorapi.MetricsPollerService;
import io.costwatch.ingest.monitorapi.PollReport;
import io.costwatch.topology.TopicSpec;
import io.costwatch.topology.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Azure Monitor Metrics API -> the raw metrics topic, for the signals diagnostic settings do not export. */
@Command(name = "poll-metrics", mixinStandardHelpOptions = true,
    description = "Poll the Azure Monitor metrics batch API (DeploymentCapacity, RequestsPerMinute, per-instance "
        + "deployment utilisation, per-cluster node counts) and publish minute records to "
        + "azure.monitor-metrics.raw.v1, with high-water marks in costwatch.metrics-api-watermarks.v1. Configured by "
        + "COSTWATCH_METRICS_API_* variables (see src/site/markdown/detectors-telemetry.md); credentials from "
        + "DefaultAzureCredential; Kafka by KAFKA_* or a running `costwatch run`'s embedded broker.")
final class PollMetricsCommand implements Callable<Integer> {

  @Option(names = "--once", description = "Poll until caught up with the last complete minute, then exit.")
  boolean once;

  @Override
  public Integer call() throws Exception {
    ConfigSource settings = ConfigSource.of(System.getenv());
    AppConfig config = ConfigLoader.load(settings);
    MetricsApiConfig apiConfig = apiConfig(settings.values());
    try (KafkaConnection kafka = KafkaConnection.clientOnly(config)) {
      TopicAdmin.createMissing(kafka.clientConfig(), List.<TopicSpec<?, ?>>of(Topics.METRICS_RAW,
          Topics.METRICS_API_WATERMARKS));
      MetricsPoller poller = MetricsPollerService.azurePoller(apiConfig, kafka.clientConfig(), System.err::println);
      if (once) {
        try (poller) {
          PollReport report;
          int failed = 0;
          do {
            report = poller.pollOnce();
            failed += report.failed();
          } while (report.behind());
          return failed == 0 ? 0 : 1;
        }
      }
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "costwatch-poll-metrics-shutdown"));
      try (MetricsPollerService service = MetricsPollerService.start(poller, apiConfig.pollInterval(),
          System.err::println)) {
        stop.await();
      }
    }
    return 0;
  }

  static MetricsApiConfig apiConfig(Map<String, String> env) {
    try {
      return MetricsApiConfig.fromEnv(env);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }
}
