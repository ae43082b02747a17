package io.costwatch.cli;

import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.config.ConfigSource;
import io.costwatch.ingest.eventhubs.EventHubsBridge;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/** Azure Event Hubs -> the raw Kafka topics, with checkpoints only after Kafka acknowledged each batch. */
@Command(name = "bridge", mixinStandardHelpOptions = true,
    description = "Read Azure Monitor metrics and Cost Management rows from Azure Event Hubs (EventProcessorClient, "
        + "checkpoints in Blob Storage) and publish them to the raw Kafka topics. Configured by COSTWATCH_EVENTHUBS_* "
        + "and COSTWATCH_CHECKPOINT_* variables (see src/site/markdown/event-hubs.md); Kafka by KAFKA_* or a running "
        + "`costwatch run`'s embedded broker.")
final class BridgeCommand implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    ConfigSource settings = ConfigSource.of(System.getenv());
    AppConfig config = ConfigLoader.load(settings);
    EventHubsBridgeConfig bridgeConfig = bridgeConfig(settings.values());
    CountDownLatch stop = new CountDownLatch(1);
    try (KafkaConnection kafka = KafkaConnection.clientOnly(config);
        EventHubsBridge bridge = EventHubsBridge.start(bridgeConfig, StreamsRuntime.producerConfig(kafka))) {
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "costwatch-bridge-shutdown"));
      System.err.println("costwatch bridge: forwarding " + bridgeConfig.sources().size() + " event hub(s) to "
          + kafka.bootstrapServers());
      while (!stop.await(30, TimeUnit.SECONDS)) {
        System.err.printf("costwatch bridge: %s%n", bridge.counters());
      }
    }
    return 0;
  }

  /** Whether the environment configures any Event Hubs source (so {@code run} starts the bridge too). */
  static boolean configured(Map<String, String> env) {
    return env.keySet().stream().anyMatch(k -> k.startsWith(EventHubsBridgeConfig.PREFIX)
        && (k.endsWith("_CONNECTION_STRING") || k.endsWith("_NAMESPACE")) && !env.get(k).isBlank());
  }

  static EventHubsBridgeConfig bridgeConfig(Map<String, String> env) {
    try {
      return EventHubsBridgeConfig.fromEnv(env);
    } catch (IllegalArgumentException e) {
      throw new io.costwatch.config.ConfigException(e.getMessage());
    }
  }
}
