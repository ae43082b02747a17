package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertStatus;
import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.recommend.PriceBook;
import io.costwatch.testing.Fixtures;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online deployments as the DCR export delivers them: per-instance {@code GpuUtilizationPercentage} and
 * {@code GpuMemoryUtilizationPercentage} with an {@code instanceId} dimension, and neither {@code DeploymentCapacity}
 * nor {@code RequestsPerMinute} (not exportable). Under three hours of generated per-minute duty cycles, the event bodies
 * {@code replay} would read, through the whole topology with a two-hour serving horizon: the idle deployment is found, counted from its instance ids
 * and priced; the one serving a few requests an hour raises nothing.
 */
class ServingHorizonTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-20T06:00:00Z");
  private static final String VM = "Standard_NC4as_T4_v3";
  private static final int MINUTES = 2 * 60 + 45;

  @TempDir
  Path stateDir;

  private static String deploymentId(String deployment) {
    return Fixtures.workspaceId("ws-a") + "/onlineEndpoints/chat/deployments/" + deployment;
  }

  /** One DCR-export record of one instance and minute (capitalised string aggregates, lower-case resource id). */
  private static String record(String deployment, String instance, String metric, Instant time, double value) {
    String v = String.format(Locale.ROOT, "%.2f", value);
    return String.format(Locale.ROOT, "{\"Average\":\"%s\",\"Count\":\"1\",\"Maximum\":\"%s\",\"Minimum\":\"%s\","
            + "\"Total\":\"%s\",\"resourceId\":\"%s\",\"time\":\"%s\",\"unit\":\"Percent\",\"metricName\":\"%s\","
            + "\"timeGrain\":\"PT1M\",\"dimension\":{\"instanceId\":\"%s\"}}", v, v, v, v,
        deploymentId(deployment).toLowerCase(Locale.ROOT), time, metric, instance);
  }

  /**
   * One event body a minute holding both deployments' instances. {@code idle}: GPUs at 0-1% with the model held in
   * memory. {@code bursty}: a request every 20 minutes keeps one of its two instances busy (40-90%) for 2 minutes,
   * taking turns; otherwise the same as idle, so its mean GPU utilisation stays under the 5% idle threshold.
   */
  private static List<String> bodies() {
    Random random = new Random(14);
    List<String> bodies = new ArrayList<>();
    for (int m = 0; m < MINUTES; m++) {
      Instant t = T0.plus(Duration.ofMinutes(m));
      List<String> records = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        String instance = "chat-" + (i == 0 ? "7f9c" : "b21e");
        records.add(record("idle", instance, "GpuUtilizationPercentage", t, random.nextInt(3) * 0.5));
        records.add(record("idle", instance, "GpuMemoryUtilizationPercentage", t, 38 + random.nextDouble() * 2));
        boolean busy = m % 20 < 2 && (m / 20) % 2 == i;
        records.add(record("bursty", instance, "GpuUtilizationPercentage", t,
            busy ? 40 + random.nextInt(50) : random.nextInt(3) * 0.5));
        records.add(record("bursty", instance, "GpuMemoryUtilizationPercentage", t, 38 + random.nextDouble() * 2));
      }
      bodies.add(Fixtures.body(records));
    }
    return bodies;
  }

  @Test
  void idleServingPodsWithoutCapacityAreFoundAndABurstyDeploymentIsNot() {
    AppConfig config = ConfigLoader.load(Map.of("COSTWATCH_SERVING_HORIZON", "PT2H", "COSTWATCH_COMPUTE_SKUS",
        "ws-a/chat/idle=" + VM + ",ws-a/chat/bursty=" + VM));
    List<AlertEvent> alerts;
    List<DeadLetter> dead;
    try (TopologyHarness harness = new TopologyHarness(config, stateDir)) {
      TestInputTopic<String, String> metrics = harness.driver.createInputTopic(Topics.METRICS_RAW.name(),
          Serdes.String().serializer(), Serdes.String().serializer());
      TestOutputTopic<String, AlertEvent> out = harness.output(Topics.ALERTS);
      TestOutputTopic<String, DeadLetter> deadLetters = harness.output(Topics.DEAD_LETTERS);
      List<String> bodies = bodies();
      for (int m = 0; m < bodies.size(); m++) {
        metrics.pipeInput("dcr", bodies.get(m), T0.plus(Duration.ofMinutes(m)));
      }
      Instant far = T0.plus(Duration.ofDays(2));
      metrics.pipeInput(FlushMarker.KEY, null, far);
      metrics.pipeInput(FlushMarker.KEY, null, far.plusSeconds(21 * 60));
      alerts = out.readValuesToList();
      dead = deadLetters.readValuesToList();
    }

    assertTrue(dead.isEmpty(), dead::toString);
    assertTrue(alerts.stream().noneMatch(a -> a.resourceId().endsWith("/bursty")),
        "a few requests an hour is serving: " + alerts);
    AlertEvent open = alerts.stream().filter(a -> a.status() == AlertStatus.OPEN).findFirst()
        .orElseThrow(() -> new AssertionError("no alert opened: " + alerts));
    assertEquals("IDLE_DEPLOYMENT", open.type());
    assertEquals(deploymentId("idle").toLowerCase(Locale.ROOT), open.resourceId());
    assertEquals("LOW_UTILIZATION", open.cause());
    assertEquals(0, new BigDecimal("2").compareTo(open.observed().get("instancesAvg")), open.observed()::toString);
    assertEquals(0, BigDecimal.ONE.compareTo(open.observed().get("instancesFromInstanceIds")));
    assertEquals(0, new BigDecimal("2").compareTo(open.observed().get("horizonHours")));
    assertEquals(0, BigDecimal.ZERO.compareTo(open.observed().get("gpuBusyMinuteShare")));
    assertTrue(open.observed().get("gpuMemoryUtilizationAvgPercent").compareTo(new BigDecimal("38")) >= 0);
    BigDecimal hourly = PriceBook.shipped().find(VM).orElseThrow().hourly().amount();
    assertEquals(0, hourly.multiply(new BigDecimal("2")).setScale(2, RoundingMode.HALF_EVEN)
        .compareTo(open.impact().amount()), open.impact()::toString);
    assertTrue(!open.windowEnd().isBefore(T0.plus(Duration.ofHours(2))),
        "judged only once a whole horizon of telemetry is in: " + open.windowEnd());
    assertTrue(open.summary().contains("duty cycle"), open.summary());
  }
}
