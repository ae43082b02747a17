package io.costwatch.detect;

import static io.costwatch.core.AzureMetric.ACTIVE_NODES;
import static io.costwatch.core.AzureMetric.CPU_UTILIZATION;
import static io.costwatch.core.AzureMetric.DEPLOYMENT_CAPACITY;
import static io.costwatch.core.AzureMetric.GPU_MEMORY_UTILIZATION;
import static io.costwatch.core.AzureMetric.GPU_UTILIZATION;
import static io.costwatch.core.AzureMetric.GPU_UTILIZATION_PERCENTAGE;
import static io.costwatch.core.AzureMetric.IDLE_NODES;
import static io.costwatch.core.AzureMetric.REQUESTS_PER_MINUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

class DetectorProperties {

  private static final List<String> SIZES = List.of("Standard_NC4as_T4_v3", "Standard_NC24ads_A100_v4",
      "Standard_ND96asr_v4", "Standard_NC40ads_H100_v5", "Standard_D4s_v3");

  private final GpuWasteDetector gpu = new GpuWasteDetector(GpuRules.defaults());
  private final IdleNodesDetector idleNodes = new IdleNodesDetector(GpuRules.defaults());
  private final IdleDeploymentDetector deployments = new IdleDeploymentDetector(
      DeploymentRules.defaults().withServingHorizon(java.time.Duration.ofMinutes(15)));
  private final BurnRateSpikeDetector burn = new BurnRateSpikeDetector(BurnRateRules.defaults());

  @Property
  void moreGpuUtilisationNeverAddsAnIdleOrUnderUtilisationFinding(
      @ForAll @Size(15) List<@DoubleRange(min = 0, max = 100) Double> gpuPerMinute,
      @ForAll @Size(15) List<@DoubleRange(min = 0, max = 60) Double> increase,
      @ForAll @DoubleRange(min = 0, max = 100) double cpu, @ForAll @DoubleRange(min = 0, max = 100) double memory,
      @ForAll @DoubleRange(min = 0, max = 16) double nodes, @ForAll("sizes") String size) {
    double[] low = new double[15];
    double[] high = new double[15];
    for (int i = 0; i < 15; i++) {
      low[i] = gpuPerMinute.get(i);
      high[i] = Math.min(100, low[i] + increase.get(i));
    }
    NodePrice price = TelemetryWindows.price(size);
    Optional<Finding> atLow = gpu.evaluate(cluster(low, cpu, memory, nodes), price);
    Optional<Finding> atHigh = gpu.evaluate(cluster(high, cpu, memory, nodes), price);

    Statistics.collect(atHigh.isPresent());
    Statistics.coverage(c -> c.check(true).percentage(p -> p > 5));
    if (atHigh.isPresent()) {
      assertTrue(atLow.isPresent(), "higher utilisation found waste the lower one did not");
      if (atHigh.get().type() == FindingType.GPU_IDLE) {
        assertEquals(FindingType.GPU_IDLE, atLow.get().type());
      }
      assertTrue(atLow.get().impact().amount().compareTo(atHigh.get().impact().amount()) >= 0,
          "more utilisation raised the waste");
    }
  }

  @Property
  void moreNodesNeverLowerTheBurnRate(@ForAll @DoubleRange(min = 0, max = 100) double active,
      @ForAll @DoubleRange(min = 0, max = 100) double idle, @ForAll @DoubleRange(min = 0, max = 50) double moreActive,
      @ForAll @DoubleRange(min = 0, max = 50) double moreIdle, @ForAll("sizes") String size) {
    NodePrice price = TelemetryWindows.price(size);
    BigDecimal before = BurnRateSpikeDetector.burnRate(nodes(active, idle), price).orElseThrow();
    BigDecimal after = BurnRateSpikeDetector.burnRate(nodes(active + moreActive, idle + moreIdle), price)
        .orElseThrow();

    assertTrue(after.compareTo(before) >= 0, after + " < " + before);
  }

  @Property
  void moreNodesNeverRemoveABurnRateSpike(@ForAll @Size(min = 4, max = 20) List<@DoubleRange(min = 0, max = 50)
      Double> pastNodes, @ForAll @DoubleRange(min = 0, max = 80) double active,
      @ForAll @DoubleRange(min = 0, max = 40) double more, @ForAll("sizes") String size) {
    NodePrice price = TelemetryWindows.price(size);
    BurnRateHistory history = BurnRateHistory.empty();
    for (int i = 0; i < pastNodes.size(); i++) {
      history = history.with(TelemetryWindows.T0.plus(Duration.ofMinutes(15L * i)),
          price.hourly().amount().multiply(BigDecimal.valueOf(pastNodes.get(i))));
    }
    var start = TelemetryWindows.T0.plus(Duration.ofMinutes(15L * pastNodes.size()));
    Optional<Finding> fewer = burn.evaluate(history, nodes(active, 0, start), price);
    Optional<Finding> moreNodes = burn.evaluate(history, nodes(active + more, 0, start), price);

    Statistics.collect(fewer.isPresent());
    Statistics.coverage(c -> c.check(true).percentage(p -> p > 5));
    if (fewer.isPresent()) {
      assertTrue(moreNodes.isPresent());
      assertTrue(moreNodes.get().impact().amount().compareTo(fewer.get().impact().amount()) >= 0);
    }
  }

  @Property
  void impactIsNeverNegative(@ForAll("anyWindow") UsageWindow window, @ForAll("sizes") String size,
      @ForAll @Size(max = 12) List<@DoubleRange(min = 0, max = 500) Double> pastBurn) {
    NodePrice price = TelemetryWindows.price(size);
    BurnRateHistory history = BurnRateHistory.empty();
    for (int i = 0; i < pastBurn.size(); i++) {
      history = history.with(window.windowStart().minus(Duration.ofMinutes(15L * (i + 1))),
          BigDecimal.valueOf(pastBurn.get(i)));
    }
    List<Finding> found = findings(window, price, history);
    Statistics.collect(!found.isEmpty());
    Statistics.coverage(c -> c.check(true).percentage(p -> p > 5));
    for (Finding f : found) {
      assertTrue(f.impact().amount().signum() >= 0, f.type() + " impact " + f.impact());
    }
  }

  @Property
  void severityIsMonotoneInImpact(@ForAll("anyWindow") UsageWindow a, @ForAll("anyWindow") UsageWindow b,
      @ForAll("sizes") String sizeA, @ForAll("sizes") String sizeB) {
    List<Finding> all = new ArrayList<>(findings(a, TelemetryWindows.price(sizeA), BurnRateHistory.empty()));
    all.addAll(findings(b, TelemetryWindows.price(sizeB), BurnRateHistory.empty()));
    Statistics.collect(all.size() >= 2);
    Statistics.coverage(c -> c.check(true).percentage(p -> p > 5));
    for (Finding x : all) {
      for (Finding y : all) {
        if (sameTiers(x.type(), y.type()) && x.impact().amount().compareTo(y.impact().amount()) <= 0) {
          assertTrue(x.severity().compareTo(y.severity()) <= 0,
              x.type() + " " + x.impact() + " is " + x.severity() + " but " + y.impact() + " is " + y.severity());
        }
      }
    }
  }

  @Property
  void severityTiersAreMonotone(@ForAll @IntRange(min = 0, max = 100_000) int cents,
      @ForAll @IntRange(min = 0, max = 100_000) int moreCents) {
    for (SeverityTiers tiers : List.of(GpuRules.defaults().hourlyTiers(), DeploymentRules.defaults().hourlyTiers(),
        BurnRateRules.defaults().hourlyTiers())) {
      BigDecimal low = BigDecimal.valueOf(cents, 2);
      BigDecimal high = BigDecimal.valueOf((long) cents + moreCents, 2);
      assertTrue(tiers.of(low).compareTo(tiers.of(high)) <= 0);
    }
  }

  private List<Finding> findings(UsageWindow window, NodePrice price, BurnRateHistory history) {
    return Stream.of(gpu.evaluate(window, price), idleNodes.evaluate(window, price),
        deployments.evaluate(List.of(window), price), burn.evaluate(history, window, price))
        .flatMap(Optional::stream).toList();
  }

  private static boolean sameTiers(FindingType x, FindingType y) {
    return group(x) == group(y);
  }

  private static int group(FindingType type) {
    return switch (type) {
      case GPU_IDLE, GPU_UNDERUTILIZED, IDLE_NODES -> 0;
      case IDLE_DEPLOYMENT -> 1;
      case BURN_RATE_SPIKE -> 2;
      case SPEND_SPIKE -> 3;
      case EGRESS_SPIKE -> 4;
      case STORAGE_GROWTH -> 5;
      case COLD_DATA_IN_HOT_TIER -> 6;
      case HOURLY_SPEND_SPIKE -> 7;
    };
  }

  @Provide
  Arbitrary<String> sizes() {
    return Arbitraries.of(SIZES);
  }

  /** Cluster or deployment windows with any mix of metrics, including out-of-range utilisation readings. */
  @Provide
  Arbitrary<UsageWindow> anyWindow() {
    Arbitrary<double[]> util = Arbitraries.doubles().between(-5, 110).array(double[].class).ofSize(15);
    Arbitrary<Double> count = Arbitraries.doubles().between(0, 60);
    Arbitrary<Boolean> deployment = Arbitraries.of(true, false);
    return Combinators.combine(util, util, count, count, count, deployment).as((g, c, active, idle, rpm, dep) -> {
      if (dep) {
        return TelemetryWindows.deployment("ep", "blue").series(GPU_UTILIZATION_PERCENTAGE, g)
            .constant(DEPLOYMENT_CAPACITY, Math.floor(active / 6)).constant(REQUESTS_PER_MINUTE, rpm / 30).build();
      }
      return TelemetryWindows.cluster("gpu1").series(GPU_UTILIZATION, g).series(CPU_UTILIZATION, c)
          .constant(ACTIVE_NODES, active).constant(IDLE_NODES, Math.floor(idle / 10)).build();
    });
  }

  private static UsageWindow cluster(double[] gpuPerMinute, double cpu, double memory, double nodes) {
    return TelemetryWindows.cluster("gpu1").series(GPU_UTILIZATION, gpuPerMinute).constant(CPU_UTILIZATION, cpu)
        .constant(GPU_MEMORY_UTILIZATION, memory).constant(ACTIVE_NODES, nodes).build();
  }

  private static UsageWindow nodes(double active, double idle) {
    return nodes(active, idle, TelemetryWindows.T0);
  }

  private static UsageWindow nodes(double active, double idle, java.time.Instant start) {
    return TelemetryWindows.cluster("gpu1").startingAt(start).constant(ACTIVE_NODES, active)
        .constant(IDLE_NODES, idle).build();
  }
}
