package io.costwatch.detect;

import static io.costwatch.core.AzureMetric.ACTIVE_NODES;
import static io.costwatch.core.AzureMetric.IDLE_NODES;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdleNodesDetectorTest {

  private static final NodePrice T4 = TelemetryWindows.price("Standard_NC4as_T4_v3");
  private final IdleNodesDetector detector = new IdleNodesDetector(GpuRules.defaults());

  static Stream<Arguments> windows() {
    return Stream.of(
        Arguments.of("two nodes idle in every minute (minNodeCount=2)", TelemetryWindows.cluster("pool")
            .constant(IDLE_NODES, 2).constant(ACTIVE_NODES, 0).build(), Optional.of(2.0)),
        Arguments.of("idle next to busy nodes still bills", TelemetryWindows.cluster("pool")
            .constant(IDLE_NODES, 1).constant(ACTIVE_NODES, 3).build(), Optional.of(1.0)),
        Arguments.of("normal scale-down: idle for two minutes only", TelemetryWindows.cluster("pool")
            .series(IDLE_NODES, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).build(), Optional.empty()),
        Arguments.of("one minute without idle nodes breaks 'whole window'", TelemetryWindows.cluster("pool")
            .series(IDLE_NODES, 3, 3, 3, 3, 3, 3, 3, 0, 3, 3, 3, 3, 3, 3, 3).build(), Optional.empty()),
        Arguments.of("no idle nodes", TelemetryWindows.cluster("pool").constant(IDLE_NODES, 0)
            .constant(ACTIVE_NODES, 4).build(), Optional.empty()),
        Arguments.of("no idle-node metric", TelemetryWindows.cluster("pool").constant(ACTIVE_NODES, 4).build(),
            Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("windows")
  void findsNodesIdleForTheWholeWindow(String name, UsageWindow window, Optional<Double> idleNodes) {
    Optional<Finding> finding = detector.evaluate(window, T4);

    assertEquals(idleNodes.isPresent(), finding.isPresent());
    finding.ifPresent(f -> {
      assertEquals(FindingType.IDLE_NODES, f.type());
      assertEquals(T4.hourly().times(BigDecimal.valueOf(idleNodes.get())).rounded(), f.impact());
      assertEquals(GpuRules.defaults().hourlyTiers().of(f.impact().amount()), f.severity());
      assertEquals(BigDecimal.valueOf(window.stats(IDLE_NODES).count()), f.observed().get("minutes"));
    });
  }
}
