package io.costwatch.ingest.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.Money;
import io.costwatch.core.ParseResult;
import io.costwatch.core.SourceRef;
import io.costwatch.detect.Finding;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.GpuRules;
import io.costwatch.detect.GpuWasteDetector;
import io.costwatch.detect.IdleNodesDetector;
import io.costwatch.detect.NodePrice;
import io.costwatch.detect.SpendRules;
import io.costwatch.detect.SpendSpikeDetector;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.monitor.MetricPayloadParser;
import io.costwatch.recommend.PriceBook;
import io.costwatch.usage.UsageWindow;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DemoScenarioTest {

  private static final Instant START = Instant.parse("2025-06-01T00:00:00Z");
  private static final String WS = "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-ml/"
      + "providers/microsoft.machinelearningservices/workspaces/";
  /** EA 2024-08-01 header, transcribed from Microsoft's documentation (57 columns). */
  private static final List<String> EA_2024_08_01 = Arrays.asList(("InvoiceSectionName,AccountName,AccountOwnerId,"
      + "SubscriptionId,SubscriptionName,ResourceGroup,ResourceLocation,Date,ProductName,MeterCategory,"
      + "MeterSubCategory,MeterId,MeterName,MeterRegion,UnitOfMeasure,Quantity,EffectivePrice,CostInBillingCurrency,"
      + "CostCenter,ConsumedService,ResourceId,Tags,OfferId,AdditionalInfo,ServiceInfo1,ServiceInfo2,ResourceName,"
      + "ReservationId,ReservationName,UnitPrice,ProductOrderId,ProductOrderName,Term,PublisherType,PublisherName,"
      + "ChargeType,Frequency,PricingModel,AvailabilityZone,BillingAccountId,BillingAccountName,BillingCurrencyCode,"
      + "BillingPeriodStartDate,BillingPeriodEndDate,BillingProfileId,BillingProfileName,InvoiceSectionId,"
      + "IsAzureCreditEligible,PartNumber,PayGPrice,PlanName,ServiceFamily,CostAllocationRuleName,benefitId,"
      + "benefitName,AccountId,ResourceLocationNormalized").split(","));
  private static final DateTimeFormatter US_DATE = DateTimeFormatter.ofPattern("MM/dd/yyyy");

  private final MetricPayloadParser parser = new MetricPayloadParser();

  @Test
  void sameSeedGivesEqualOutputAndAnotherSeedDoesNot() {
    List<DemoEvent> first = new DemoScenario(7).events(START);

    assertEquals(first, new DemoScenario(7).events(START));
    assertNotEquals(first, new DemoScenario(8).events(START));
  }

  @Test
  void eventsAreOrderedByTimeAndKeyedByWorkspace() {
    List<DemoEvent> events = DemoScenario.withDefaultSeed().events(START);

    for (int i = 1; i < events.size(); i++) {
      assertTrue(!events.get(i).time().isBefore(events.get(i - 1).time()), "out of order at " + i);
    }
    assertEquals(Set.of(WS + "ws-vision", WS + "ws-nlp", WS + "ws-forecast"),
        events.stream().map(DemoEvent::key).collect(Collectors.toSet()));
    assertTrue(events.stream().filter(e -> e.kind() == DemoEvent.Kind.METRICS)
        .allMatch(e -> e.value() instanceof String body && body.split("\"metricName\"", -1).length - 1 <= 50));
    assertTrue(events.stream().filter(e -> e.kind() == DemoEvent.Kind.BILLING)
        .allMatch(e -> e.value() instanceof RawBillingRow));
  }

  @Test
  void everyMetricsBodyParsesAndOnlyTheDeliberatelyBadRecordsAreRejected() {
    List<ParseResult<MetricSample>> results = parseAll(DemoScenario.withDefaultSeed().events(START));

    List<ParseResult.Rejected<MetricSample>> rejected = results.stream()
        .filter(r -> r instanceof ParseResult.Rejected<MetricSample>)
        .map(r -> (ParseResult.Rejected<MetricSample>) r).toList();
    assertEquals(List.of("bad-number:average", "malformed-json:null", "unknown-metric:metricName"),
        rejected.stream().map(r -> r.reason() + ":" + r.field()).sorted().toList());
    Set<String> ignored = results.stream().filter(r -> r instanceof ParseResult.Ignored<MetricSample>)
        .map(r -> ((ParseResult.Ignored<MetricSample>) r).reason()).collect(Collectors.toSet());
    assertEquals(Set.of("unused-metric"), ignored);
    // 6 h x (11 + 6 + 9 records per minute, + 4 of the sweep and 4 of the deployment in DCR shape) + 24 Completed
    // Runs + 2 bad records, + 1 for the malformed body
    assertEquals(360 * (26 + 8) + 24 + 2 + 1, results.size());
  }

  @ParameterizedTest(name = "seed {0}, start {1}")
  @CsvSource({"20250615, 2025-06-01T00:00:00Z", "1, 2025-06-04T00:00:00Z", "99, 2024-12-26T07:30:00Z"})
  void telemetryOfEachClusterHasTheAveragesTheScenarioClaims(long seed, Instant start) {
    List<MetricSample> samples = parsed(parseAll(new DemoScenario(seed).events(start)));
    Instant end = start.plus(Duration.ofDays(14)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);

    // idle A100: GPU ~0-2 %, GPU memory ~60 %, 2 active nodes
    assertBetween(0, 2, avg(samples, "ws-vision/gpu-a100", AzureMetric.GPU_UTILIZATION));
    assertBetween(58, 62, avg(samples, "ws-vision/gpu-a100", AzureMetric.GPU_MEMORY_UTILIZATION));
    assertEquals(2.0, avg(samples, "ws-vision/gpu-a100", AzureMetric.ACTIVE_NODES));
    // busy training cluster: every minute 85-98 %, 4 nodes
    assertTrue(values(samples, "ws-vision/gpu-train", AzureMetric.GPU_UTILIZATION).stream()
        .allMatch(v -> v >= 85 && v <= 98));
    assertEquals(4.0, avg(samples, "ws-vision/gpu-train", AzureMetric.ACTIVE_NODES));
    // input-bound T4: GPU ~15 %, CPU ~90 %
    assertBetween(13, 17, avg(samples, "ws-nlp/gpu-t4", AzureMetric.GPU_UTILIZATION));
    assertBetween(88, 92, avg(samples, "ws-nlp/gpu-t4", AzureMetric.CPU_UTILIZATION));
    // oversized V100: GPU ~10 %, CPU ~10 %, GPU memory ~8 %
    assertBetween(9, 11, avg(samples, "ws-forecast/gpu-v100", AzureMetric.GPU_UTILIZATION));
    assertBetween(9, 11, avg(samples, "ws-forecast/gpu-v100", AzureMetric.CPU_UTILIZATION));
    assertBetween(7, 9, avg(samples, "ws-forecast/gpu-v100", AzureMetric.GPU_MEMORY_UTILIZATION));
    // CPU pool: 2 idle and 0 active nodes in every one of the 360 minutes
    assertEquals(List.of(360L, 2.0, 2.0), countMinMax(samples, "ws-forecast/cpu-pool", AzureMetric.IDLE_NODES));
    assertEquals(List.of(360L, 0.0, 0.0), countMinMax(samples, "ws-forecast/cpu-pool", AzureMetric.ACTIVE_NODES));
    // workspace-level records exist without dimensions; the whole telemetry is the 6 h before day 14 ends
    assertEquals(360 * 3, samples.stream().filter(s -> s.dimensions().isEmpty())
        .filter(s -> s.scope().deployment() == null).count());
    // the deployment's records name it in their resource id, in the DCR shape without dimensions
    assertEquals(360 * 4, samples.stream().filter(s -> "blue".equals(s.scope().deployment())).count());
    assertEquals(end.minus(Duration.ofHours(6)), samples.stream().map(MetricSample::time).min(Instant::compareTo)
        .orElseThrow());
    assertEquals(end.minus(Duration.ofMinutes(1)), samples.stream().map(MetricSample::time).max(Instant::compareTo)
        .orElseThrow());
  }

  @Test
  void theDetectorsFindWhatEachClusterWasMadeToShow() {
    List<MetricSample> samples = parsed(parseAll(DemoScenario.withDefaultSeed().events(START)));
    Map<String, Double> prices = Map.of("Standard_NC24ads_A100_v4", 3.673, "Standard_ND96asr_v4", 27.197,
        "Standard_NC4as_T4_v3", 0.526, "Standard_NC6s_v3", 3.06, "Standard_D4s_v3", 0.192);
    GpuWasteDetector gpu = new GpuWasteDetector(GpuRules.defaults());
    IdleNodesDetector idle = new IdleNodesDetector(GpuRules.defaults());

    Map<String, String> outcome = new TreeMap<>();
    DemoScenario.CLUSTER_SKUS.forEach((cluster, size) -> {
      UsageWindow window = window(samples, cluster);
      // with the size's vCPUs, as the topology prices it: the CPU is judged in busy cores
      NodePrice price = new NodePrice(size, new Money(BigDecimal.valueOf(prices.get(size)), "USD"), "test",
          PriceBook.shipped().find(size).orElseThrow().vcpus());
      List<String> found = new ArrayList<>();
      gpu.evaluate(window, price).ifPresent(f -> found.add(f.type() + "/" + f.cause()));
      idle.evaluate(window, price).ifPresent(f -> found.add(f.type().name()));
      outcome.put(cluster, String.join(",", found));
    });

    assertEquals(Map.of(
        "ws-vision/gpu-a100", "GPU_IDLE/IDLE",
        "ws-vision/gpu-train", "",
        "ws-nlp/gpu-t4", "GPU_UNDERUTILIZED/INPUT_BOUND",
        "ws-forecast/gpu-v100", "GPU_UNDERUTILIZED/OVERSIZED",
        "ws-forecast/cpu-pool", "IDLE_NODES"), outcome);
  }

  @Test
  void billingIsFourteenDaysOfEaRowsWithOnePurchaseAndOneRefund() {
    List<RawBillingRow> rows = billing(DemoScenario.withDefaultSeed().events(START));

    assertTrue(rows.stream().allMatch(r -> List.copyOf(r.columns().keySet()).equals(EA_2024_08_01)));
    assertTrue(rows.stream().allMatch(r -> "USD".equals(r.columns().get("BillingCurrencyCode"))
        && "Virtual Machines".equals(r.columns().get("MeterCategory")) && r.error() == null));
    Set<LocalDate> dates = rows.stream().map(DemoScenarioTest::date).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(14, dates.size());
    assertEquals(LocalDate.of(2025, 6, 14), ((TreeSet<LocalDate>) dates).last());
    assertEquals(Map.of("Usage", 6L * 14, "Purchase", 1L, "Refund", 1L), rows.stream()
        .collect(Collectors.groupingBy(r -> r.columns().get("ChargeType"), Collectors.counting())));
    RawBillingRow refund = only(rows, r -> "Refund".equals(r.columns().get("ChargeType")));
    assertTrue(cost(refund).signum() < 0);
    RawBillingRow purchase = only(rows, r -> "Purchase".equals(r.columns().get("ChargeType")));
    assertTrue(cost(purchase).compareTo(new BigDecimal("10000")) > 0);
    assertTrue(rows.stream().filter(r -> "Usage".equals(r.columns().get("ChargeType")))
        .allMatch(r -> r.columns().get("AdditionalInfo").contains("\"ServiceType\":\"Standard_")));
    assertTrue(rows.stream().map(r -> r.columns().get("ResourceId"))
        .anyMatch(id -> id.endsWith("/workspaces/ws-vision/computes/gpu-a100")));
  }

  @ParameterizedTest(name = "seed {0}, start {1}")
  @CsvSource({"20250615, 2025-06-01T00:00:00Z", "1, 2025-06-04T00:00:00Z", "99, 2024-12-26T00:00:00Z"})
  void usageSpendHasExactlyOneSpikeAndThePurchaseIsNotOne(long seed, Instant start) {
    List<RawBillingRow> rows = billing(new DemoScenario(seed).events(start));
    LocalDate spikeDay = LocalDate.ofInstant(start, java.time.ZoneOffset.UTC).plusDays(12);
    LocalDate purchaseDay = date(only(rows, r -> "Purchase".equals(r.columns().get("ChargeType"))));

    Set<String> usageSpikes = spikes(rows, r -> "Usage".equals(r.columns().get("ChargeType")));
    Set<String> naiveSpikes = spikes(rows, r -> true);

    assertEquals(Set.of("ws-nlp " + spikeDay), usageSpikes);
    assertEquals(Set.of("ws-nlp " + spikeDay, "ws-vision " + purchaseDay), naiveSpikes);
  }

  @Test
  void theSpikeIsSeveralHundredDollarsAboutFourTimesTheBaseline() {
    List<RawBillingRow> rows = billing(DemoScenario.withDefaultSeed().events(START));

    Finding spike = spikeFindings(rows, r -> "Usage".equals(r.columns().get("ChargeType"))).get(0);

    assertTrue(spike.impact().amount().compareTo(new BigDecimal("300")) > 0, spike.summary());
    assertBetween(250, 400, spike.observed().get("percentAboveBaseline").doubleValue());
  }

  // ---- helpers ----

  private List<ParseResult<MetricSample>> parseAll(List<DemoEvent> events) {
    List<ParseResult<MetricSample>> out = new ArrayList<>();
    int n = 0;
    for (DemoEvent e : events) {
      n++;
      if (e.kind() == DemoEvent.Kind.METRICS) {
        out.addAll(parser.parse((String) e.value(), SourceRef.line("demo", n)));
      }
    }
    return out;
  }

  private static List<MetricSample> parsed(List<ParseResult<MetricSample>> results) {
    return results.stream().filter(r -> r instanceof ParseResult.Parsed<MetricSample>)
        .map(r -> ((ParseResult.Parsed<MetricSample>) r).value()).toList();
  }

  private static List<Double> values(List<MetricSample> samples, String label, AzureMetric metric) {
    List<Double> values = samples.stream().filter(s -> s.scope().label().equals(label) && s.metric() == metric)
        .map(MetricSample::average).toList();
    assertEquals(360, values.size(), label + " " + metric);
    return values;
  }

  private static double avg(List<MetricSample> samples, String label, AzureMetric metric) {
    return values(samples, label, metric).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  private static List<Object> countMinMax(List<MetricSample> samples, String label, AzureMetric metric) {
    List<Double> v = values(samples, label, metric);
    return List.of((long) v.size(), v.stream().min(Double::compare).orElseThrow(),
        v.stream().max(Double::compare).orElseThrow());
  }

  private static UsageWindow window(List<MetricSample> samples, String label) {
    UsageWindow w = UsageWindow.empty();
    for (MetricSample s : samples) {
      if (s.scope().label().equals(label)) {
        w = w.add(s);
      }
    }
    return w.in(samples.get(0).time(), samples.get(samples.size() - 1).time().plus(Duration.ofMinutes(1)));
  }

  private static List<RawBillingRow> billing(List<DemoEvent> events) {
    return events.stream().filter(e -> e.kind() == DemoEvent.Kind.BILLING)
        .map(e -> assertInstanceOf(RawBillingRow.class, e.value())).toList();
  }

  private static LocalDate date(RawBillingRow row) {
    return LocalDate.parse(row.columns().get("Date"), US_DATE);
  }

  private static BigDecimal cost(RawBillingRow row) {
    return new BigDecimal(row.columns().get("CostInBillingCurrency"));
  }

  private static RawBillingRow only(List<RawBillingRow> rows, Predicate<RawBillingRow> which) {
    List<RawBillingRow> found = rows.stream().filter(which).toList();
    assertEquals(1, found.size());
    return found.get(0);
  }

  private static Set<String> spikes(List<RawBillingRow> rows, Predicate<RawBillingRow> counted) {
    return spikeFindings(rows, counted).stream()
        .map(f -> f.scope().workspaceName() + " " + LocalDate.ofInstant(f.windowStart(), java.time.ZoneOffset.UTC))
        .collect(Collectors.toSet());
  }

  /** Daily spend per workspace (summed straight from the rows), every day evaluated by the real detector. */
  private static List<Finding> spikeFindings(List<RawBillingRow> rows, Predicate<RawBillingRow> counted) {
    Map<String, TreeMap<LocalDate, BigDecimal>> daily = new HashMap<>();
    for (RawBillingRow r : rows) {
      if (counted.test(r)) {
        String ws = AzureResourceId.parse(r.columns().get("ResourceId")).orElseThrow().workspaceId();
        daily.computeIfAbsent(ws, k -> new TreeMap<>()).merge(date(r), cost(r), BigDecimal::add);
      }
    }
    SpendSpikeDetector detector = new SpendSpikeDetector(SpendRules.defaults());
    List<Finding> findings = new ArrayList<>();
    daily.forEach((ws, days) -> days.keySet().forEach(day -> {
      Optional<Finding> f = detector.evaluate(AzureResourceId.workspace(ws), "USD", days, day, 1, null, null);
      f.ifPresent(findings::add);
    }));
    findings.forEach(f -> assertEquals(FindingType.SPEND_SPIKE, f.type()));
    return findings;
  }

  private static void assertBetween(double low, double high, double actual) {
    assertTrue(actual >= low && actual <= high, actual + " not in [" + low + ", " + high + "]");
  }
}
