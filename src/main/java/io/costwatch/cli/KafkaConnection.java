package io.costwatch.cli;

import io.costwatch.config.AppConfig;
import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.embedded.TopicAdmin;
import io.costwatch.topology.TopicSpec;
import io.costwatch.topology.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka this process talks to: the configured cluster, or an in-process broker when no
 * {@code KAFKA_BOOTSTRAP_SERVERS} is set. Owns the embedded broker's life.
 */
final class KafkaConnection implements AutoCloseable {

  private final EmbeddedKafka embedded;
  private final Map<String, Object> clientConfig;
  private final boolean singleNode;
  private Path temporaryDir;

  private KafkaConnection(EmbeddedKafka embedded, Map<String, Object> clientConfig, boolean singleNode) {
    this.embedded = embedded;
    this.clientConfig = clientConfig;
    this.singleNode = singleNode;
  }

  /** The configured cluster, or a persistent embedded broker in {@code COSTWATCH_EMBEDDED_DATA_DIR}. */
  static KafkaConnection persistent(AppConfig config) {
    if (!config.embedded()) {
      return new KafkaConnection(null, new HashMap<>(config.kafka()), false);
    }
    Path dir = config.embeddedDataDir();
    System.err.println("No KAFKA_BOOTSTRAP_SERVERS set: starting the embedded Kafka broker (data in " + dir.toAbsolutePath()
        + ", port " + config.embeddedPort() + ")");
    EmbeddedKafka broker = EmbeddedKafka.start(dir, config.embeddedPort(), false);
    return embeddedClient(broker, config);
  }

  /** A throw-away embedded broker (demo, replay) in {@code java.io.tmpdir}. */
  static KafkaConnection temporary(AppConfig config) {
    return temporary(config, WorkDirs.defaultRoot(), EmbeddedKafka.Options.DEFAULT);
  }

  /**
   * A throw-away embedded broker whose log lives in {@code workRoot/costwatch-kafka-*}, deleted on close or, if the
   * process is terminated first, by the shutdown hook (see {@link WorkDirs}).
   *
   * @param broker how the broker differs from the embedded default (tests: Kafka's defaults)
   */
  static KafkaConnection temporary(AppConfig config, Path workRoot, EmbeddedKafka.Options broker) {
    Path dir;
    try {
      dir = WorkDirs.create(workRoot, "costwatch-kafka-");
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create the embedded broker's directory in " + workRoot + ": "
          + e.getMessage(), e);
    }
    try {
      KafkaConnection connection = embeddedClient(EmbeddedKafka.start(dir.resolve("data"), 0, false, broker), config);
      connection.temporaryDir = dir;
      return connection;
    } catch (RuntimeException e) {
      WorkDirs.release(dir);
      throw e;
    }
  }

  /** For producers only (ingest): the configured cluster, else a running {@code costwatch run}'s embedded broker. */
  static KafkaConnection clientOnly(AppConfig config) {
    Map<String, Object> client = new HashMap<>(config.kafka());
    client.putIfAbsent("bootstrap.servers", "127.0.0.1:" + config.embeddedPort());
    return new KafkaConnection(null, client, config.embedded());
  }

  private static KafkaConnection embeddedClient(EmbeddedKafka broker, AppConfig config) {
    Map<String, Object> client = new HashMap<>(config.kafka());
    client.put("bootstrap.servers", broker.bootstrapServers());
    return new KafkaConnection(broker, client, true);
  }

  Map<String, Object> clientConfig() {
    return Map.copyOf(clientConfig);
  }

  boolean singleNode() {
    return singleNode;
  }

  String bootstrapServers() {
    return String.valueOf(clientConfig.get("bootstrap.servers"));
  }

  /**
   * Creates the catalogue's topics. Bounded runs used to give each one partition; they now choose the count (see
   * {@link #createTopics(int)}).
   */
  void createTopics(boolean onePartition) {
    if (onePartition) {
      createTopics(1);
    } else {
      TopicAdmin.createMissing(clientConfig, Topics.all());
    }
  }

  /**
   * Creates the catalogue's topics with {@code partitions} partitions each (a bounded run: its end-of-input markers
   * go to every partition of the raw topics, and every repartition topic gets as many).
   */
  void createTopics(int partitions) {
    TopicAdmin.createMissing(clientConfig, Topics.all().stream()
        .<TopicSpec<?, ?>>map(t -> t.withPartitions(partitions)).toList());
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
    if (temporaryDir != null) {
      WorkDirs.release(temporaryDir);
    }
  }
}
