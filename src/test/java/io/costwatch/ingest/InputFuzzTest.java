package io.costwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of seeded mutations of real metric bodies and export rows through the parsers and the file readers: no
 * exception escapes, every mutant that is not still valid is rejected with a reason, a detail and its coordinates,
 * and the valid rows around a bad one are read exactly as in a clean file. The seed is printed; rerun one with
 * {@code -Dcostwatch.fuzz.seed=<seed>}.
 */
class InputFuzzTest {

  static final Path METRICS = Path.of("src/test/resources/examples/metrics-idle-then-busy.jsonl");
  static final Path MONITOR = Path.of("src/test/resources/monitor");
  static final Path EA = Path.of("src/test/resources/billing/finops-toolkit-ea/EA_ActualCost_Small.csv");
  static final Path FOCUS = Path.of("src/test/resources/billing/focus-sample/focus_sample.csv");
  static final int METRIC_MUTANTS = 3_000;
  static final int CSV_FILES = 150;
  static final int CSV_MUTANTS_PER_FILE = 10;
  static final int GZIP_MUTANTS = 150;
  static final int METRICS_FILE_MUTANTS = 100;

  private static final Map<String, Long> TALLY = new TreeMap<>();

  private final long seed = Mutator.seedFromSystem(20261202L);
  private final Plausibility plausibility = Plausibility.defaults();

  @TempDir
  Path dir;

  @AfterAll
  static void report() {
    System.out.println("costwatch fuzz (parsers and readers): " + TALLY);
  }

  private static void count(String what, long n) {
    synchronized (TALLY) {
      TALLY.merge(what, n, Long::sum);
    }
  }

  @Test
  void mutatedMetricBodiesAreParsedOrRejectedWithAReasonNeverThrown() throws IOException {
    Mutator mutator = new Mutator(seed);
    System.out.println("costwatch fuzz seed " + seed + " (metric bodies)");
    List<String> bodies = new ArrayList<>(Files.readAllLines(METRICS, StandardCharsets.UTF_8));
    try (var files = Files.list(MONITOR)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        bodies.add(Files.readString(p));
      }
    }
    MetricPayloadParser parser = new MetricPayloadParser();
    Map<Mutator.Kind, Long> rejectedByKind = new EnumMap<>(Mutator.Kind.class);
    long rejected = 0;
    long stillValid = 0;
    for (int i = 0; i < METRIC_MUTANTS; i++) {
      Mutator.Kind kind = mutator.pick();
      String body = bodies.get(mutator.random().nextInt(bodies.size()));
      byte[] mutant = mutator.mutate(body.getBytes(StandardCharsets.UTF_8), kind);
      SourceRef source = SourceRef.line("fuzz.jsonl", i + 1L);
      List<ParseResult<MetricSample>> results;
      try {
        results = parser.parse(new String(mutant, StandardCharsets.UTF_8), source);
      } catch (RuntimeException | StackOverflowError e) {
        throw new AssertionError("seed " + seed + " mutant " + i + " (" + kind + ") escaped: " + e, e);
      }
      assertFalse(results.isEmpty(), "seed " + seed + " mutant " + i + " gave no result");
      for (ParseResult<MetricSample> r : results) {
        if (r instanceof ParseResult.Parsed<MetricSample> p) {
          var v = plausibility.check(p.value());
          if (v.isPresent()) {
            rejected++;
            rejectedByKind.merge(kind, 1L, Long::sum);
            assertNotNull(v.get().field());
          } else {
            stillValid++;
          }
        } else if (r instanceof ParseResult.Rejected<MetricSample> bad) {
          rejected++;
          rejectedByKind.merge(kind, 1L, Long::sum);
          assertWellFormed(bad, "fuzz.jsonl:" + (i + 1));
        }
      }
    }
    count("metric-body mutants", METRIC_MUTANTS);
    count("metric records rejected", rejected);
    count("metric records still valid", stillValid);
    System.out.println("costwatch fuzz: metric records rejected by mutation kind " + rejectedByKind);
    assertTrue(rejected > METRIC_MUTANTS / 2, "most mutants are rejected: " + rejected);
  }

  @Test
  void mutatedExportRowsAreRejectedOneByOneAndTheirValidNeighboursReadAsInACleanFile() throws IOException {
    Mutator mutator = new Mutator(seed + 1);
    System.out.println("costwatch fuzz seed " + (seed + 1) + " (export rows)");
    BillingRowParser parser = new BillingRowParser();
    long mutants = 0;
    long rejected = 0;
    for (Path export : List.of(EA, FOCUS)) {
      List<String> lines = Files.readAllLines(export, StandardCharsets.UTF_8);
      String header = lines.get(0);
      List<String> rows = lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
      for (int f = 0; f < CSV_FILES / 2; f++) {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes((header + "\n").getBytes(StandardCharsets.UTF_8));
        Map<Long, String> valid = new TreeMap<>();
        List<Long> bad = new ArrayList<>();
        long line = 1;
        for (int k = 0; k < CSV_MUTANTS_PER_FILE; k++) {
          String row = rows.get(mutator.random().nextInt(rows.size()));
          valid.put(++line, row);
          file.writeBytes((row + "\n").getBytes(StandardCharsets.UTF_8));
          byte[] mutant = mutator.mutate(rows.get(mutator.random().nextInt(rows.size()))
              .getBytes(StandardCharsets.UTF_8), mutator.pick());
          mutant = new String(mutant, StandardCharsets.ISO_8859_1).replace("\n", "").replace("\r", "")
              .getBytes(StandardCharsets.ISO_8859_1);
          line++;
          if (mutant.length > 0) {
            bad.add(line);
          }
          file.write(mutant, 0, mutant.length);
          file.write('\n');
          mutants++;
        }
        List<RawBillingRow> read = new ArrayList<>();
        try {
          ExportReader.readStream(new ByteArrayInputStream(file.toByteArray()), "fuzz.csv", "fuzz-" + f + ".csv",
              "run", read::add);
        } catch (IOException | RuntimeException e) {
          throw new AssertionError("seed " + (seed + 1) + " file " + f + " escaped: " + e, e);
        }
        Map<Long, ParseResult<CostRecord>> byLine = new TreeMap<>();
        for (RawBillingRow r : read) {
          ParseResult<CostRecord> result = parser.parse(r);
          if (result instanceof ParseResult.Parsed<CostRecord> p && plausibility.check(p.value()).isPresent()) {
            result = ParseResult.rejected("range", "range", null, p.value().source(), null);
          }
          byLine.put(r.line(), result);
          if (result instanceof ParseResult.Rejected<CostRecord> rej) {
            rejected++;
            assertWellFormed(rej, "fuzz-" + f + ".csv:" + r.line());
          }
        }
        for (Map.Entry<Long, String> v : valid.entrySet()) {
          ParseResult<CostRecord> got = byLine.get(v.getKey());
          RawBillingRow clean = cleanRow(header, v.getValue(), "fuzz-" + f + ".csv", v.getKey());
          assertEquals(parser.parse(clean), got, "seed " + (seed + 1) + " file " + f + ": the valid row at line "
              + v.getKey() + " reads as in a clean file");
        }
        for (Long b : bad) {
          assertTrue(byLine.containsKey(b), "seed " + (seed + 1) + " file " + f + ": line " + b
              + " is neither a row nor a rejection: " + read);
        }
      }
    }
    count("export-row mutants", mutants);
    count("export rows rejected", rejected);
    // a mutation of a descriptive column (a name, a tag) leaves a valid row: only a floor is asserted
    assertTrue(rejected > mutants / 4, "mutants are rejected: " + rejected + " of " + mutants);
  }

  @Test
  void corruptGzipAndEmptyFilesAreRejectionsOfThatFileAndTheNextFileIsRead() throws IOException {
    Mutator mutator = new Mutator(seed + 2);
    System.out.println("costwatch fuzz seed " + (seed + 2) + " (gzip and empty files)");
    byte[] clean = Files.readAllBytes(EA);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(gz)) {
      out.write(clean);
    }
    long cleanRows = rows(List.of(EA)).size();
    long corrupt = 0;
    for (int i = 0; i < GZIP_MUTANTS; i++) {
      Mutator.Kind kind = i % 3 == 0 ? Mutator.Kind.TRUNCATE : i % 3 == 1 ? Mutator.Kind.BYTE_FLIP
          : Mutator.Kind.EMPTY;
      Path bad = Files.write(dir.resolve("bad-" + i + ".csv.gz"), mutator.mutate(gz.toByteArray(), kind));
      List<RawBillingRow> read;
      try {
        read = rows(List.of(bad, EA));
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + (seed + 2) + " gzip mutant " + i + " (" + kind + ") escaped: " + e, e);
      }
      List<RawBillingRow> fromEa = read.stream().filter(r -> r.file().equals(EA.toString())).toList();
      assertEquals(cleanRows, fromEa.size(), "the next file is read whole");
      corrupt += read.stream().filter(r -> r.error() != null && r.error().startsWith("corrupt-file")).count();
    }
    Path empty = Files.write(dir.resolve("empty.csv"), new byte[0]);
    assertEquals(cleanRows, rows(List.of(empty, EA)).size());
    count("gzip/empty file mutants", GZIP_MUTANTS + 1);
    count("files rejected as corrupt", corrupt);
    assertTrue(corrupt >= GZIP_MUTANTS / 2, "truncated and empty gzip files are rejections: " + corrupt);
  }

  @Test
  void mutatedMetricsFilesGiveBodiesOrLineRejectionsNeverAnException() throws IOException {
    Mutator mutator = new Mutator(seed + 3);
    System.out.println("costwatch fuzz seed " + (seed + 3) + " (metrics files)");
    byte[] clean = Files.readAllBytes(METRICS);
    long rejectedLines = 0;
    for (int i = 0; i < METRICS_FILE_MUTANTS; i++) {
      Mutator.Kind kind = mutator.pick();
      Path file = Files.write(dir.resolve("m-" + i + ".jsonl"), mutator.mutate(clean, kind));
      List<String> bodies = new ArrayList<>();
      List<String> rejects = new ArrayList<>();
      try {
        new MetricsFileReader().read(file, (s, b) -> bodies.add(b), (s, reason, detail, raw) -> {
          assertTrue(detail.contains(file.toString()), detail);
          rejects.add(reason);
        });
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + (seed + 3) + " metrics file mutant " + i + " (" + kind + ") escaped: "
            + e, e);
      }
      if (kind == Mutator.Kind.INVALID_UTF8) {
        assertEquals(List.of("invalid-utf8"), rejects, "one invalid line is one rejection");
      }
      rejectedLines += rejects.size();
    }
    count("metrics-file mutants", METRICS_FILE_MUTANTS);
    count("metrics-file lines rejected", rejectedLines);
  }

  private static List<RawBillingRow> rows(List<Path> files) {
    List<RawBillingRow> rows = new ArrayList<>();
    new ExportReader().read(files, rows::add);
    return rows;
  }

  private static RawBillingRow cleanRow(String header, String row, String file, long line) throws IOException {
    List<RawBillingRow> out = new ArrayList<>();
    ExportReader.readStream(new ByteArrayInputStream((header + "\n" + row + "\n").getBytes(StandardCharsets.UTF_8)),
        "x.csv", file, "run", out::add);
    RawBillingRow r = out.get(0);
    return new RawBillingRow(r.schemaVersion(), r.file(), line, r.exportRun(), r.columns(), r.error());
  }

  private static void assertWellFormed(ParseResult.Rejected<?> rejected, String where) {
    if (rejected.reason() == null || rejected.reason().isBlank() || rejected.detail() == null
        || rejected.detail().isBlank() || rejected.source() == null) {
      fail(where + ": a rejection without reason, detail or source: " + rejected);
    }
  }
}
