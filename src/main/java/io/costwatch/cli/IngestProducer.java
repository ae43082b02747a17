package io.costwatch.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The producer of {@code ingest}: a record counts as published only when the broker acknowledged it, a failure is
 * kept with the file and line it came from, and a cluster that does not answer is reported within seconds (a broker
 * check up front, and short client timeouts) instead of after a minute of blocking per record.
 */
final class IngestProducer implements AutoCloseable {

  /** How long the up-front check waits for a broker to describe the cluster. */
  static final Duration BROKER_CHECK = Duration.ofSeconds(10);
  private static final int KEPT_FAILURES = 100;

  /** The cluster did not answer the up-front check. */
  static final class BrokerUnavailable extends RuntimeException {
    BrokerUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Some records were not acknowledged. */
  static final class NotDelivered extends RuntimeException {
    NotDelivered(String message) {
      super(message);
    }
  }

  private final KafkaProducer<String, byte[]> producer;
  private final String bootstrapServers;
  private final LongAdder acknowledged = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicInteger keptFailures = new AtomicInteger();
  private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

  private IngestProducer(KafkaProducer<String, byte[]> producer, String bootstrapServers) {
    this.producer = producer;
    this.bootstrapServers = bootstrapServers;
  }

  /** Checks that a broker answers at the connection's bootstrap servers, then opens the producer. */
  static IngestProducer connect(KafkaConnection kafka) {
    checkBroker(kafka.clientConfig(), kafka.bootstrapServers());
    return new IngestProducer(new KafkaProducer<>(config(kafka), new StringSerializer(), new ByteArraySerializer()),
        kafka.bootstrapServers());
  }

  /**
   * The shared producer settings with timeouts an interactive command can live with: {@code send} blocks at most
   * 10 s for metadata, and a record is given up (and reported) 15 s after it was sent.
   */
  static Map<String, Object> config(KafkaConnection kafka) {
    Map<String, Object> config = new HashMap<>(StreamsRuntime.producerConfig(kafka));
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
    return config;
  }

  private static void checkBroker(Map<String, Object> clientConfig, String bootstrapServers) {
    Map<String, Object> adminConfig = new HashMap<>(clientConfig);
    adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) BROKER_CHECK.toMillis());
    adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) BROKER_CHECK.toMillis());
    try (Admin admin = Admin.create(adminConfig)) {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) BROKER_CHECK.toMillis())).nodes()
          .get(BROKER_CHECK.toMillis() + 2_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new BrokerUnavailable("no Kafka broker answered at " + bootstrapServers + " within "
          + BROKER_CHECK.toSeconds() + " s (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
          + "); start `costwatch run` (its embedded broker) or set KAFKA_BOOTSTRAP_SERVERS to a reachable cluster",
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerUnavailable("interrupted while checking the Kafka broker at " + bootstrapServers, e);
    }
  }

  /** Sends one record; {@code source} (file:line) names it if it is not acknowledged. */
  void send(ProducerRecord<String, byte[]> record, String source) {
    try {
      producer.send(record, (metadata, e) -> {
        if (e == null) {
          acknowledged.increment();
        } else {
          fail(source, e);
        }
      });
    } catch (KafkaException e) {
      fail(source, e);
    }
  }

  private void fail(String source, Exception e) {
    failed.increment();
    if (keptFailures.getAndIncrement() < KEPT_FAILURES) {
      failures.add(source + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Waits until every record sent so far is acknowledged or given up. */
  void flush() {
    producer.flush();
  }

  /** Flushes, then fails if any record so far was not acknowledged. */
  void flushAndCheck() {
    flush();
    if (failed() > 0) {
      throw new NotDelivered(failed() + " record(s) not acknowledged by Kafka at " + bootstrapServers
          + "; first: " + failures().get(0));
    }
  }

  /** How many partitions {@code topic} has (waits at most the producer's metadata timeout). */
  int partitions(String topic) {
    return producer.partitionsFor(topic).size();
  }

  long acknowledged() {
    return acknowledged.sum();
  }

  long failed() {
    return failed.sum();
  }

  /** The first failures (at most 100), each {@code source: exception: message}. */
  List<String> failures() {
    return new ArrayList<>(failures);
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(15));
  }
}
