package io.costwatch.recommend;

import static io.costwatch.core.AzureMetric.ACTIVE_NODES;
import static io.costwatch.core.AzureMetric.CPU_UTILIZATION;
import static io.costwatch.core.AzureMetric.DEPLOYMENT_CAPACITY;
import static io.costwatch.core.AzureMetric.GPU_MEMORY_UTILIZATION;
import static io.costwatch.core.AzureMetric.GPU_UTILIZATION;
import static io.costwatch.core.AzureMetric.IDLE_NODES;
import static io.costwatch.core.AzureMetric.REQUESTS_PER_MINUTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.Money;
import io.costwatch.detect.BurnRateHistory;
import io.costwatch.detect.BurnRateRules;
import io.costwatch.detect.BurnRateSpikeDetector;
import io.costwatch.detect.DeploymentRules;
import io.costwatch.detect.Finding;
import io.costwatch.detect.GpuRules;
import io.costwatch.detect.GpuWasteDetector;
import io.costwatch.detect.IdleDeploymentDetector;
import io.costwatch.detect.IdleNodesDetector;
import io.costwatch.detect.NodePrice;
import io.costwatch.detect.TelemetryWindows;
import io.costwatch.usage.UsageWindow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RecommenderTest {

  private static final String A100 = "Standard_NC24ads_A100_v4";
  private static final String T4 = "Standard_NC4as_T4_v3";
  private static final BigDecimal MONTH = new BigDecimal("730");

  private final PriceBook book = PriceBook.shipped();
  private final Recommender recommender = new Recommender(book);

  @Test
  void idleGpuEnablesIdleShutdownForTheWholeIdleCost() {
    Finding f = gpu(TelemetryWindows.cluster("ci-1").constant(GPU_UTILIZATION, 0.5).constant(ACTIVE_NODES, 1), A100);

    Recommendation r = only(recommender.recommend(f, "configured"));

    assertEquals("ENABLE_IDLE_SHUTDOWN", r.action());
    Money hourly = hourly(A100).times(BigDecimal.valueOf(0.995)).rounded();
    assertEquals(hourly.times(MONTH).rounded(), r.monthlySavings());
    assertTrue(r.setting().contains("idleTimeBeforeShutdown=PT30M"), r.setting());
    assertStandardAssumption(r);
  }

  @Test
  void idleNodesSetMinimumNodesToZero() {
    Finding f = new IdleNodesDetector(GpuRules.defaults()).evaluate(TelemetryWindows.cluster("pool")
        .constant(IDLE_NODES, 2).constant(ACTIVE_NODES, 0).build(), price(T4)).orElseThrow();

    Recommendation r = only(recommender.recommend(f, "configured"));

    assertEquals("SET_MIN_NODES_ZERO", r.action());
    assertEquals(hourly(T4).times(BigDecimal.valueOf(2)).rounded().times(MONTH).rounded(), r.monthlySavings());
    assertTrue(r.setting().contains("minNodeCount=0"), r.setting());
    assertTrue(r.setting().contains("nodeIdleTimeBeforeScaleDown"), r.setting());
    assertStandardAssumption(r);
  }

  @Test
  void inputBoundFixesThePipelineForTheShareOfGpuHoursAboveTarget() {
    Finding f = gpu(TelemetryWindows.cluster("gpu1").constant(GPU_UTILIZATION, 14).constant(CPU_UTILIZATION, 92)
        .constant(GPU_MEMORY_UTILIZATION, 30).constant(ACTIVE_NODES, 2), A100);

    Recommendation r = only(recommender.recommend(f, "configured"));

    assertEquals("FIX_INPUT_PIPELINE", r.action());
    BigDecimal burn = hourly(A100).amount().multiply(BigDecimal.valueOf(2)).setScale(2, RoundingMode.HALF_UP);
    BigDecimal share = BigDecimal.valueOf(1 - 14 / Recommender.TARGET_UTILIZATION);
    assertEquals(new Money(burn.multiply(share).multiply(MONTH), "USD").rounded(), r.monthlySavings());
    assertStandardAssumption(r);
  }

  @Test
  void oversizedGpuRightsizesOneRungDownTheLadder() {
    Finding f = gpu(TelemetryWindows.cluster("gpu1").constant(GPU_UTILIZATION, 20).constant(CPU_UTILIZATION, 10)
        .constant(GPU_MEMORY_UTILIZATION, 30).constant(ACTIVE_NODES, 3), A100);

    Recommendation r = only(recommender.recommend(f, "configured"));

    VmPrice next = book.find(book.find(A100).orElseThrow().downsizeTo()).orElseThrow();
    assertEquals("RIGHTSIZE_SKU", r.action());
    assertEquals(resizeSaving(A100, next.vmSize(), 3), r.monthlySavings());
    assertTrue(r.setting().startsWith("vmSize=" + next.vmSize()), r.setting());
    assertStandardAssumption(r);
  }

  @Test
  void tinyGpuUseMovesToACpuSizeAndStillOffersTheNextGpuRung() {
    Finding f = gpu(TelemetryWindows.cluster("gpu1").constant(GPU_UTILIZATION, 8).constant(CPU_UTILIZATION, 10)
        .constant(GPU_MEMORY_UTILIZATION, 3).constant(ACTIVE_NODES, 1), A100);

    List<Recommendation> recs = recommender.recommend(f, "configured");

    assertEquals(List.of("USE_CPU_SKU", "RIGHTSIZE_SKU"), recs.stream().map(Recommendation::action).toList());
    String cpu = firstCpuRung(A100);
    assertEquals(resizeSaving(A100, cpu, 1), recs.get(0).monthlySavings());
    assertTrue(recs.get(0).setting().startsWith("vmSize=" + cpu), recs.get(0).setting());
    assertEquals(resizeSaving(A100, book.find(A100).orElseThrow().downsizeTo(), 1), recs.get(1).monthlySavings());
    recs.forEach(RecommenderTest::assertStandardAssumption);
  }

  @Test
  void smallestGpuWithTinyUseOnlyMovesToCpu() {
    Finding f = gpu(TelemetryWindows.cluster("gpu1").constant(GPU_UTILIZATION, 8).constant(CPU_UTILIZATION, 10)
        .constant(GPU_MEMORY_UTILIZATION, 3).constant(ACTIVE_NODES, 2), T4);

    Recommendation r = only(recommender.recommend(f, "configured"));

    assertEquals("USE_CPU_SKU", r.action());
    assertEquals(resizeSaving(T4, firstCpuRung(T4), 2), r.monthlySavings());
  }

  @Test
  void idleDeploymentOnSeveralInstancesScalesDownToOneOrMovesToBatch() {
    Finding f = deployment(3);

    List<Recommendation> recs = recommender.recommend(f, "configured");

    assertEquals(List.of("SCALE_DOWN_DEPLOYMENT", "USE_BATCH_ENDPOINT"),
        recs.stream().map(Recommendation::action).toList());
    BigDecimal perInstance = hourly(T4).amount();
    assertEquals(new Money(perInstance.multiply(BigDecimal.valueOf(2)).multiply(MONTH), "USD").rounded(),
        recs.get(0).monthlySavings());
    assertTrue(recs.get(0).setting().startsWith("instance_count: 1"), recs.get(0).setting());
    assertEquals(new Money(perInstance.multiply(BigDecimal.valueOf(3)).multiply(MONTH), "USD").rounded(),
        recs.get(1).monthlySavings());
    assertTrue(recs.get(1).confidence().compareTo(recs.get(0).confidence()) < 0);
    recs.forEach(RecommenderTest::assertStandardAssumption);
  }

  @Test
  void idleSingleInstanceDeploymentIsDeletedNotScaledToZero() {
    Finding f = deployment(1);

    List<Recommendation> recs = recommender.recommend(f, "configured");

    assertEquals("SCALE_DOWN_DEPLOYMENT", recs.get(0).action());
    assertTrue(recs.get(0).setting().contains("online-deployment delete"), recs.get(0).setting());
    assertEquals(hourly(T4).times(MONTH).rounded(), recs.get(0).monthlySavings());
  }

  @Test
  void burnRateSpikeUsesTheAssumedLowPriorityDiscountWhenTheTableHasNoPrice() {
    Finding f = spike(price(A100));

    Recommendation r = only(recommender.recommend(f, "configured"));

    assertEquals("USE_LOW_PRIORITY", r.action());
    assertTrue(book.find(A100).orElseThrow().lowPriorityHourly() == null, "shipped table has no low-priority price");
    assertEquals(f.impact().times(Recommender.ASSUMED_LOW_PRIORITY_DISCOUNT).times(MONTH).rounded(),
        r.monthlySavings());
    assertTrue(r.assumption().contains("up-to-80%"), r.assumption());
    assertTrue(r.setting().contains("tier: low_priority"), r.setting());
    assertStandardAssumption(r);
  }

  @Test
  void burnRateSpikeUsesTheTablesLowPriorityPriceWhenPresent() throws IOException {
    PriceBook withLowPriority = PriceBook.read(new StringReader(shippedCsvWithLowPriority(A100, "0.7346")), "t");
    Finding f = spike(price(A100));

    Recommendation r = only(new Recommender(withLowPriority).recommend(f, "configured"));

    VmPrice vm = withLowPriority.find(A100).orElseThrow();
    BigDecimal discount = BigDecimal.ONE.subtract(vm.lowPriorityHourly().amount()
        .divide(vm.hourly().amount(), MathContext.DECIMAL64));
    assertEquals(f.impact().times(discount).times(MONTH).rounded(), r.monthlySavings());
    assertTrue(r.assumption().contains("from the price table"), r.assumption());
  }

  @Test
  void anAssumedVmSizeLowersConfidence() {
    Finding f = gpu(TelemetryWindows.cluster("gpu1").constant(GPU_UTILIZATION, 0).constant(ACTIVE_NODES, 1), A100);

    BigDecimal known = only(recommender.recommend(f, "configured")).confidence();
    BigDecimal assumed = only(recommender.recommend(f, "assumed default (COSTWATCH_DEFAULT_VM_SIZE)")).confidence();

    assertTrue(assumed.compareTo(known) < 0);
  }

  private Finding gpu(TelemetryWindows window, String size) {
    return new GpuWasteDetector(GpuRules.defaults()).evaluate(window.build(), price(size)).orElseThrow();
  }

  private Finding deployment(int instances) {
    return new IdleDeploymentDetector(DeploymentRules.defaults().withServingHorizon(java.time.Duration.ofMinutes(15)))
        .evaluate(List.of(TelemetryWindows.deployment("ep", "blue").constant(REQUESTS_PER_MINUTE, 0)
            .constant(DEPLOYMENT_CAPACITY, instances).build()), price(T4)).orElseThrow();
  }

  private Finding spike(NodePrice price) {
    BurnRateHistory history = BurnRateHistory.empty();
    for (int i = 8; i >= 1; i--) {
      UsageWindow past = TelemetryWindows.cluster("gpu1").startingAt(TelemetryWindows.T0.minus(
          Duration.ofMinutes(15L * i))).constant(ACTIVE_NODES, 2).build();
      history = history.with(past, BurnRateSpikeDetector.burnRate(past, price).orElseThrow());
    }
    UsageWindow now = TelemetryWindows.cluster("gpu1").constant(ACTIVE_NODES, 40).build();
    return new BurnRateSpikeDetector(BurnRateRules.defaults()).evaluate(history, now, price).orElseThrow();
  }

  private Money resizeSaving(String from, String to, int nodes) {
    BigDecimal diff = hourly(from).amount().subtract(hourly(to).amount());
    return new Money(diff.multiply(BigDecimal.valueOf(nodes).setScale(2)).multiply(MONTH), "USD").rounded();
  }

  private String firstCpuRung(String size) {
    VmPrice rung = book.find(size).orElseThrow();
    while (rung.isGpu()) {
      rung = book.find(rung.downsizeTo()).orElseThrow();
    }
    return rung.vmSize();
  }

  private Money hourly(String size) {
    return book.find(size).orElseThrow().hourly();
  }

  private NodePrice price(String size) {
    return new NodePrice(size, hourly(size), "configured");
  }

  private static Recommendation only(List<Recommendation> recs) {
    assertEquals(1, recs.size(), recs::toString);
    return recs.get(0);
  }

  private static void assertStandardAssumption(Recommendation r) {
    assertTrue(r.assumption().contains("730 h"), r.assumption());
    assertTrue(r.monthlySavings().amount().signum() > 0, r.action() + " saves nothing");
    assertTrue(r.setting() != null && !r.setting().isBlank());
    assertTrue(r.confidence().signum() > 0 && r.confidence().compareTo(BigDecimal.ONE) <= 0);
  }

  /** The shipped CSV with a low-priority price filled in for one size. */
  private static String shippedCsvWithLowPriority(String size, String lowPriority) throws IOException {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        PriceBook.class.getResourceAsStream(PriceBook.SHIPPED), StandardCharsets.UTF_8))) {
      return in.lines().map(line -> {
        String[] cols = line.split(",", -1);
        if (cols.length > 8 && cols[0].toLowerCase(Locale.ROOT).equals(size.toLowerCase(Locale.ROOT))) {
          cols[8] = lowPriority;
          return String.join(",", cols);
        }
        return line;
      }).collect(Collectors.joining("\n"));
    }
  }
}
