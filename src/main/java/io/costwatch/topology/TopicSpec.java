package io.costwatch.topology;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A topic declared once with its serdes, partitions and configs. Topology code never names a topic as a literal.
 */
public record TopicSpec<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions,
    Map<String, String> configs, String key, String value, String producer, String consumer) {

  public Consumed<K, V> consumed() {
    return Consumed.with(keySerde, valueSerde);
  }

  /**
   * Reads values as text, so that a value the declared serde cannot read becomes a dead letter in the parse step
   * (with its raw text and coordinates) instead of a deserialization failure that stops the stream thread.
   */
  public Consumed<K, String> consumedAsText() {
    return Consumed.with(keySerde, org.apache.kafka.common.serialization.Serdes.String());
  }

  public Produced<K, V> produced() {
    return Produced.with(keySerde, valueSerde);
  }

  public TopicSpec<K, V> withPartitions(int count) {
    return new TopicSpec<>(name, keySerde, valueSerde, count, configs, key, value, producer, consumer);
  }
}
