package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertStatus;
import io.costwatch.alert.Episode;
import io.costwatch.alert.Impact;
import io.costwatch.alert.Trace;
import io.costwatch.alert.delivery.AlertmanagerProcess;
import io.costwatch.config.ConfigLoader;
import io.costwatch.core.Money;
import io.costwatch.core.ScopeKind;
import io.costwatch.detect.Severity;
import io.costwatch.testing.Binaries;
import io.costwatch.testing.Fixtures;
import io.costwatch.topology.Topics;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alert events on the real alert topic reach a real Alertmanager: OPEN shows as an active alert, RESOLVED ends it.
 * Skipped, with the reason, where no Alertmanager binary is installed (CI installs prometheus-alertmanager).
 */
class DeliveryRunnerIT {

  @TempDir
  Path dir;

  @Test
  void openAlertFiresInAlertmanagerAndItsResolutionEndsIt() throws Exception {
    Optional<Path> binary = AlertmanagerProcess.binary();
    Binaries.require(binary.isPresent(), "no Alertmanager binary: none of " + AlertmanagerProcess.NAMES
        + " on PATH and ALERTMANAGER_BIN unset (apt-get install prometheus-alertmanager)");
    try (AlertmanagerProcess alertmanager = AlertmanagerProcess.start(binary.get(), dir);
        KafkaConnection kafka = KafkaConnection.temporary(ConfigLoader.load(Map.of()))) {
      kafka.createTopics(true);
      try (DeliveryRunner delivery = DeliveryRunner.startIfConfigured(
              Map.of("COSTWATCH_ALERTMANAGER_URL", alertmanager.base().toString()), kafka);
          KafkaProducer<String, byte[]> producer = new KafkaProducer<>(StreamsRuntime.producerConfig(kafka),
              new StringSerializer(), new ByteArraySerializer())) {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        delivery.bindMetrics(registry);
        send(producer, alert(AlertStatus.OPEN, null));
        assertTrue(poll(() -> alertmanager.alerts().contains("cw-gpu-idle-test0001")),
            "Alertmanager never showed the OPEN alert");

        send(producer, alert(AlertStatus.RESOLVED, Instant.parse("2026-11-20T09:30:00Z")));
        assertTrue(poll(() -> !alertmanager.alerts().contains("cw-gpu-idle-test0001")),
            "Alertmanager still shows the alert after RESOLVED: " + alertmanager.alerts());
        assertTrue(delivery.stats().contains("failed=0"), delivery.stats());
        System.gc(); // the counters were bound at start; weakly held meter state would be gone now (issue 16)
        assertTrue(registry.get("costwatch.alert.deliveries").tags("sink", "alertmanager", "outcome", "delivered")
            .functionCounter().count() >= 2, "delivered counter");
      }
    }
  }

  private static void send(KafkaProducer<String, byte[]> producer, AlertEvent alert) throws Exception {
    producer.send(new ProducerRecord<>(Topics.ALERTS.name(), alert.alertId(),
        Topics.ALERTS.valueSerde().serializer().serialize(Topics.ALERTS.name(), alert))).get();
  }

  private static AlertEvent alert(AlertStatus status, Instant resolvedAt) {
    String ws = Fixtures.workspaceId("ws-vision").toLowerCase();
    return new AlertEvent(AlertEvent.SCHEMA_VERSION, "cw-gpu-idle-test0001", "GPU_IDLE", status, Severity.MEDIUM, ws,
        ws + "/computes/gpu-a100", ScopeKind.COMPUTE, Instant.parse("2026-11-20T08:00:00Z"),
        Instant.parse("2026-11-20T08:15:00Z"), Map.of("gpuUtilizationAvgPercent", new BigDecimal("0.7")), Map.of(),
        new Impact(new BigDecimal("7.27"), "USD", "PT1H"), "IDLE", "ws-vision/gpu-a100: GPU idle", List.of(),
        new Trace("gpu-idle", Map.of(), 75, "a.jsonl:1", "a.jsonl:15", "Standard_NC24ads_A100_v4 (configured)"),
        new Episode("GPU_IDLE|" + ws + "/computes/gpu-a100|USD", 1, Instant.parse("2026-11-20T08:00:00Z"),
            Instant.parse("2026-11-20T09:00:00Z"), resolvedAt, new Money(new BigDecimal("7.27"), "USD")));
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static boolean poll(Check check) {
    return io.costwatch.testing.Poll.until(Duration.ofSeconds(60), () -> {
      try {
        return check.ok() ? java.util.Optional.of(true) : java.util.Optional.<Boolean>empty();
      } catch (Exception e) {
        return java.util.Optional.<Boolean>empty();
      }
    }).isPresent();
  }
}
