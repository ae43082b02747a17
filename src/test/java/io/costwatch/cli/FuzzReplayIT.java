package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.CostRecord;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.Plausibility;
import io.costwatch.core.SourceRef;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportReader;
import io.costwatch.ingest.monitor.MetricPayloadParser;
import io.costwatch.ingest.monitor.MetricsFileReader;
import io.costwatch.testing.Mutator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one end-to-end fuzz run: the real {@code replay} command on the in-process broker over a fuzzed file set
 * (mutated metric bodies and export rows mixed into real files, a line of invalid UTF-8, a 2 MiB body, a corrupt
 * gzip export, an empty file), against a clean replay of the same valid input. Exit 0, one dead letter with a reason
 * per rejected record (the parsers, run here as the oracle, say how many), and the same alerts as the clean run.
 */
class FuzzReplayIT {

  private static final Path METRICS = Path.of("src/test/resources/examples/metrics-idle-then-busy.jsonl");
  private static final Path EA = Path.of("src/test/resources/billing/finops-toolkit-ea/EA_ActualCost_Small.csv");
  private static final int BODY_MUTANTS = 60;
  private static final int ROW_MUTANTS = 20;

  @TempDir
  Path tmp;

  @Test
  void aFuzzedReplayExitsZeroDeadLettersEveryBadRecordAndAlertsAsTheCleanOne() throws IOException {
    long seed = Mutator.seedFromSystem(20261202L) + 20;
    System.out.println("costwatch fuzz seed " + seed + " (replay end to end)");
    Mutator mutator = new Mutator(seed);
    Path in = Files.createDirectories(tmp.resolve("in"));
    Path metrics = in.resolve("metrics.jsonl");
    Path export = in.resolve("export.csv");
    Path corrupt = in.resolve("broken.csv.gz");
    Path empty = in.resolve("empty.csv");
    long mutants = writeFuzzedMetrics(metrics, mutator) + writeFuzzedExport(export, mutator);
    Files.write(corrupt, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
    Files.write(empty, new byte[0]);
    mutants += 2;

    Path cleanOut = tmp.resolve("clean");
    Path fuzzedOut = tmp.resolve("fuzzed");
    assertEquals(0, Costwatch.execute("replay", "--billing", EA.toString(), "--metrics", METRICS.toString(),
        "--out", cleanOut.toString()), "clean replay exit code");
    assertEquals(0, Costwatch.execute("replay", "--billing", export.toString(), corrupt.toString(),
        empty.toString(), "--metrics", metrics.toString(), "--out", fuzzedOut.toString()), "fuzzed replay exit code");

    List<String> cleanAlerts = alerts(cleanOut);
    assertFalse(cleanAlerts.isEmpty());
    assertEquals(cleanAlerts, alerts(fuzzedOut), "seed " + seed + ": the valid records alert as in the clean run");
    List<JsonNode> dead = ReplayCommandIT.lines(fuzzedOut.resolve("dead-letters.jsonl"));
    long expected = expectedRejections(List.of(export, corrupt, empty), metrics);
    Map<String, Long> reasons = new TreeMap<>();
    dead.forEach(d -> reasons.merge(d.get("reason").asText(), 1L, Long::sum));
    assertEquals(expected, dead.size(), "seed " + seed + ": one dead letter per rejected record " + reasons);
    for (JsonNode d : dead) {
      assertFalse(d.get("reason").asText().isBlank(), d::toString);
      String source = d.get("source").asText();
      assertTrue(source.startsWith(metrics.toString()) || source.startsWith(export.toString())
          || source.startsWith(corrupt.toString()), d::toString);
    }
    assertTrue(reasons.containsKey("invalid-utf8") && reasons.containsKey("too-large")
        && reasons.containsKey("corrupt-file"), reasons::toString);
    JsonNode summary = io.costwatch.core.Json.MAPPER.readTree(fuzzedOut.resolve("summary.json").toFile());
    assertEquals(dead.size(), summary.at("/rejected/total").asInt());
    System.out.println("costwatch fuzz (replay): " + mutants + " mutated lines and files, " + dead.size()
        + " dead letters by reason " + reasons);
  }

  /** The clean metrics file with mutated bodies (rejected ones only), a line of invalid UTF-8 and a 2 MiB body. */
  private static long writeFuzzedMetrics(Path file, Mutator mutator) throws IOException {
    List<String> bodies = Files.readAllLines(METRICS, StandardCharsets.UTF_8);
    MetricPayloadParser parser = new MetricPayloadParser();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long written = 0;
    int perBody = BODY_MUTANTS / bodies.size() + 1;
    for (String body : bodies) {
      out.writeBytes((body + "\n").getBytes(StandardCharsets.UTF_8));
      for (int k = 0; k < perBody && written < BODY_MUTANTS; k++) {
        byte[] mutant = mutator.mutate(bodies.get(mutator.random().nextInt(bodies.size()))
            .getBytes(StandardCharsets.UTF_8), mutator.pick());
        String text = new String(mutant, StandardCharsets.UTF_8).replace("\n", " ").replace("\r", " ");
        if (!text.isBlank() && allRejected(parser, text)) {
          out.writeBytes((text + "\n").getBytes(StandardCharsets.UTF_8));
          written++;
        }
      }
    }
    out.writeBytes(new byte[] {'{', '"', 'r', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
    out.writeBytes(("{\"records\":[],\"pad\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}\n")
        .getBytes(StandardCharsets.UTF_8));
    Files.write(file, out.toByteArray());
    return written + 2;
  }

  private static boolean allRejected(MetricPayloadParser parser, String body) {
    for (ParseResult<MetricSample> r : parser.parse(body, SourceRef.line("x", 1))) {
      if (r instanceof ParseResult.Parsed<MetricSample> p && Plausibility.defaults().check(p.value()).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** The clean export with mutated rows (any: the oracle counts what the parser rejects) mixed in. */
  private static long writeFuzzedExport(Path file, Mutator mutator) throws IOException {
    List<String> lines = Files.readAllLines(EA, StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes((lines.get(0) + "\n").getBytes(StandardCharsets.UTF_8));
    long written = 0;
    for (String row : lines.subList(1, lines.size())) {
      out.writeBytes((row + "\n").getBytes(StandardCharsets.UTF_8));
      for (int k = 0; k < 2 && written < ROW_MUTANTS; k++, written++) {
        byte[] mutant = mutator.mutate(row.getBytes(StandardCharsets.UTF_8), mutator.pick());
        String text = new String(mutant, StandardCharsets.ISO_8859_1).replace("\n", "").replace("\r", "");
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
        out.write('\n');
      }
    }
    Files.write(file, out.toByteArray());
    return written;
  }

  /** What the parsers (the topology's) reject in these inputs: every one must be a dead letter. */
  private static long expectedRejections(List<Path> exports, Path metrics) {
    AtomicLong rejected = new AtomicLong();
    BillingRowParser billing = new BillingRowParser();
    new ExportReader().read(exports, row -> {
      ParseResult<CostRecord> r = billing.parse(row);
      if (r instanceof ParseResult.Rejected<CostRecord>
          || r instanceof ParseResult.Parsed<CostRecord> p && Plausibility.defaults().check(p.value()).isPresent()) {
        rejected.incrementAndGet();
      }
    });
    MetricPayloadParser parser = new MetricPayloadParser();
    int limit = RecordLimits.maxBody(Map.of());
    new MetricsFileReader().read(metrics, (source, body) -> {
      if (body.getBytes(StandardCharsets.UTF_8).length > limit) {
        rejected.incrementAndGet();
        return;
      }
      for (ParseResult<MetricSample> r : parser.parse(body, source)) {
        if (r instanceof ParseResult.Rejected<MetricSample>
            || r instanceof ParseResult.Parsed<MetricSample> p && Plausibility.defaults().check(p.value()).isPresent()) {
          rejected.incrementAndGet();
        }
      }
    }, (source, reason, detail, raw) -> rejected.incrementAndGet());
    return rejected.get();
  }

  private static List<String> alerts(Path out) throws IOException {
    List<String> alerts = new ArrayList<>();
    for (JsonNode a : ReplayCommandIT.lines(out.resolve("alerts.jsonl"))) {
      alerts.add(a.get("alertId").asText() + " " + a.get("status").asText() + " " + a.get("windowEnd").asText()
          + " " + a.at("/impact/amount").asText());
    }
    return alerts;
  }
}
