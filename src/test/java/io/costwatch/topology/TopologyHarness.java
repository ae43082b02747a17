package io.costwatch.topology;

import io.costwatch.config.AppConfig;
import io.costwatch.contract.EventContract;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The whole topology in a {@link TopologyTestDriver}, with typed topics from the catalogue: one setup for all tests.
 * Every value read from an output topic is validated against its published JSON Schema ({@link EventContract}).
 */
final class TopologyHarness implements AutoCloseable {

  final TopologyTestDriver driver;

  TopologyHarness(AppConfig config, Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "costwatch-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    StreamErrors.configure(props, PipelineMetrics.NONE);
    driver = new TopologyTestDriver(CostTopology.build(config), props);
  }

  <K, V> TestInputTopic<K, V> input(TopicSpec<K, V> topic) {
    return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  <K, V> TestOutputTopic<K, V> output(TopicSpec<K, V> topic) {
    return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(),
        EventContract.validating(topic.name(), topic.valueSerde().deserializer()));
  }

  @Override
  public void close() {
    driver.close();
  }
}
