package io.costwatch.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
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
  private final String securedBootstrapServers;

  private EmbeddedKafka(Path dataDir, boolean deleteOnClose, KafkaRaftServer server, String bootstrapServers,
      String securedBootstrapServers) {
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.securedBootstrapServers = securedBootstrapServers;
  }

  /** A throw-away broker on a free port, its data deleted on close (demo, replay, tests). */
  public static EmbeddedKafka startTemporary() {
    return startTemporary(Options.DEFAULT);
  }

  /** A throw-away broker with {@code options}. */
  public static EmbeddedKafka startTemporary(Options options) {
    try {
      return start(Files.createTempDirectory("costwatch-kafka-"), 0, true, options);
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
    return start(dataDir, port, deleteOnClose, Options.DEFAULT);
  }

  /** Like {@link #start(Path, int, boolean)}, with the test options (broker defaults, a secured listener). */
  public static EmbeddedKafka start(Path dataDir, int port, boolean deleteOnClose, Options options) {
    try {
      Files.createDirectories(dataDir);
      int brokerPort = port > 0 ? port : freePort();
      int controllerPort = freePort();
      int securedPort = options.saslSsl() == null ? 0
          : options.saslSsl().port() > 0 ? options.saslSsl().port() : freePort();
      KafkaConfig config = new KafkaConfig(properties(dataDir, brokerPort, controllerPort, securedPort, options));
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
      EmbeddedKafka broker = new EmbeddedKafka(dataDir, deleteOnClose, server, "127.0.0.1:" + brokerPort,
          securedPort == 0 ? null : "127.0.0.1:" + securedPort);
      if (options.saslSsl() != null) {
        broker.addScramUser(options.saslSsl());
      }
      return broker;
    } catch (Exception e) {
      throw new IllegalStateException("embedded Kafka broker failed to start on " + dataDir + ": " + e.getMessage(), e);
    }
  }

  /**
   * How a broker differs from the embedded default.
   *
   * @param brokerDefaults keep Kafka's own defaults for the accepted record timestamps (at most one hour ahead)
   *     instead of the embedded broker's unbounded ones, as a user's cluster has them
   * @param overrides further broker properties, applied last (e.g. a short producer-state expiry check interval)
   * @param saslSsl an additional {@code SASL_SSL} listener, or null
   */
  public record Options(boolean brokerDefaults, Map<String, String> overrides, SaslSsl saslSsl) {

    public static final Options DEFAULT = new Options(false, Map.of(), null);

    public Options {
      overrides = Map.copyOf(overrides);
    }

    public Options withBrokerDefaults() {
      return new Options(true, overrides, saslSsl);
    }

    public Options with(String property, String value) {
      Map<String, String> all = new java.util.HashMap<>(overrides);
      all.put(property, value);
      return new Options(brokerDefaults, all, saslSsl);
    }

    public Options withSaslSsl(SaslSsl listener) {
      return new Options(brokerDefaults, overrides, listener);
    }
  }

  /**
   * A {@code SASL_SSL} listener with SCRAM-SHA-512 authentication of one user, next to the PLAINTEXT one (which
   * the broker itself and test set-up keep using).
   *
   * @param keyStore PKCS12 key store holding the broker's key and a certificate valid for 127.0.0.1
   * @param port the listener's port, or 0 for a free one
   */
  public record SaslSsl(Path keyStore, String keyStorePassword, String user, String password, int port) {

    public static final String MECHANISM = "SCRAM-SHA-512";

    @Override
    public String toString() {
      return "SaslSsl[keyStore=" + keyStore + ", user=" + user + ", port=" + port + "]";
    }
  }

  private void addScramUser(SaslSsl listener) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(listener.user(),
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), listener.password()))).all().get();
    }
  }

  private static Properties properties(Path dataDir, int port, int controllerPort, int securedPort, Options options) {
    Properties p = new Properties();
    String listeners = "PLAINTEXT://127.0.0.1:" + port;
    String advertised = listeners;
    String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
    if (securedPort > 0) {
      listeners += ",SASL_SSL://127.0.0.1:" + securedPort;
      advertised += ",SASL_SSL://127.0.0.1:" + securedPort;
      protocols += ",SASL_SSL:SASL_SSL";
      SaslSsl secured = options.saslSsl();
      p.putAll(Map.of(
          "sasl.enabled.mechanisms", SaslSsl.MECHANISM,
          "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;",
          "listener.name.sasl_ssl.ssl.keystore.location", secured.keyStore().toAbsolutePath().toString(),
          "listener.name.sasl_ssl.ssl.keystore.password", secured.keyStorePassword(),
          "listener.name.sasl_ssl.ssl.key.password", secured.keyStorePassword(),
          "listener.name.sasl_ssl.ssl.keystore.type", "PKCS12"));
    }
    p.putAll(Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", "1"),
        Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
        Map.entry("listeners", listeners + ",CONTROLLER://127.0.0.1:" + controllerPort),
        Map.entry("advertised.listeners", advertised),
        Map.entry("controller.listener.names", "CONTROLLER"),
        Map.entry("inter.broker.listener.name", "PLAINTEXT"),
        Map.entry("listener.security.protocol.map", protocols),
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
        Map.entry("log.cleaner.dedupe.buffer.size", "8388608")));
    // producer.id.expiration.ms stays at Kafka's default (1 day), as on a user's cluster: OldTimestampsIT shows that
    // months-old event times do not break exactly-once (a commit marker carries the broker's clock, which keeps a
    // transactional producer's state; an idempotent producer whose state expired starts a new sequence)
    if (!options.brokerDefaults()) {
      // replays carry historical event times and end with end-of-input markers a year ahead (default: 1 hour)
      p.putAll(Map.of(
          "log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE),
          "log.message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE)));
    }
    p.putAll(options.overrides());
    return p;
  }

  /** The PLAINTEXT listener. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The {@code SASL_SSL} listener's address; fails when the broker was started without one. */
  public String securedBootstrapServers() {
    if (securedBootstrapServers == null) {
      throw new IllegalStateException("this broker was started without a SASL_SSL listener");
    }
    return securedBootstrapServers;
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
