package io.costwatch.cli;

import io.costwatch.topology.TopicSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The latest committed value of every key of a (compacted) topic, read from the beginning to the current end. */
final class TopicSnapshot {

  private TopicSnapshot() {
  }

  static <V> Map<String, V> latest(KafkaConnection kafka, TopicSpec<String, V> topic) {
    return latest(kafka.clientConfig(), topic);
  }

  static <V> Map<String, V> latest(Map<String, Object> clientConfig, TopicSpec<String, V> topic) {
    Map<String, V> latest = new LinkedHashMap<>();
    forEach(clientConfig, topic, latest::put);
    return latest;
  }

  /** Every committed record of {@code topic} from the beginning to the current end, in offset order per partition. */
  static <V> void forEach(Map<String, Object> clientConfig, TopicSpec<String, V> topic, BiConsumer<String, V> record) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put("isolation.level", "read_committed");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          record.accept(r.key(), topic.valueSerde().deserializer().deserialize(r.topic(), r.value()));
        }
      }
    }
  }
}
