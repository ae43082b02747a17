package io.costwatch.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.costwatch.topology.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  @Test
  void persistentBrokerKeepsRecordsAndTopicsAcrossRestarts(@TempDir Path dir) throws Exception {
    int port;
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir, 0, false)) {
      port = Integer.parseInt(broker.bootstrapServers().split(":")[1]);
      Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
      TopicAdmin.createMissing(client, Topics.all());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(client, new StringSerializer(),
          new StringSerializer())) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>(Topics.METRICS_RAW.name(), 0, "k", "v" + i)).get();
        }
      }
    }
    try (EmbeddedKafka broker = EmbeddedKafka.start(dir, port, true)) {
      Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
      TopicAdmin.createMissing(client, Topics.all());
      List<String> values = new ArrayList<>();
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(client, new StringDeserializer(),
          new StringDeserializer())) {
        TopicPartition partition = new TopicPartition(Topics.METRICS_RAW.name(), 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (values.size() < 10 && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            values.add(r.value());
          }
        }
      }
      assertEquals(List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"), values);
    }
    assertEquals(false, Files.exists(dir));
  }
}
