package io.costwatch.topology;

import io.costwatch.config.AppConfig;
import io.costwatch.core.AzureResourceId;
import io.costwatch.detect.ScopedSpendDetector;
import io.costwatch.testing.Fixtures;
import io.costwatch.usage.DailySpend;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;

/**
 * The spend detector alone, as tests drive it: daily spend keyed by workspace and currency in, lifecycle inputs out,
 * with the detector's stores built on a supplier the test chooses (in memory, or wrapped to watch the reads).
 */
final class SpendDetectorTopology {

  static final Instant WALL_CLOCK = Instant.parse("2026-03-01T00:00:00Z");
  private static final String IN = "daily-spend-by-workspace";
  private static final String OUT = "out";

  private SpendDetectorTopology() {
  }

  static TopologyTestDriver driver(String applicationId, Duration settle, Duration sliceBudget,
      Function<String, KeyValueBytesStoreSupplier> stores) {
    AppConfig config = Fixtures.config();
    Topology topology = new Topology();
    topology.addSource("spend-source", Serdes.String().deserializer(), JsonSerde.of(DailySpend.class).deserializer(),
        IN);
    topology.addProcessor("spend-detect", () -> new SpendSpikeProcessor(new ScopedSpendDetector(config.spendRules()),
        config.billingLateness(), config.spendRules().maxLookbackDays() + 7, config.rules().spend().lookbackDays(),
        settle, StorageDetection.of(config), sliceBudget), "spend-source");
    SpendSpikeProcessor.stores(stores, PipelineMetrics.NONE)
        .forEach(store -> topology.addStateStore(store, "spend-detect"));
    topology.addSink("spend-sink", OUT, Serdes.String().serializer(),
        JsonSerde.of(LifecycleInput.class).serializer(), "spend-detect");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return new TopologyTestDriver(topology, props, WALL_CLOCK);
  }

  static TestInputTopic<String, DailySpend> input(TopologyTestDriver driver) {
    return driver.createInputTopic(IN, Serdes.String().serializer(), JsonSerde.of(DailySpend.class).serializer());
  }

  static TestOutputTopic<String, LifecycleInput> output(TopologyTestDriver driver) {
    return driver.createOutputTopic(OUT, Serdes.String().deserializer(),
        JsonSerde.of(LifecycleInput.class).deserializer());
  }

  /** The detector's key of workspace {@code name}: its id and the currency. */
  static String key(String name) {
    return AzureResourceId.workspace(Fixtures.workspaceId(name)).workspaceId() + "|USD";
  }

  /** A day of {@code amount} USD in three line items. */
  static DailySpend day(String name, LocalDate day, double amount) {
    return new DailySpend(DailySpend.SCHEMA_VERSION, AzureResourceId.workspace(Fixtures.workspaceId(name)), "USD", day,
        BigDecimal.valueOf(amount), 3, null, Map.of(), Map.of(), Map.of());
  }
}
