package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.config.AppConfig;
import io.costwatch.core.CostRecord;
import io.costwatch.core.Json;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.Plausibility;
import io.costwatch.core.SourceRef;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.monitor.MetricPayloadParser;
import io.costwatch.testing.Fixtures;
import io.costwatch.testing.Mutator;
import io.costwatch.usage.DailySpend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real topology in a {@code TopologyTestDriver}, fed the same valid metrics and export rows twice: once clean,
 * once with hundreds of seeded mutants mixed in (bodies, rows, raw JSON, and garbage bytes on a JSON repartition
 * topic). Every mutant that the parsers reject is one dead letter per rejected record, with a reason; no exception
 * stops the driver; and the alerts and the daily spend are identical to the clean run's.
 */
class TopologyFuzzTest {

  private static final Path METRICS = Path.of("src/test/resources/examples/metrics-idle-then-busy.jsonl");
  private static final Instant ARRIVAL = Instant.parse("2026-11-20T10:00:00Z");
  private static final int METRIC_MUTANTS = 400;
  private static final int ROW_MUTANTS = 200;
  private static final int REPARTITION_GARBAGE = 20;

  @TempDir
  Path tmp;

  private final long seed = Mutator.seedFromSystem(20261202L) + 10;
  private final AppConfig config = Fixtures.config().withBillingSettle(Duration.ZERO);
  private final MetricPayloadParser metricParser = new MetricPayloadParser();
  private final BillingRowParser billingParser = new BillingRowParser();
  private final Plausibility plausibility = Plausibility.defaults();

  @Test
  void mutantsAreDeadLettersWithReasonsAndTheValidRecordsAlertAsInACleanRun() throws IOException {
    System.out.println("costwatch fuzz seed " + seed + " (topology)");
    List<String> bodies = Files.readAllLines(METRICS, StandardCharsets.UTF_8);
    List<RawBillingRow> rows = new ArrayList<>();
    java.time.LocalDate first = java.time.LocalDate.of(2026, 10, 1);
    for (int d = 0; d < 14; d++) {
      rows.add(Fixtures.eaRow("export.csv", d + 2, "ws-a", "gpu1", first.plusDays(d), d == 12 ? "640.00" : "100",
          "Usage", "m1"));
    }

    Outcome clean = run(tmp.resolve("clean"), bodies, rows, null);
    assertFalse(clean.alerts.isEmpty(), "the clean run alerts");
    assertFalse(clean.spend.isEmpty(), "the clean run has daily spend");

    Outcome fuzzed = run(tmp.resolve("fuzzed"), bodies, rows, new Mutator(seed));

    assertEquals(clean.alerts, fuzzed.alerts, "seed " + seed + ": alerts as in the clean run");
    assertEquals(clean.spend, fuzzed.spend, "seed " + seed + ": daily spend as in the clean run");
    assertEquals(clean.deadLetters + fuzzed.expectedDeadLetters, fuzzed.deadLetters,
        "seed " + seed + ": one dead letter per rejected record " + fuzzed.reasons);
    assertTrue(fuzzed.reasons.keySet().stream().noneMatch(r -> r == null || r.isBlank()));
    assertTrue(fuzzed.reasons.containsKey("unreadable-record"), fuzzed.reasons::toString);
    System.out.println("costwatch fuzz (topology): " + fuzzed.injected + " mutants injected ("
        + fuzzed.skippedValid + " more were still valid and left out), " + fuzzed.deadLetters
        + " dead letters by reason " + fuzzed.reasons);
  }

  private Outcome run(Path state, List<String> bodies, List<RawBillingRow> rows, Mutator mutator) {
    Outcome out = new Outcome();
    try (TopologyHarness harness = new TopologyHarness(config, state)) {
      TestInputTopic<String, String> metrics = harness.driver.createInputTopic(Topics.METRICS_RAW.name(),
          Serdes.String().serializer(), Serdes.String().serializer());
      TestInputTopic<String, RawBillingRow> billing = harness.input(Topics.BILLING_RAW);
      TestInputTopic<String, byte[]> billingBytes = harness.driver.createInputTopic(Topics.BILLING_RAW.name(),
          Serdes.String().serializer(), Serdes.ByteArray().serializer());
      TestInputTopic<String, byte[]> repartition = harness.driver.createInputTopic(
          "costwatch-test-billing-line-items-repartition", Serdes.String().serializer(),
          Serdes.ByteArray().serializer());
      int mutantsPerBody = mutator == null ? 0 : METRIC_MUTANTS / bodies.size() + 1;
      for (int i = 0; i < bodies.size(); i++) {
        metrics.pipeInput(null, bodies.get(i), ARRIVAL);
        for (int k = 0; k < mutantsPerBody && out.injected < METRIC_MUTANTS; k++) {
          injectMetric(metrics, bodies.get(mutator.random().nextInt(bodies.size())), mutator, out);
        }
      }
      int mutantsPerRow = mutator == null ? 0 : ROW_MUTANTS / rows.size() + 1;
      int rowMutants = 0;
      for (RawBillingRow row : rows) {
        billing.pipeInput(row.file() + ":" + row.line(), row, ARRIVAL);
        for (int k = 0; k < mutantsPerRow && rowMutants < ROW_MUTANTS; k++, rowMutants++) {
          injectRow(billingBytes, rows.get(mutator.random().nextInt(rows.size())), mutator, out);
        }
      }
      for (int i = 0; mutator != null && i < REPARTITION_GARBAGE; i++) {
        byte[] garbage = mutator.mutate(new byte[] {(byte) 0xFF, '{'}, Mutator.Kind.BYTE_FLIP);
        garbage[0] = (byte) 0xFF;
        repartition.pipeInput("li-" + i, garbage, ARRIVAL);
        out.expectedDeadLetters++;
        out.injected++;
      }
      Instant far = Instant.now().plus(Duration.ofDays(366)).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
      metrics.pipeInput(FlushMarker.KEY, null, far);
      metrics.pipeInput(FlushMarker.KEY, null, far.plus(config.metricsWindow()).plus(config.metricsGrace())
          .plusSeconds(60));
      billing.pipeInput(FlushMarker.KEY, null, far);
      harness.output(Topics.ALERTS).readValuesToList().forEach(a -> out.alerts.add(describe(a)));
      harness.output(Topics.DAILY_SPEND).readKeyValuesToList().forEach(kv -> out.spend.put(kv.key,
          kv.value.amount().stripTrailingZeros().toPlainString()));
      for (DeadLetter d : harness.output(Topics.DEAD_LETTERS).readValuesToList()) {
        out.deadLetters++;
        out.reasons.merge(d.reason(), 1L, Long::sum);
      }
    }
    return out;
  }

  /** Injects a mutated body only when the parsers reject every record of it (a still-valid mutant would alert). */
  private void injectMetric(TestInputTopic<String, String> metrics, String body, Mutator mutator, Outcome out) {
    String mutant = new String(mutator.mutate(body.getBytes(StandardCharsets.UTF_8), mutator.pick()),
        StandardCharsets.UTF_8);
    long rejected = 0;
    for (ParseResult<MetricSample> r : metricParser.parse(mutant, SourceRef.line("x", 1))) {
      if (r instanceof ParseResult.Parsed<MetricSample> p && plausibility.check(p.value()).isEmpty()) {
        out.skippedValid++;
        return;
      }
      rejected += r instanceof ParseResult.Ignored<MetricSample> ? 0 : 1;
    }
    metrics.pipeInput(null, mutant, ARRIVAL);
    out.injected++;
    out.expectedDeadLetters += rejected;
  }

  /** Injects a mutated raw row (its JSON text mutated) only when the billing parse rejects it. */
  private void injectRow(TestInputTopic<String, byte[]> billing, RawBillingRow row, Mutator mutator, Outcome out) {
    byte[] json;
    try {
      json = Json.MAPPER.writeValueAsBytes(row);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    byte[] mutant = mutator.mutate(json, mutator.pick());
    RawBillingRow parsed;
    try {
      parsed = Json.MAPPER.readValue(new String(mutant, StandardCharsets.UTF_8), RawBillingRow.class);
    } catch (IOException e) {
      parsed = null;
    }
    if (parsed != null && parsed.runEnd() != null) {
      out.skippedValid++;
      return;
    }
    if (parsed != null && parsed.columns() != null) {
      ParseResult<CostRecord> r = billingParser.parse(parsed);
      if (r instanceof ParseResult.Parsed<CostRecord> p && plausibility.check(p.value()).isEmpty()) {
        out.skippedValid++;
        return;
      }
    }
    billing.pipeInput(row.file() + ":" + row.line(), mutant, ARRIVAL);
    out.injected++;
    out.expectedDeadLetters++;
  }

  private static String describe(AlertEvent a) {
    return a.alertId() + " " + a.type() + " " + a.status() + " " + a.windowEnd() + " "
        + a.impact().amount().stripTrailingZeros().toPlainString();
  }

  private static final class Outcome {
    final List<String> alerts = new ArrayList<>();
    final Map<String, String> spend = new TreeMap<>();
    final Map<String, Long> reasons = new TreeMap<>();
    long deadLetters;
    long expectedDeadLetters;
    long injected;
    long skippedValid;
  }
}
