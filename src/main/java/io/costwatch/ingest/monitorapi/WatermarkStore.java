package io.costwatch.ingest.monitorapi;

import io.costwatch.topology.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the compacted high-water-mark topic to its end, committed records only: a mark written in an aborted
 * transaction (its metric records aborted with it) is never seen, so a restart resumes exactly after the last
 * minute that reached the raw topic.
 */
final class WatermarkStore {

  private WatermarkStore() {
  }

  /** Lower-cased resource id -> last minute published. */
  static Map<String, Instant> load(Map<String, Object> clientConfig, Duration timeout) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put("isolation.level", "read_committed");
    config.put("enable.auto.commit", false);
    config.put("auto.offset.reset", "earliest");
    config.remove("group.id");
    Map<String, Instant> marks = new HashMap<>();
    String topic = Topics.METRICS_API_WATERMARKS.name();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist; create the catalogue's topics first");
      }
      List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
      Instant deadline = Instant.now().plus(timeout);
      while (!caughtUp(consumer, ends)) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          MetricsWatermark mark = Topics.METRICS_API_WATERMARKS.valueSerde().deserializer().deserialize(topic,
              r.value());
          if (mark == null) {
            marks.remove(r.key());
          } else {
            marks.merge(r.key(), mark.lastMinute(), (a, b) -> b.isAfter(a) ? b : a);
          }
        }
      }
    }
    return marks;
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }
}
