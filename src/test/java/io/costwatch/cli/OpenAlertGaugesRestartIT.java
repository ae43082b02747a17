package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.costwatch.config.AppConfig;
import io.costwatch.metrics.MicrometerPipelineMetrics;
import io.costwatch.testing.Fixtures;
import io.costwatch.testing.Poll;
import io.costwatch.topology.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The open-alert, waste and savings gauges follow the alert state store across a restart: an instance that publishes
 * an alert and stops releases its gauges, and the next instance on the same state directory shows the open alert
 * again before any new input arrives.
 */
class OpenAlertGaugesRestartIT {

  private static final Duration DEADLINE = Duration.ofMinutes(3);
  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  @TempDir
  Path dir;

  @Test
  void openAlertGaugesAreRebuiltFromTheAlertStateStoreAfterARestart() throws Exception {
    AppConfig config = Fixtures.config().withApplication("costwatch-gauges-it", dir.resolve("state"));
    try (KafkaConnection kafka = KafkaConnection.temporary(config)) {
      kafka.createTopics(true);
      PrometheusMeterRegistry before = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (StreamsRuntime first = StreamsRuntime.start(config, kafka, new MicrometerPipelineMetrics(before));
          KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
              kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
        first.awaitRunning(DEADLINE);
        send(producer, T0, 15);
        send(producer, T0.plusSeconds(20 * 60), 1);
        Poll.await(DEADLINE, () -> openAlerts(before) == 1.0, () -> "the idle GPU alert open in the gauges");
        first.close();
        assertEquals(0.0, openAlerts(before), "a stopped instance releases the gauges of its tasks");
      }

      PrometheusMeterRegistry after = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (StreamsRuntime second = StreamsRuntime.start(config, kafka, new MicrometerPipelineMetrics(after))) {
        second.awaitRunning(DEADLINE);
        Poll.await(DEADLINE, () -> openAlerts(after) == 1.0, () -> "the open alert rebuilt from the store");
        // 2 nodes x 3.673 $/h x 99.5% unused, as published before the restart
        assertEquals(7.31, after.get("costwatch.waste.rate").tag("type", "GPU_IDLE").gauge().value(), 0.01);
        assertEquals(0.0, after.find("costwatch.alerts.published").counters().stream()
            .mapToDouble(c -> c.count()).sum(), "a restored alert is not counted as published again");
      }
    }
  }

  private static void send(KafkaProducer<String, String> producer, Instant start, int minutes) throws Exception {
    producer.send(new ProducerRecord<>(Topics.METRICS_RAW.name(), null, start.toEpochMilli(), null,
        Fixtures.body(Fixtures.cluster("ws-a", "gpu1", start, minutes, 0.5, 2, 0)))).get();
  }

  private static double openAlerts(PrometheusMeterRegistry registry) {
    return registry.find("costwatch.alerts.open").tag("type", "GPU_IDLE").gauges().stream()
        .mapToDouble(Gauge::value).sum();
  }
}
