package io.costwatch.cli;

import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.ingest.eventhubs.EventHubsBridge;
import io.costwatch.ingest.monitorapi.MetricsApiConfig;
import io.costwatch.ingest.monitorapi.MetricsPollerService;
import io.costwatch.metrics.MetricsHttpServer;
import io.costwatch.metrics.MicrometerPipelineMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/** The long-running service. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the pipeline against KAFKA_BOOTSTRAP_SERVERS, or an embedded broker with persistent data "
        + "when it is not set, and serve /metrics, /health and /ready.")
final class RunCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    AppConfig config = ConfigLoader.fromEnvironment();
    System.err.println("costwatch run: " + config);
    MetricsApiConfig pollerConfig = MetricsApiConfig.configured(System.getenv())
        ? PollMetricsCommand.apiConfig(System.getenv()) : null;
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    try (KafkaConnection kafka = KafkaConnection.persistent(config);
        MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), config.workspaceLabelCap())) {
      kafka.createTopics(false);
      try (StreamsRuntime runtime = StreamsRuntime.start(config, kafka, metrics);
          MetricsHttpServer http = new MetricsHttpServer(config.httpHost(), config.httpPort(), metrics.registry(),
              MetricsHttpServer.aliveWhile(runtime.streams()), MetricsHttpServer.Readiness.of(runtime.streams()))) {
        metrics.bindJvmMetrics().bindKafkaStreams(runtime.streams());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          stop.countDown();
          awaitQuietly(stopped);
        }, "costwatch-shutdown"));
        runtime.awaitRunning(Duration.ofMinutes(5));
        EventHubsBridge bridge = BridgeCommand.configured(System.getenv())
            ? EventHubsBridge.start(BridgeCommand.bridgeConfig(System.getenv()), StreamsRuntime.producerConfig(kafka))
            : null;
        if (bridge != null) {
          System.err.println("costwatch run: Event Hubs bridge started");
        }
        MetricsPollerService poller = pollerConfig == null ? null : MetricsPollerService.start(
            MetricsPollerService.azurePoller(pollerConfig, kafka.clientConfig(), System.err::println),
            pollerConfig.pollInterval(), System.err::println);
        if (poller != null) {
          poller.counters().bindTo(metrics.registry());
        }
        DeliveryRunner delivery = DeliveryRunner.startIfConfigured(System.getenv(), kafka);
        if (delivery != null) {
          delivery.bindMetrics(metrics.registry());
          System.err.println("costwatch run: alert delivery started (" + delivery.stats() + ")");
        }
        System.err.printf("costwatch run: RUNNING on %s; metrics at http://%s:%d/metrics%n",
            kafka.bootstrapServers(), config.httpHost(), http.port());
        try {
          while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            runtime.checkAlive();
          }
        } finally {
          if (bridge != null) {
            bridge.close();
          }
          if (poller != null) {
            poller.close();
          }
          if (delivery != null) {
            delivery.close();
          }
        }
      }
    } finally {
      stopped.countDown();
    }
    return 0;
  }

  /** The shutdown hook waits for the main thread to close the bridge, Streams and the broker in order. */
  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
