package io.costwatch.cli;

import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigException;
import io.costwatch.config.ConfigLoader;
import io.costwatch.config.ConfigSource;
import io.costwatch.config.Redaction;
import io.costwatch.ingest.eventhubs.EventHubsBridge;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig;
import io.costwatch.ingest.eventhubs.EventHubsInputs;
import io.costwatch.ingest.monitorapi.MetricsApiConfig;
import io.costwatch.ingest.monitorapi.MetricsPollerService;
import io.costwatch.metrics.AlertsEndpoint;
import io.costwatch.metrics.MetricsHttpServer;
import io.costwatch.metrics.MicrometerPipelineMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;

/** The long-running service. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the pipeline against KAFKA_BOOTSTRAP_SERVERS, or an embedded broker with persistent data "
        + "when it is not set, and serve /metrics, /health, /ready and /alerts (the open alerts). An Event Hubs namespace that does not answer "
        + "does not stop it: that input is retried in the background with backoff, and /ready (DEGRADED) and "
        + "costwatch_input_up show it; a malformed setting stops it at start (exit 2).")
final class RunCommand implements Callable<Integer> {

  /** The environment the configuration is read from (tests give their own). */
  Map<String, String> env = System.getenv();
  /** Counted down by the shutdown hook (or a test) to stop the service. */
  final CountDownLatch stop = new CountDownLatch(1);
  /** The bound port of /metrics, /health and /ready once the service runs; 0 before. */
  volatile int httpPort;
  /** The running pipeline and its application id, for tests that wait on its state; null before. */
  volatile StreamsRuntime runtime;
  volatile String applicationId;

  @Override
  public Integer call() throws Exception {
    ConfigSource settings = ConfigSource.of(env);
    AppConfig config = advertised(ConfigLoader.load(settings));
    System.err.println("costwatch run: " + config);
    Map<String, String> values = settings.values();
    EventHubsBridgeConfig bridgeConfig = eventHubs(values);
    MetricsApiConfig pollerConfig = MetricsApiConfig.configured(values) ? PollMetricsCommand.apiConfig(values) : null;
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicReference<EventHubsInputs> inputs = new AtomicReference<>();
    try (KafkaConnection kafka = KafkaConnection.persistent(config);
        MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), config.workspaceLabelCap())) {
      kafka.createTopics(false);
      try (StreamsRuntime runtime = StreamsRuntime.start(config, kafka, metrics);
          MetricsHttpServer http = new MetricsHttpServer(config.httpHost(), config.httpPort(), metrics.registry(),
              MetricsHttpServer.aliveWhile(runtime.streams()), readiness(runtime, inputs))
              .route("/alerts", new AlertsEndpoint(runtime::streams,
                  AlertsEndpoint.hostInfo(kafka.clientConfig().get(StreamsConfig.APPLICATION_SERVER_CONFIG))))) {
        metrics.bindJvmMetrics().bindKafkaStreams(runtime.streams());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          stop.countDown();
          awaitQuietly(stopped);
        }, "costwatch-shutdown"));
        runtime.awaitRunning(Duration.ofMinutes(5));
        this.applicationId = config.applicationId();
        this.runtime = runtime;
        if (bridgeConfig != null) {
          // an unreachable namespace degrades the service (/ready, costwatch_input_up) instead of stopping it
          EventHubsInputs started = EventHubsInputs.start(bridgeConfig, StreamsRuntime.producerConfig(kafka));
          inputs.set(started);
          for (String name : started.names()) {
            metrics.bindInputUp(name, () -> started.up(name));
          }
          System.err.println("costwatch run: Event Hubs inputs " + started.names() + " starting in the background");
        }
        MetricsPollerService poller = pollerConfig == null ? null : MetricsPollerService.start(
            MetricsPollerService.azurePoller(pollerConfig, kafka.clientConfig(), System.err::println),
            pollerConfig.pollInterval(), System.err::println);
        if (poller != null) {
          poller.counters().bindTo(metrics.registry());
        }
        DeliveryRunner delivery = DeliveryRunner.startIfConfigured(values, kafka);
        if (delivery != null) {
          delivery.bindMetrics(metrics.registry());
          System.err.println("costwatch run: alert delivery started (" + delivery.stats() + ")");
        }
        httpPort = http.port();
        System.err.printf("costwatch run: RUNNING on %s; metrics at http://%s:%d/metrics%n",
            Redaction.mask(kafka.bootstrapServers()), config.httpHost(), http.port());
        try {
          while (!stop.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            runtime.checkAlive();
          }
        } finally {
          if (inputs.get() != null) {
            inputs.get().close();
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

  /**
   * The configuration with {@code application.server} set to this instance's HTTP address, unless
   * {@code KAFKA_APPLICATION_SERVER} sets it: the instances of a group find each other's {@code /alerts} through it.
   * A wildcard bind address is advertised as the host name; with {@code COSTWATCH_HTTP_PORT=0} (a port known only
   * after binding) nothing is advertised and {@code /alerts} answers for this instance alone.
   */
  static AppConfig advertised(AppConfig config) {
    if (config.kafka().containsKey(StreamsConfig.APPLICATION_SERVER_CONFIG) || config.httpPort() == 0) {
      return config;
    }
    String host = config.httpHost();
    if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.net.UnknownHostException e) {
        throw new ConfigException("COSTWATCH_HTTP_HOST=" + config.httpHost() + " binds every interface and this "
            + "host's name does not resolve (" + e.getMessage() + "): set KAFKA_APPLICATION_SERVER=host:port");
      }
    }
    Map<String, Object> kafka = new java.util.HashMap<>(config.kafka());
    kafka.put(StreamsConfig.APPLICATION_SERVER_CONFIG, host + ":" + config.httpPort());
    return config.withKafka(kafka);
  }

  /**
   * The Event Hubs configuration when {@code COSTWATCH_EVENTHUBS_*} is set, checked without network calls: a
   * malformed value stops {@code run} at once (exit 2, the value masked), an unreachable namespace does not.
   */
  private static EventHubsBridgeConfig eventHubs(Map<String, String> env) {
    if (!BridgeCommand.configured(env)) {
      return null;
    }
    EventHubsBridgeConfig config = BridgeCommand.bridgeConfig(env);
    try {
      EventHubsBridge.validate(config);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    return config;
  }

  /** Ready while Kafka Streams runs; DEGRADED (still ready) while an Event Hubs input is down. */
  private static Supplier<MetricsHttpServer.Readiness> readiness(StreamsRuntime runtime,
      AtomicReference<EventHubsInputs> inputs) {
    Supplier<MetricsHttpServer.Readiness> streams = MetricsHttpServer.Readiness.of(runtime.streams());
    return () -> {
      EventHubsInputs current = inputs.get();
      MetricsHttpServer.Readiness ready = streams.get();
      return current == null ? ready : ready.withInputsDown(current.down());
    };
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
