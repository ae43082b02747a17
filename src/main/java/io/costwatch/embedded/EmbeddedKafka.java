package io.costwatch.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A single-node KRaft broker (broker and controller in one) running inside this JVM: the default when no
 * {@code bootstrap.servers} is configured, and the real broker of the integration tests. Every internal topic is
 * sized for one node, which exactly-once processing needs (the transaction state log defaults to replication 3 and
 * would never be created).
 *
 * <p>{@code KafkaRaftServer} is not public Kafka API; it is pinned with {@code kafka.version} and kept inside this
 * one class.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private final Path dataDir;
  private final boolean deleteOnClose;
  private final KafkaRaftServer server;
  private final String bootstrapServers;

  private EmbeddedKafka(Path dataDir, boolean deleteOnClose, KafkaRaftServer server, String bootstrapServers) {
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  /** A throw-away broker on a free port, its data deleted on close (demo, replay, tests). */
  public static EmbeddedKafka startTemporary() {
    try {
      return start(Files.createTempDirectory("costwatch-kafka-"), 0, true);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temporary directory for the embedded broker", e);
    }
  }

  /**
   * Starts a broker on {@code dataDir}, formatting it only when it holds no {@code meta.properties} yet, so data
   * survives restarts of {@code run}.
   *
   * @param port the client port, or 0 for a free one
   */
  public static EmbeddedKafka start(Path dataDir, int port, boolean deleteOnClose) {
    try {
      Files.createDirectories(dataDir);
      int brokerPort = port > 0 ? port : freePort();
      int controllerPort = freePort();
      KafkaConfig config = new KafkaConfig(properties(dataDir, brokerPort, controllerPort));
      if (!Files.exists(dataDir.resolve("meta.properties"))) {
        new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setNodeId(1)
            .setClusterId(Uuid.randomUuid().toString())
            .setControllerListenerName("CONTROLLER")
            .setMetadataLogDirectory(config.metadataLogDir())
            .addDirectory(dataDir.toAbsolutePath().toString())
            .run();
      }
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      server.startup();
      return new EmbeddedKafka(dataDir, deleteOnClose, server, "127.0.0.1:" + brokerPort);
    } catch (Exception e) {
      throw new IllegalStateException("embedded Kafka broker failed to start on " + dataDir + ": " + e.getMessage(), e);
    }
  }

  private static Properties properties(Path dataDir, int port, int controllerPort) {
    Properties p = new Properties();
    p.putAll(Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", "1"),
        Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
        Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
        Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
        Map.entry("controller.listener.names", "CONTROLLER"),
        Map.entry("inter.broker.listener.name", "PLAINTEXT"),
        Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
        Map.entry("log.dirs", dataDir.toAbsolutePath().toString()),
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "1"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("transaction.state.log.num.partitions", "1"),
        Map.entry("share.coordinator.state.topic.replication.factor", "1"),
        Map.entry("share.coordinator.state.topic.min.isr", "1"),
        Map.entry("default.replication.factor", "1"),
        Map.entry("min.insync.replicas", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        Map.entry("auto.create.topics.enable", "false"),
        Map.entry("log.cleaner.dedupe.buffer.size", "8388608"),
        // replays carry historical event times and end with far-future end-of-input markers
        Map.entry("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE)),
        Map.entry("log.message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE)),
        // the broker expires an idempotent producer's state when its last record's timestamp is older than
        // producer.id.expiration.ms (1 day); replayed telemetry carries older event times in repartition topics,
        // and the expiry makes exactly-once producers fail with OUT_OF_ORDER_SEQUENCE_NUMBER
        Map.entry("producer.id.expiration.ms", Integer.toString(Integer.MAX_VALUE)),
        Map.entry("producer.id.expiration.check.interval.ms", Integer.toString(Integer.MAX_VALUE))));
    return p;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    if (deleteOnClose) {
      try {
        Utils.delete(dataDir.toFile());
      } catch (IOException e) {
        throw new IllegalStateException("cannot delete " + dataDir, e);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
