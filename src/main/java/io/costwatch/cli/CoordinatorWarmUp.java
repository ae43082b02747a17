package io.costwatch.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Readies a fresh broker's transaction coordinator while the caller does other start-up work.
 *
 * <p>A broker creates its transaction state log ({@code __transaction_state}) when the first transactional producer
 * asks for a coordinator, and answers only once it has loaded it. On the demo's fresh broker that producer was the
 * exactly-once stream thread's, which then waited 2.0 s in {@code initTransactions} before its first task could start,
 * while the broker was busy creating the internal topics' partitions (Kafka 4.4, load about 10). A throw-away
 * transactional producer started right after the broker makes the broker do that work while the topics are created
 * and Kafka Streams starts.
 */
final class CoordinatorWarmUp {

  private CoordinatorWarmUp() {
  }

  /**
   * Starts the warm-up on a daemon thread of its own. It only saves time: if it fails, the stream thread's own
   * producer waits for the coordinator as it would have anyway, so a failure is reported on standard error and
   * otherwise ignored.
   */
  static Thread start(Map<String, Object> clientConfig) {
    Thread thread = new Thread(() -> initTransactions(clientConfig), "costwatch-coordinator-warm-up");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void initTransactions(Map<String, Object> clientConfig) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "costwatch-warm-up-" + UUID.randomUUID());
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
        new ByteArraySerializer())) {
      producer.initTransactions();
    } catch (RuntimeException e) {
      System.err.println("costwatch: readying the embedded broker's transaction coordinator failed (start-up may be"
          + " slower): " + e);
    }
  }
}
