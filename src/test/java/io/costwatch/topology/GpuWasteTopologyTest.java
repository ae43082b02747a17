package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertStatus;
import io.costwatch.config.ConfigLoader;
import io.costwatch.recommend.RecommendationEvent;
import io.costwatch.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated per-minute telemetry over hours through the whole topology: a GPU cluster whose utilisation wanders
 * around the idle and under-use thresholds is one alert episode, and a training job starved by one loader core is
 * input-bound with the input-pipeline remedy.
 */
class GpuWasteTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");
  private static final int WANDERING_MINUTES = 4 * 60;

  @TempDir
  Path stateDir;

  @Test
  void aClusterWanderingAroundTheThresholdsIsOneAlertEpisodeAndAStarvedJobIsInputBound() {
    try (TopologyHarness harness = new TopologyHarness(ConfigLoader.load(Map.of("COSTWATCH_COMPUTE_SKUS",
        "ws-a/gpu1=Standard_NC24ads_A100_v4,ws-a/h100=Standard_NC40ads_H100_v5")), stateDir)) {
      TestInputTopic<String, String> metrics = harness.driver.createInputTopic(Topics.METRICS_RAW.name(),
          Serdes.String().serializer(), Serdes.String().serializer());
      TestOutputTopic<String, AlertEvent> alerts = harness.output(Topics.ALERTS);
      TestOutputTopic<String, RecommendationEvent> recommendations = harness.output(Topics.RECOMMENDATIONS);

      Random random = new Random(14);
      List<Double> windowMeans = new ArrayList<>();
      for (int minute = 0; minute < WANDERING_MINUTES + 60; minute++) {
        Instant t = T0.plus(Duration.ofMinutes(minute));
        double gpu = minute < WANDERING_MINUTES ? wandering(minute, random) : 90;
        if (minute % 15 == 0) {
          windowMeans.add(0.0);
        }
        windowMeans.set(windowMeans.size() - 1, windowMeans.get(windowMeans.size() - 1) + gpu / 15);
        List<String> records = new ArrayList<>();
        // gpu1: bursty job, 1 % CPU of 24 vCPUs (0.24 cores), GPU memory held
        records.add(Fixtures.dcrRecord("ws-a", "gpu1", "GpuUtilization", t, gpu));
        records.add(Fixtures.dcrRecord("ws-a", "gpu1", "GpuMemoryUtilization", t, 60));
        records.add(Fixtures.dcrRecord("ws-a", "gpu1", "CpuUtilization", t, 1));
        records.add(Fixtures.dcrRecord("ws-a", "gpu1", "Active Nodes", t, 2));
        records.add(Fixtures.dcrRecord("ws-a", "gpu1", "Idle Nodes", t, 0));
        if (minute < 60) {
          // h100: 2 % GPU, one busy core of 40 vCPUs (Azure ML reports 2.5 % CPU)
          records.add(Fixtures.dcrRecord("ws-a", "h100", "GpuUtilization", t, 1 + random.nextDouble() * 2));
          records.add(Fixtures.dcrRecord("ws-a", "h100", "GpuMemoryUtilization", t, 45));
          records.add(Fixtures.dcrRecord("ws-a", "h100", "CpuUtilization", t, 2.5));
          records.add(Fixtures.dcrRecord("ws-a", "h100", "Active Nodes", t, 1));
          records.add(Fixtures.dcrRecord("ws-a", "h100", "Idle Nodes", t, 0));
        }
        metrics.pipeInput("k", Fixtures.body(records), t);
      }
      List<AlertEvent> out = alerts.readValuesToList();
      List<RecommendationEvent> recs = recommendations.readValuesToList();

      // the generated series does cross the thresholds: windows idle (< 5 %), under-used, and in the 30-40 % band
      assertTrue(windowMeans.stream().anyMatch(m -> m < 5), windowMeans::toString);
      assertTrue(windowMeans.stream().anyMatch(m -> m > 5 && m < 30), windowMeans::toString);
      assertTrue(windowMeans.stream().anyMatch(m -> m >= 30 && m < 40), windowMeans::toString);
      Map<String, List<AlertEvent>> byResource = out.stream()
          .collect(Collectors.groupingBy(a -> a.resourceId().substring(a.resourceId().lastIndexOf('/') + 1)));

      List<AlertEvent> wandering = byResource.get("gpu1");
      assertEquals(1, wandering.stream().map(AlertEvent::alertId).distinct().count(), wandering::toString);
      assertTrue(wandering.get(0).alertId().startsWith("cw-gpu-waste-"), wandering.get(0).alertId());
      assertEquals(1, wandering.stream().filter(a -> a.status() == AlertStatus.OPEN).count(), wandering::toString);
      assertEquals(AlertStatus.OPEN, wandering.get(0).status());
      assertEquals(1, wandering.stream().filter(a -> a.status() == AlertStatus.RESOLVED).count(),
          wandering::toString);
      assertEquals(AlertStatus.RESOLVED, wandering.get(wandering.size() - 1).status());
      // the resolution comes only with the busy hour at the end
      assertTrue(!wandering.get(wandering.size() - 1).windowEnd().isBefore(T0.plus(Duration.ofMinutes(
          WANDERING_MINUTES - 15))), wandering.get(wandering.size() - 1)::toString);

      List<AlertEvent> starved = byResource.get("h100");
      AlertEvent opened = starved.get(0);
      assertEquals(AlertStatus.OPEN, opened.status());
      assertEquals("GPU_UNDERUTILIZED", opened.type());
      assertEquals("INPUT_BOUND", opened.cause());
      assertTrue(opened.summary().contains("input pipeline"), opened.summary());
      assertEquals(List.of("FIX_INPUT_PIPELINE"), recs.stream().filter(r -> r.alertId().equals(opened.alertId()))
          .map(RecommendationEvent::action).distinct().toList());
    }
  }

  /**
   * A bursty job: per 15-minute window, a quiet base and a few busy minutes, drifting from idle (around 5 %) to light
   * use (around 30 %) and back, so consecutive windows land on both sides of the idle and the under-use thresholds.
   */
  private static double wandering(int minute, Random random) {
    int window = minute / 15;
    int inWindow = minute % 15;
    boolean nearIdle = (window / 4) % 2 == 0;
    if (nearIdle) {
      // 1 to 3 bursts at 30 % on a 0-1 % base: means 2.5 to 7 %, busy shares 7 to 20 %
      int bursts = 1 + Math.floorMod(window * 7 + 3, 3);
      return inWindow % 5 == 0 && inWindow / 5 < bursts ? 30 : random.nextDouble();
    }
    // light use: 24 to 36 % on average
    return 24 + Math.floorMod(window * 5, 13) + random.nextDouble() - 0.5;
  }
}
