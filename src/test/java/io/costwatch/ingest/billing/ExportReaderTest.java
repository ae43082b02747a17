package io.costwatch.ingest.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.ParseResult;
import io.costwatch.ingest.RawBillingRow;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportReaderTest {

  private static final Path EA_ACTUAL = BillingFixtures.resource("billing/finops-toolkit-ea/EA_ActualCost_Small.csv");
  private static final String HEADER = "Date,CostInBillingCurrency,BillingCurrencyCode,MeterCategory,Tags\n";

  @TempDir
  Path dir;

  private static Path write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static Path gzip(Path source, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(target))) {
      Files.copy(source, out);
    }
    return target;
  }

  private static List<String> lines(List<RawBillingRow> rows) {
    return rows.stream().map(r -> r.line() + ":" + r.columns().get("MeterCategory")).toList();
  }

  @Test
  void plainFileStripsTheBomAndNumbersRowsFromLineTwo() {
    List<RawBillingRow> rows = BillingFixtures.readAll(EA_ACTUAL);

    assertEquals(11, rows.size());
    assertEquals("8611537", rows.get(0).columns().get("BillingAccountId"));
    assertEquals(List.of(2L, 12L), List.of(rows.get(0).line(), rows.get(10).line()));
    assertEquals(EA_ACTUAL.toString(), rows.get(0).exportRun());
    assertTrue(rows.stream().allMatch(r -> r.error() == null && r.columns().size() == 55));
  }

  @Test
  void gzipIsReadByExtensionAndByMagicBytes() throws IOException {
    List<RawBillingRow> plain = BillingFixtures.readAll(EA_ACTUAL);
    Path named = gzip(EA_ACTUAL, dir.resolve("actual.csv.gz"));
    Path disguised = gzip(EA_ACTUAL, dir.resolve("actual-gzipped.csv"));

    assertEquals(plain.stream().map(RawBillingRow::columns).toList(),
        BillingFixtures.readAll(named).stream().map(RawBillingRow::columns).toList());
    assertEquals(plain.stream().map(RawBillingRow::columns).toList(),
        BillingFixtures.readAll(disguised).stream().map(RawBillingRow::columns).toList());
  }

  @Test
  void directoryReadsExportFilesRecursivelyInPathOrder() throws IOException {
    write(dir.resolve("b/one.csv"), HEADER + "06/01/2025,1,USD,B1,\n");
    gzip(write(dir.resolve("src.csv.tmp"), HEADER + "06/01/2025,1,USD,A1,\n06/02/2025,1,USD,A2,\n"),
        dir.resolve("a/part.csv.gz"));
    write(dir.resolve("a/notes.txt"), "not an export");
    write(dir.resolve("a/manifest.json"), "{\"blobs\":[]}");

    List<RawBillingRow> rows = BillingFixtures.readAll(dir);

    assertEquals(List.of("2:A1", "3:A2", "2:B1"), lines(rows));
    assertEquals(dir.resolve("a/part.csv.gz").toString(), rows.get(0).exportRun());
    assertEquals(dir.resolve("b/one.csv").toString(), rows.get(2).exportRun());
  }

  @Test
  void partFilesOfOneFolderAreOneRunAndEachRunEndsAfterItsLastRow() throws IOException {
    write(dir.resolve("run-1/part_0_0001.csv"), HEADER + "06/01/2025,1,USD,P1,\n");
    gzip(write(dir.resolve("src.csv.tmp"), HEADER + "06/02/2025,1,USD,P2,\n"), dir.resolve("run-1/part_1_0001.csv.gz"));
    write(dir.resolve("run-2/daily_20250603.csv"), HEADER + "06/03/2025,1,USD,D1,\n");
    List<String> events = new java.util.ArrayList<>();

    new ExportReader().read(List.of(dir), row -> events.add("row " + row.columns().get("MeterCategory")),
        run -> events.add("end " + Path.of(run).getFileName()));

    assertEquals(List.of("row P1", "row P2", "end run-1", "row D1", "end daily_20250603.csv"), events);
  }

  @Test
  void improvedManifestResolvesBlobsAndCarriesTheRunId() throws IOException {
    write(dir.resolve("run/part_0_0001.csv"), HEADER + "06/01/2025,1,USD,P1,\n");
    write(dir.resolve("run/exports/daily/part_0_0002.csv"), HEADER + "06/01/2025,1,USD,P2,\n");
    Path manifest = write(dir.resolve("run/manifest.json"), """
        {"exportConfig": {"exportName": "daily"},
         "runInfo": {"runId": "run-42", "startDate": "2025-06-01T00:00:00"},
         "blobs": [
           {"blobName": "costs/daily/20250601-20250630/202506021200/guid/part_0_0001.csv", "byteCount": 10},
           {"blobName": "exports/daily/part_0_0002.csv", "byteCount": 10}]}
        """);

    List<RawBillingRow> rows = BillingFixtures.readAll(manifest);

    assertEquals(List.of("2:P1", "2:P2"), lines(rows));
    assertEquals(List.of("run-42"), rows.stream().map(RawBillingRow::exportRun).distinct().toList());
    assertEquals(dir.resolve("run/part_0_0001.csv").toString(), rows.get(0).file());
  }

  @Test
  void legacyManifestUsesItsPathAsTheRun() throws IOException {
    write(dir.resolve("legacy/part_1.csv"), HEADER + "06/01/2025,1,USD,L1,\n");
    Path manifest = write(dir.resolve("legacy/_manifest.json"),
        "{\"manifestVersion\":\"2021-01-01\",\"blobCount\":1,\"blobs\":[{\"blobName\":\"x/y/part_1.csv\"}]}");

    List<RawBillingRow> rows = BillingFixtures.readAll(manifest);

    assertEquals(List.of("2:L1"), lines(rows));
    assertEquals(manifest.toString(), rows.get(0).exportRun());
  }

  @Test
  void emptyExportsYieldNothing() throws IOException {
    Path noBlobs = write(dir.resolve("empty/manifest.json"), "{\"runInfo\":{\"runId\":\"r\"},\"blobs\":[]}");
    Path headerOnly = BillingFixtures.resource("billing/finops-toolkit-ea/EA_NoRows.csv");
    Path zeroBytes = write(dir.resolve("zero.csv"), "");

    assertEquals(List.of(), BillingFixtures.readAll(noBlobs, headerOnly, zeroBytes));
  }

  @Test
  void rowWithAMissingValueIsEmittedAsAnErrorRowWithItsLine() throws IOException {
    Path file = write(dir.resolve("short.csv"), HEADER + "06/01/2025,1,USD,OK,\n06/02/2025,2,USD\n");

    List<RawBillingRow> rows = BillingFixtures.readAll(file);

    assertNull(rows.get(0).error());
    assertEquals(3L, rows.get(1).line());
    assertEquals("line 3 has 3 values, header has 5", rows.get(1).error());
    ParseResult<?> result = new BillingRowParser().parse(rows.get(1));
    assertEquals("column-count", ((ParseResult.Rejected<?>) result).reason());
    assertEquals(file + ":3", ((ParseResult.Rejected<?>) result).source().toString());
  }

  @Test
  void quotedFieldsWithNewlinesAndDoubledQuotesKeepPhysicalLineNumbers() throws IOException {
    Path file = write(dir.resolve("quoted.csv"), HEADER
        + "06/01/2025,1,USD,Q1,\"\"\"note\"\": \"\"two\nlines\"\"\"\n"
        + "\n"
        + "06/02/2025,1,USD,Q2,\"\"\"a\"\": \"\"b,c\"\"\"\r\n");

    List<RawBillingRow> rows = BillingFixtures.readAll(file);

    assertEquals(List.of("2:Q1", "5:Q2"), lines(rows));
    assertEquals("\"note\": \"two\nlines\"", rows.get(0).columns().get("Tags"));
    assertEquals("\"a\": \"b,c\"", rows.get(1).columns().get("Tags"));
  }

  @Test
  void missingPathsAndBlobsAreNamed() throws IOException {
    Path missing = dir.resolve("nope.csv");
    Path manifest = write(dir.resolve("m/manifest.json"), "{\"blobs\":[{\"blobName\":\"a/gone.csv\"}]}");

    UncheckedIOException noFile = assertThrows(UncheckedIOException.class, () -> BillingFixtures.readAll(missing));
    UncheckedIOException noBlob = assertThrows(UncheckedIOException.class, () -> BillingFixtures.readAll(manifest));

    assertTrue(noFile.getMessage().contains(missing.toString()), noFile.getMessage());
    assertTrue(noBlob.getMessage().contains("a/gone.csv") && noBlob.getMessage().contains(manifest.toString()),
        noBlob.getMessage());
  }

  @Test
  void aCorruptGzipIsOneRejectionNamingThePositionAndTheNextFileIsStillRead() throws IOException {
    Path notGzip = write(dir.resolve("a/bad.csv.gz"), "plain text, not gzip");
    byte[] gz = Files.readAllBytes(gzip(EA_ACTUAL, dir.resolve("tmp/x.csv.gz")));
    Path truncated = dir.resolve("b/cut.csv.gz");
    Files.createDirectories(truncated.getParent());
    Files.write(truncated, java.util.Arrays.copyOf(gz, gz.length / 2));
    Path good = write(dir.resolve("c/ok.csv"), HEADER + "06/01/2025,1,USD,OK,\n");
    List<String> runEnds = new ArrayList<>();
    List<RawBillingRow> rows = new ArrayList<>();

    new ExportReader().read(List.of(notGzip, truncated, good), rows::add, runEnds::add);

    List<RawBillingRow> rejected = rows.stream().filter(r -> r.error() != null).toList();
    assertEquals(2, rejected.size(), rejected::toString);
    assertEquals("corrupt-file", ReadErrors.reason(rejected.get(0).error()));
    assertEquals(notGzip.toString(), rejected.get(0).file());
    assertTrue(rejected.get(0).error().contains("Not in GZIP format"), rejected.get(0).error());
    assertEquals(truncated.toString(), rejected.get(1).file());
    assertTrue(rejected.get(1).error().contains("past line " + rejected.get(1).line()), rejected.get(1).error());
    assertEquals("OK", rows.get(rows.size() - 1).columns().get("MeterCategory"));
    assertEquals(List.of(good.toString()), runEnds, "the runs of unreadable files are not ended");
    ParseResult<?> parsed = new BillingRowParser().parse(rejected.get(1));
    assertEquals("corrupt-file", ((ParseResult.Rejected<?>) parsed).reason());
  }

  @Test
  void unreadableRowsAreRejectedOneByOneWithTheirLinesAndReadingGoesOn() throws IOException {
    Path file = dir.resolve("mixed.csv");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    bytes.writeBytes((HEADER + "06/01/2025,1,USD,A,\n").getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes("06/02/2025,1,USD,B".getBytes(StandardCharsets.UTF_8));
    bytes.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, ',', '\n'});
    bytes.writeBytes(("06/03/2025,1,USD,\"C\"x,\n"
        + "06/04/2025,1,USD,D,\"open quote\n"
        + "06/05/2025,1,USD,E,\n").getBytes(StandardCharsets.UTF_8));
    Files.write(file, bytes.toByteArray());

    List<RawBillingRow> rows = BillingFixtures.readAll(file);

    assertEquals(List.of("2:A", "3:null", "4:null", "5:null", "6:E"), lines(rows));
    assertEquals("invalid-utf8", ReadErrors.reason(rows.get(1).error()));
    assertEquals("malformed-csv", ReadErrors.reason(rows.get(2).error()));
    assertTrue(rows.get(2).error().contains("line 4: invalid character 'x'"), rows.get(2).error());
    assertEquals("malformed-csv", ReadErrors.reason(rows.get(3).error()));
    assertTrue(rows.get(3).error().contains("not closed"), rows.get(3).error());
    ParseResult<?> parsed = new BillingRowParser().parse(rows.get(1));
    assertEquals("invalid-utf8", ((ParseResult.Rejected<?>) parsed).reason());
    assertEquals(file + ":3", ((ParseResult.Rejected<?>) parsed).source().toString());
  }

  @Test
  void progressEndsWithAllRowsAndAllBytes() throws IOException {
    Path gz = gzip(EA_ACTUAL, dir.resolve("x.csv.gz"));
    long total = Files.size(EA_ACTUAL) + Files.size(gz);
    List<long[]> updates = new ArrayList<>();

    new ExportReader((rows, read, all) -> updates.add(new long[] {rows, read, all}))
        .read(List.of(EA_ACTUAL, gz), row -> { });

    long[] last = updates.get(updates.size() - 1);
    assertEquals(List.of(22L, total, total), List.of(last[0], last[1], last[2]));
    assertEquals(List.of(11L, Files.size(EA_ACTUAL)), List.of(updates.get(0)[0], updates.get(0)[1]));
  }
}
