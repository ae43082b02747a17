package io.costwatch.detect;

import static io.costwatch.core.AzureMetric.CPU_UTILIZATION_PERCENTAGE;
import static io.costwatch.core.AzureMetric.DEPLOYMENT_CAPACITY;
import static io.costwatch.core.AzureMetric.GPU_UTILIZATION_PERCENTAGE;
import static io.costwatch.core.AzureMetric.REQUESTS_PER_MINUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdleDeploymentDetectorTest {

  private static final NodePrice T4 = TelemetryWindows.price("Standard_NC4as_T4_v3");
  private final IdleDeploymentDetector detector = new IdleDeploymentDetector(DeploymentRules.defaults());

  static Stream<Arguments> deployments() {
    return Stream.of(
        Arguments.of("no requests on two GPU instances", TelemetryWindows.deployment("ep", "blue")
            .constant(REQUESTS_PER_MINUTE, 0).constant(GPU_UTILIZATION_PERCENTAGE, 0)
            .constant(DEPLOYMENT_CAPACITY, 2).build(), "idle-deployment-no-traffic"),
        Arguments.of("one stray request in the window is still no traffic", TelemetryWindows.deployment("ep", "blue")
            .bursts(REQUESTS_PER_MINUTE, 1, 1, 0).constant(GPU_UTILIZATION_PERCENTAGE, 0)
            .constant(DEPLOYMENT_CAPACITY, 1).build(), "idle-deployment-no-traffic"),
        Arguments.of("no request metric, GPU at zero", TelemetryWindows.deployment("ep", "blue")
            .constant(GPU_UTILIZATION_PERCENTAGE, 0.5).constant(DEPLOYMENT_CAPACITY, 1).build(),
            "idle-deployment-low-utilization"),
        Arguments.of("CPU deployment without request metric, CPU at 1%", TelemetryWindows.deployment("ep", "cpu")
            .constant(CPU_UTILIZATION_PERCENTAGE, 1).constant(DEPLOYMENT_CAPACITY, 3).build(),
            "idle-deployment-low-utilization"),
        Arguments.of("bursty low-traffic service: requests and GPU bursts", TelemetryWindows.deployment("ep", "blue")
            .bursts(REQUESTS_PER_MINUTE, 3, 12, 0).bursts(GPU_UTILIZATION_PERCENTAGE, 3, 60, 0)
            .constant(DEPLOYMENT_CAPACITY, 1).build(), ""),
        Arguments.of("bursty GPU with a mean under 5% and no request metric", TelemetryWindows.deployment("ep", "blue")
            .bursts(GPU_UTILIZATION_PERCENTAGE, 3, 20, 0).constant(DEPLOYMENT_CAPACITY, 1).build(), ""),
        Arguments.of("RPM reads zero but the GPU works in bursts: duty-cycle veto", TelemetryWindows
            .deployment("ep", "blue").constant(REQUESTS_PER_MINUTE, 0).bursts(GPU_UTILIZATION_PERCENTAGE, 4, 50, 0)
            .constant(DEPLOYMENT_CAPACITY, 1).build(), ""),
        Arguments.of("steady traffic with a GPU that reads low is not idle", TelemetryWindows.deployment("ep", "blue")
            .constant(REQUESTS_PER_MINUTE, 40).constant(GPU_UTILIZATION_PERCENTAGE, 2)
            .constant(DEPLOYMENT_CAPACITY, 1).build(), ""),
        Arguments.of("no capacity metric", TelemetryWindows.deployment("ep", "blue")
            .constant(REQUESTS_PER_MINUTE, 0).build(), ""),
        Arguments.of("scaled to zero instances", TelemetryWindows.deployment("ep", "blue")
            .constant(REQUESTS_PER_MINUTE, 0).constant(DEPLOYMENT_CAPACITY, 0).build(), ""),
        Arguments.of("capacity only: no signal to judge by", TelemetryWindows.deployment("ep", "blue")
            .constant(DEPLOYMENT_CAPACITY, 2).build(), ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("deployments")
  void decidesIdleByTrafficOrUtilisationWithADutyCycle(String name, UsageWindow window, String rule) {
    Optional<Finding> finding = detector.evaluate(window, T4);

    assertEquals(rule, finding.map(Finding::rule).orElse(""));
    finding.ifPresent(f -> {
      assertEquals(FindingType.IDLE_DEPLOYMENT, f.type());
      BigDecimal instances = BigDecimal.valueOf(window.average(DEPLOYMENT_CAPACITY));
      assertEquals(T4.hourly().times(instances).rounded(), f.impact());
      assertEquals(DeploymentRules.defaults().hourlyTiers().of(f.impact().amount()), f.severity());
      assertEquals(window.scope(), f.scope());
    });
  }

  @Test
  void summaryNamesTheEvidence() {
    Finding f = detector.evaluate(TelemetryWindows.deployment("ep", "blue").constant(REQUESTS_PER_MINUTE, 0)
        .constant(DEPLOYMENT_CAPACITY, 2).build(), T4).orElseThrow();

    assertEquals("NO_TRAFFIC", f.cause());
    assertTrue(f.summary().contains("ws-a/ep/blue"), f.summary());
    assertTrue(f.summary().contains("requests per minute"), f.summary());
    assertEquals(new BigDecimal("2.00"), f.observed().get("instancesAvg"));
  }

  @Test
  void rulesOutOfRangeAreRejected() {
    DeploymentRules d = DeploymentRules.defaults();
    assertThrows(IllegalArgumentException.class, () -> new DeploymentRules(d.minInstances(),
        d.idleRequestsPerMinute(), 120, d.busyMinuteUtilization(), d.idleBusyMinuteShare(), d.hourlyTiers()));
    assertThrows(IllegalArgumentException.class, () -> new DeploymentRules(d.minInstances(),
        d.idleRequestsPerMinute(), d.idleUtilization(), d.busyMinuteUtilization(), 1.5, d.hourlyTiers()));
  }
}
