package io.costwatch.detect;

import static io.costwatch.core.AzureMetric.CPU_UTILIZATION_PERCENTAGE;
import static io.costwatch.core.AzureMetric.DEPLOYMENT_CAPACITY;
import static io.costwatch.core.AzureMetric.GPU_MEMORY_UTILIZATION_PERCENTAGE;
import static io.costwatch.core.AzureMetric.GPU_UTILIZATION_PERCENTAGE;
import static io.costwatch.core.AzureMetric.REQUESTS_PER_MINUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.Json;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdleDeploymentDetectorTest {

  private static final NodePrice T4 = TelemetryWindows.price("Standard_NC4as_T4_v3");
  private static final DeploymentRules RULES = DeploymentRules.defaults();
  /** Windows of 15 minutes in the default serving horizon. */
  private static final int HORIZON_WINDOWS = (int) (RULES.servingHorizon().toMinutes() / 15);
  private final IdleDeploymentDetector detector = new IdleDeploymentDetector(RULES);

  /** The same 15-minute pattern in every window of a whole horizon. */
  private static List<UsageWindow> horizonOf(UnaryOperator<TelemetryWindows> pattern) {
    List<UsageWindow> windows = new ArrayList<>();
    for (int w = 0; w < HORIZON_WINDOWS; w++) {
      windows.add(pattern.apply(TelemetryWindows.deployment("ep", "blue")
          .startingAt(TelemetryWindows.T0.plus(Duration.ofMinutes(15L * w)))).build());
    }
    return windows;
  }

  static Stream<Arguments> deployments() {
    return Stream.of(
        Arguments.of("no requests on two GPU instances", horizonOf(t -> t
            .constant(REQUESTS_PER_MINUTE, 0).constant(GPU_UTILIZATION_PERCENTAGE, 0)
            .constant(DEPLOYMENT_CAPACITY, 2)), "idle-deployment-no-traffic"),
        Arguments.of("one request every 15 minutes is still no traffic", horizonOf(t -> t
            .bursts(REQUESTS_PER_MINUTE, 1, 1, 0).constant(GPU_UTILIZATION_PERCENTAGE, 0)
            .constant(DEPLOYMENT_CAPACITY, 1)), "idle-deployment-no-traffic"),
        Arguments.of("no request metric, GPU at zero", horizonOf(t -> t
            .constant(GPU_UTILIZATION_PERCENTAGE, 0.5).constant(DEPLOYMENT_CAPACITY, 1)),
            "idle-deployment-low-utilization"),
        Arguments.of("CPU deployment without request metric, CPU at 1%", horizonOf(t -> t
            .constant(CPU_UTILIZATION_PERCENTAGE, 1).constant(DEPLOYMENT_CAPACITY, 3)),
            "idle-deployment-low-utilization"),
        Arguments.of("bursty low-traffic service: requests and GPU bursts", horizonOf(t -> t
            .bursts(REQUESTS_PER_MINUTE, 3, 12, 0).bursts(GPU_UTILIZATION_PERCENTAGE, 3, 60, 0)
            .constant(DEPLOYMENT_CAPACITY, 1)), ""),
        Arguments.of("bursty GPU with a mean under 5% and no request metric", horizonOf(t -> t
            .bursts(GPU_UTILIZATION_PERCENTAGE, 3, 20, 0).constant(DEPLOYMENT_CAPACITY, 1)), ""),
        Arguments.of("RPM reads zero but the GPU works in bursts: duty-cycle veto", horizonOf(t -> t
            .constant(REQUESTS_PER_MINUTE, 0).bursts(GPU_UTILIZATION_PERCENTAGE, 4, 50, 0)
            .constant(DEPLOYMENT_CAPACITY, 1)), ""),
        Arguments.of("steady traffic with a GPU that reads low is not idle", horizonOf(t -> t
            .constant(REQUESTS_PER_MINUTE, 40).constant(GPU_UTILIZATION_PERCENTAGE, 2)
            .constant(DEPLOYMENT_CAPACITY, 1)), ""),
        Arguments.of("no capacity metric and no instance dimension", horizonOf(t -> t
            .constant(REQUESTS_PER_MINUTE, 0)), ""),
        Arguments.of("scaled to zero instances", horizonOf(t -> t
            .constant(REQUESTS_PER_MINUTE, 0).constant(DEPLOYMENT_CAPACITY, 0)), ""),
        Arguments.of("capacity only: no signal to judge by", horizonOf(t -> t
            .constant(DEPLOYMENT_CAPACITY, 2)), ""),
        Arguments.of("idle, but for less than the horizon", horizonOf(t -> t
            .constant(REQUESTS_PER_MINUTE, 0).constant(DEPLOYMENT_CAPACITY, 2)).subList(0, HORIZON_WINDOWS - 1), ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deployments")
  void decidesIdleByTrafficOrUtilisationWithADutyCycleOverTheHorizon(String name, List<UsageWindow> windows,
      String rule) {
    Optional<Finding> finding = detector.evaluate(windows, T4);

    assertEquals(rule, finding.map(Finding::rule).orElse(""));
    finding.ifPresent(f -> {
      UsageWindow last = windows.get(windows.size() - 1);
      assertEquals(FindingType.IDLE_DEPLOYMENT, f.type());
      BigDecimal instances = BigDecimal.valueOf(last.average(DEPLOYMENT_CAPACITY));
      assertEquals(T4.hourly().times(instances).rounded(), f.impact());
      assertEquals(RULES.hourlyTiers().of(f.impact().amount()), f.severity());
      assertEquals(last.scope(), f.scope());
      assertEquals(last.windowStart(), f.windowStart(), "the finding covers the latest window");
      assertEquals(0, new BigDecimal("3").compareTo(f.observed().get("horizonHours")));
    });
  }

  /**
   * Per-instance GPU duty cycles as the DCR export delivers them (an {@code instanceId} dimension, no
   * {@code DeploymentCapacity}), generated minute by minute over {@code minutes}.
   *
   * @param busyEvery a request every this many minutes keeps one instance busy for {@code busyMinutes}; 0: never
   */
  private static List<UsageWindow> perInstance(int instances, int minutes, int busyEvery, int busyMinutes,
      long seed) {
    Random random = new Random(seed);
    List<UsageWindow> windows = new ArrayList<>();
    for (int w = 0; w < minutes / 15; w++) {
      TelemetryWindows t = TelemetryWindows.deployment("ep", "green")
          .startingAt(TelemetryWindows.T0.plus(Duration.ofMinutes(15L * w)));
      for (int i = 0; i < instances; i++) {
        double[] gpu = new double[15];
        double[] memory = new double[15];
        for (int m = 0; m < 15; m++) {
          int minute = w * 15 + m;
          boolean busy = busyEvery > 0 && minute % busyEvery < busyMinutes && (minute / busyEvery) % instances == i;
          gpu[m] = busy ? 40 + random.nextInt(50) : random.nextInt(3) * 0.5;
          memory[m] = 38 + random.nextDouble() * 2; // the model stays loaded whether it serves or not
        }
        t.instance("instance-" + i, GPU_UTILIZATION_PERCENTAGE, gpu)
            .instance("instance-" + i, GPU_MEMORY_UTILIZATION_PERCENTAGE, memory);
      }
      windows.add(t.build());
    }
    return windows;
  }

  @Test
  void idleServingPodsWithoutCapacityAreCountedFromInstanceIdsAndPriced() {
    List<UsageWindow> windows = perInstance(2, 6 * 60, 0, 0, 1);

    Finding f = detector.evaluate(windows, T4).orElseThrow();

    assertEquals("idle-deployment-low-utilization", f.rule());
    assertEquals(IdleDeploymentDetector.LOW_UTILIZATION, f.cause());
    assertEquals(0, new BigDecimal("2").compareTo(f.observed().get("instancesAvg")), f.observed()::toString);
    assertEquals(BigDecimal.ONE, f.observed().get("instancesFromInstanceIds"));
    assertEquals(T4.hourly().times(new BigDecimal("2")).rounded(), f.impact());
    assertEquals(0, BigDecimal.ZERO.compareTo(f.observed().get("gpuBusyMinuteShare")));
    BigDecimal memory = f.observed().get("gpuMemoryUtilizationAvgPercent");
    assertTrue(memory.compareTo(new BigDecimal("38")) >= 0 && memory.compareTo(new BigDecimal("40")) <= 0,
        "memory held: " + memory);
    assertTrue(f.summary().contains("duty cycle"), f.summary());
    assertTrue(f.summary().contains("GPU memory"), f.summary());
    assertTrue(f.summary().contains("counted from instanceId"), f.summary());
  }

  @Test
  void aFewRequestsAnHourOnPerInstanceTelemetryAreNotIdle() {
    // a request every 20 minutes, 1-2 busy minutes each, taking turns across 2 instances: a mean GPU utilisation
    // under 5% (the window rule's idle threshold), so one 15-minute window of it read as idle
    List<UsageWindow> windows = perInstance(2, 6 * 60, 20, 2, 2);
    ServingHorizon horizon = ServingHorizon.empty();
    for (UsageWindow w : windows) {
      horizon = detector.record(horizon, w);
    }
    assertTrue(horizon.utilAvg() < RULES.idleUtilization(), "mean " + horizon.utilAvg());

    assertEquals(Optional.empty(), detector.evaluate(windows, T4));
  }

  @Test
  void anInstanceReportingSeveralMetricsInOneMinuteCountsOnce() {
    UsageWindow w = TelemetryWindows.deployment("ep", "blue")
        .instance("a", GPU_UTILIZATION_PERCENTAGE, 0, 0, 0, 0)
        .instance("a", GPU_MEMORY_UTILIZATION_PERCENTAGE, 30, 30, 30, 30)
        .instance("b", GPU_UTILIZATION_PERCENTAGE, 0, 0)
        .build();

    assertEquals(2, w.instances().distinctInstances());
    assertEquals(6, w.instances().instanceMinutes());
    assertEquals(4, w.instances().reportingMinutes());
    assertEquals(1.5, w.reportingInstances(), 1e-9);
    assertEquals(2, w.instances().maxPerMinute());
  }

  @Test
  void theHorizonSlidesAndStaysBounded() {
    List<UsageWindow> idle = perInstance(1, 24 * 60, 0, 0, 3);
    ServingHorizon horizon = ServingHorizon.empty();
    for (UsageWindow w : idle) {
      horizon = detector.record(horizon, w);
    }
    assertEquals(HORIZON_WINDOWS, horizon.slices().size());
    assertTrue(detector.evaluate(idle.get(idle.size() - 1), horizon, T4).isPresent());

    // then half an hour of steady work: over the horizon the duty cycle is no longer near zero
    Instant next = idle.get(idle.size() - 1).windowEnd();
    UsageWindow busy = null;
    for (int w = 0; w < 2; w++) {
      busy = TelemetryWindows.deployment("ep", "green").startingAt(next.plus(Duration.ofMinutes(15L * w)))
          .instance("instance-0", GPU_UTILIZATION_PERCENTAGE, new double[] {70, 70, 70, 70, 70, 70, 70, 70, 70, 70,
              70, 70, 70, 70, 70}).build();
      horizon = detector.record(horizon, busy);
    }
    assertEquals(HORIZON_WINDOWS, horizon.slices().size());
    assertEquals(Optional.empty(), detector.evaluate(busy, horizon, T4));
  }

  @Test
  void aClusterWithInstanceIdsKeepsNoServingHorizon() {
    UsageWindow cluster = TelemetryWindows.cluster("gpu1").instance("node-1", GPU_UTILIZATION_PERCENTAGE, 0, 0).build();

    assertFalse(IdleDeploymentDetector.serves(cluster));
    assertEquals(ServingHorizon.empty(), detector.record(ServingHorizon.empty(), cluster));
    assertEquals(1, cluster.reportingInstances(), 1e-9, "the nodes are still counted for the cluster's own rules");
  }

  @Test
  void theStoredStateRoundTripsAsJson() throws Exception {
    List<UsageWindow> windows = perInstance(2, 30, 0, 0, 4);
    UsageWindow window = windows.get(0);
    assertEquals(window, Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(window), UsageWindow.class));
    ServingHorizon horizon = detector.record(detector.record(ServingHorizon.empty(), windows.get(0)), windows.get(1));
    assertEquals(horizon, Json.MAPPER.readValue(Json.MAPPER.writeValueAsBytes(horizon), ServingHorizon.class));

    com.fasterxml.jackson.databind.node.ObjectNode before = Json.MAPPER.valueToTree(window);
    before.remove("instances"); // a window stored before instances were counted
    UsageWindow old = Json.MAPPER.treeToValue(before, UsageWindow.class);
    assertTrue(old.instances().isEmpty());
    assertEquals(window.metrics(), old.metrics());
  }

  @Test
  void summaryNamesTheEvidence() {
    Finding f = detector.evaluate(horizonOf(t -> t.constant(REQUESTS_PER_MINUTE, 0)
        .constant(DEPLOYMENT_CAPACITY, 2)), T4).orElseThrow();

    assertEquals("NO_TRAFFIC", f.cause());
    assertTrue(f.summary().contains("ws-a/ep/blue"), f.summary());
    assertTrue(f.summary().contains("requests per hour"), f.summary());
    assertTrue(f.summary().contains("last 3 h"), f.summary());
    assertEquals(new BigDecimal("2.00"), f.observed().get("instancesAvg"));
    assertEquals(new BigDecimal("0.00"), f.observed().get("requestsPerHourAvg"));
  }

  @Test
  void rulesOutOfRangeAreRejected() {
    DeploymentRules d = DeploymentRules.defaults();
    assertThrows(IllegalArgumentException.class, () -> new DeploymentRules(d.minInstances(),
        d.idleRequestsPerMinute(), 120, d.busyMinuteUtilization(), d.idleBusyMinuteShare(), d.hourlyTiers()));
    assertThrows(IllegalArgumentException.class, () -> new DeploymentRules(d.minInstances(),
        d.idleRequestsPerMinute(), d.idleUtilization(), d.busyMinuteUtilization(), 1.5, d.hourlyTiers()));
    assertThrows(IllegalArgumentException.class, () -> d.withServingHorizon(Duration.ofSeconds(30)));
  }
}
