package io.costwatch.cli;

import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
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
    CountDownLatch stop = new CountDownLatch(1);
    try (KafkaConnection kafka = KafkaConnection.persistent(config);
        MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), config.workspaceLabelCap())) {
      kafka.createTopics(false);
      try (StreamsRuntime runtime = StreamsRuntime.start(config, kafka, metrics);
          MetricsHttpServer http = new MetricsHttpServer(config.httpHost(), config.httpPort(), metrics.registry(),
              MetricsHttpServer.aliveWhile(runtime.streams()), MetricsHttpServer.Readiness.of(runtime.streams()))) {
        metrics.bindJvmMetrics().bindKafkaStreams(runtime.streams());
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "costwatch-shutdown"));
        runtime.awaitRunning(Duration.ofMinutes(5));
        System.err.printf("costwatch run: RUNNING on %s; metrics at http://%s:%d/metrics%n",
            kafka.bootstrapServers(), config.httpHost(), http.port());
        while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
          runtime.checkAlive();
        }
      }
    }
    return 0;
  }
}
