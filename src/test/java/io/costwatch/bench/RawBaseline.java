package io.costwatch.bench;

import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.SourceRef;
import io.costwatch.ingest.monitor.MetricPayloadParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The broker's "physical limit" on this machine, measured as {@code src/site/markdown/benchmarks.md} and the shared embedded
 * Kafka reference describe: one producer with tuned batching (linger 20 ms, 256 KiB batches, acks=all, idempotent,
 * uncompressed), {@code send()} without callback then {@code flush()}; then one consumer that assigns every
 * partition, seeks to the beginning and polls to the end, first touching only the bytes (which also warms the JIT),
 * then decoding and parsing each body with {@link MetricPayloadParser}. The consume+parse rate is what the topology
 * is compared with.
 */
final class RawBaseline {

  /** One timed phase: how many metric records, in how long, with what CPU time and load. */
  record Phase(String name, long records, double seconds, double cpuSeconds, String loadBefore, String loadAfter) {

    double recordsPerSecond() {
      return records / seconds;
    }
  }

  private final Map<String, Object> client;
  private final String topic;

  RawBaseline(Map<String, Object> client, String topic) {
    this.client = client;
    this.topic = topic;
  }

  Phase produce(BenchInput input) {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
        new ByteArraySerializer())) {
      producer.partitionsFor(topic);
      String load = MachineStats.loadAverage();
      double cpu = MachineStats.processCpuSeconds();
      long start = System.nanoTime();
      send(producer, input.bodies());
      producer.flush();
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Phase("produce (linger 20 ms, batch 256 KiB)", input.records(), seconds,
          MachineStats.processCpuSeconds() - cpu, load, MachineStats.loadAverage());
    }
  }

  /** Sends {@code bodies} with the same producer settings, untimed, and waits until the broker has them all. */
  void sendAll(List<BenchInput.Body> bodies) {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(), new StringSerializer(),
        new ByteArraySerializer())) {
      send(producer, bodies);
      producer.flush();
    }
  }

  /**
   * Empties the topic (deletes every record below the end offsets), so the next topology run reads only what is
   * sent after: the closing bodies of an earlier run must not reach a new run before its real bodies.
   */
  void truncate() {
    try (Admin admin = Admin.create(client)) {
      List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
          .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
      Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
      admin.listOffsets(latest).all().get()
          .forEach((p, info) -> delete.put(p, RecordsToDelete.beforeOffset(info.offset())));
      admin.deleteRecords(delete).all().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot truncate " + topic + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while truncating " + topic, e);
    }
  }

  private Map<String, Object> producerConfig() {
    Map<String, Object> config = new HashMap<>(client);
    config.put("linger.ms", 20);
    config.put("batch.size", 262_144);
    config.put("acks", "all");
    config.put("enable.idempotence", true);
    return config;
  }

  private void send(KafkaProducer<String, byte[]> producer, List<BenchInput.Body> bodies) {
    for (BenchInput.Body b : bodies) {
      producer.send(new ProducerRecord<>(topic, b.partition(), b.timestamp(), b.key(), b.value()));
    }
  }

  /** Reads every body of the topic ({@code bodies} of them); with {@code parse}, decodes and parses each. */
  Phase consume(long bodies, boolean parse) {
    return consume(bodies, parse, parse ? "consume + decode + parse" : "consume raw bytes (first pass, cold JIT)");
  }

  /** As {@link #consume(long, boolean)}, reported under {@code name}. */
  Phase consume(long bodies, boolean parse, String name) {
    Map<String, Object> config = new HashMap<>(client);
    config.put("enable.auto.commit", false);
    MetricPayloadParser parser = new MetricPayloadParser();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      String load = MachineStats.loadAverage();
      double cpu = MachineStats.processCpuSeconds();
      long start = System.nanoTime();
      long seen = 0;
      long records = 0;
      long touched = 0;
      long deadline = start + Duration.ofMinutes(3).toNanos();
      while (seen < bodies) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("consumed only " + seen + " of " + bodies + " bodies within 3 minutes");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          seen++;
          touched += r.value().length;
          if (parse) {
            records += parsed(parser.parse(new String(r.value(), StandardCharsets.UTF_8),
                new SourceRef(r.topic() + "/" + r.partition(), r.offset(), -1)));
          } else {
            records += MetricBodies.RECORDS_PER_BODY;
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (touched == 0) {
        throw new IllegalStateException("read no bytes");
      }
      return new Phase(name, records, seconds, MachineStats.processCpuSeconds() - cpu, load, MachineStats.loadAverage());
    }
  }

  private static long parsed(List<ParseResult<MetricSample>> results) {
    long n = 0;
    for (ParseResult<MetricSample> r : results) {
      if (r instanceof ParseResult.Parsed<MetricSample>) {
        n++;
      }
    }
    if (n != results.size()) {
      throw new IllegalStateException("the generated bodies should all parse; rejected: " + results.stream()
          .filter(r -> !(r instanceof ParseResult.Parsed<MetricSample>)).findFirst().orElseThrow());
    }
    return n;
  }
}
