package io.costwatch.ingest.billing;

import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.read.CsvRecords;
import io.costwatch.ingest.read.PhysicalLines;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Streams the rows of Cost Management export files, one row at a time, in bounded memory: exports of a large
 * billing account run to gigabytes. Accepts {@code .csv} and gzip files (by magic bytes or {@code .gz}), directories
 * (every {@code .csv}/{@code .csv.gz} below, in lexicographic path order, each file its own export run) and export
 * manifests ({@code manifest.json}, legacy {@code _manifest.json}).
 *
 * <p>Rows are not interpreted here: a row whose value count differs from its header's, a line of invalid UTF-8, a row
 * with malformed quoting or a line over 4 MiB is still emitted, with {@link RawBillingRow#error()} set, so it is
 * dead-lettered with its coordinates instead of silently dropped, and reading goes on (see {@link CsvRecords} for how
 * an unterminated quote is recovered from). A file that cannot be read to its end (a corrupt gzip stream) is one
 * rejection naming the line and byte reached; the other files are still read, and that file's export run is not
 * ended, so none of its rows are retracted.
 * Line numbers are physical and 1-based (the header is line 1), counting the newlines inside quoted fields, so they
 * point an editor at the row. Missing paths and unreadable files throw {@link UncheckedIOException} naming the path.
 */
public final class ExportReader {

  private static final int PROGRESS_EVERY = 5_000;
  /**
   * A longer physical line is rejected unread, and so is a row whose values add up to more characters: real export
   * rows have a few KiB, and a row must fit, as JSON, in one Kafka record (1 MiB by default).
   */
  static final int MAX_LINE_BYTES = 256 * 1024;

  private final ReadProgress progress;
  private long rows;
  private long bytesBefore;
  private long totalBytes;
  private long lastLine;

  public ExportReader() {
    this(ReadProgress.NONE);
  }

  public ExportReader(ReadProgress progress) {
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /** Reads every row of {@code paths} into {@code sink}, in order. Not thread-safe: one reader per run. */
  public void read(List<Path> paths, Consumer<RawBillingRow> sink) {
    read(paths, sink, run -> { });
  }

  /**
   * Reads every row of {@code paths} into {@code sink}, in order, and tells {@code runEnds} the export run after the
   * last row of each run (the files of one manifest, or one file) was given to the sink.
   */
  public void read(List<Path> paths, Consumer<RawBillingRow> sink, Consumer<String> runEnds) {
    List<ExportFile> files = ExportSources.resolve(paths);
    rows = 0;
    bytesBefore = 0;
    totalBytes = 0;
    for (ExportFile file : files) {
      totalBytes += size(file.path());
    }
    boolean runComplete = true;
    for (int i = 0; i < files.size(); i++) {
      ExportFile file = files.get(i);
      runComplete &= readFile(file, sink);
      boolean lastOfRun = i + 1 == files.size() || !files.get(i + 1).exportRun().equals(file.exportRun());
      if (lastOfRun) {
        if (runComplete) {
          runEnds.accept(file.exportRun());
        }
        runComplete = true;
      }
    }
  }

  /** @return false when the file could not be read to its end (its run is then not ended: nothing is retracted) */
  private boolean readFile(ExportFile file, Consumer<RawBillingRow> sink) {
    Path path = file.path();
    try (CountingInputStream counted = new CountingInputStream(Files.newInputStream(path))) {
      String failure = parse(counted, path.getFileName().toString(), path.toString(), file.exportRun(), sink, () -> {
        rows++;
        if (rows % PROGRESS_EVERY == 0) {
          progress.update(rows, bytesBefore + counted.count(), totalBytes);
        }
      });
      if (failure != null) {
        sink.accept(unreadable(path.toString(), lastLine, file.exportRun(), ReadErrors.of("corrupt-file",
            "the file cannot be read past line " + lastLine + " (byte " + counted.count() + " of " + size(path)
                + " read): " + failure + "; its rows so far were sent, its export run is not ended"), ""));
      }
      bytesBefore += size(path);
      progress.update(rows, bytesBefore, totalBytes);
      return failure == null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read export file " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Streams the rows of one export file's content (CSV, or gzip CSV by magic bytes or a {@code .gz} name), for
   * sources that are not local files (blobs announced on Event Hubs).
   *
   * @param name the file or blob name (for the {@code .gz} rule)
   * @param file what {@link RawBillingRow#file()} says: a path or a URL
   * @return the number of rows read
   * @throws IOException naming the line at which reading failed (a corrupt gzip stream); the rows before it were
   *     already given to the sink. Bad rows are not exceptions: they are emitted with {@link RawBillingRow#error()}.
   */
  public static long readStream(InputStream in, String name, String file, String exportRun,
      Consumer<RawBillingRow> sink) throws IOException {
    long[] count = {0};
    ExportReader reader = new ExportReader();
    String failure = reader.parse(in, name, file, exportRun, sink, () -> count[0]++);
    if (failure != null) {
      throw new IOException("at line " + reader.lastLine + ": " + failure);
    }
    return count[0];
  }

  /**
   * Emits every row of one file; a row that cannot be read (invalid UTF-8, malformed quoting, too long, a value count
   * that differs from the header's) is emitted with its error, and reading goes on with the next row.
   *
   * @return null when the file was read to its end, else why the stream could not be read further
   */
  private String parse(InputStream in, String name, String file, String exportRun, Consumer<RawBillingRow> sink,
      Runnable afterRow) {
    lastLine = 0;
    try {
      PhysicalLines lines = new PhysicalLines(decompressed(name, in), MAX_LINE_BYTES);
      CsvRecords records = new CsvRecords(lines);
      List<String> header = null;
      for (CsvRecords.Csv record = records.next(); record != null; record = records.next()) {
        lastLine = Math.max(lastLine, lines.lineNumber());
        if (header == null && record.ok()) {
          header = record.fields();
          records.expectFields(header.size());
          continue;
        }
        if (!record.ok()) {
          sink.accept(unreadable(file, record.line(), exportRun, ReadErrors.of(record.reason(), record.problem()),
              record.raw() == null ? "" : new String(record.raw(), StandardCharsets.UTF_8)));
          afterRow.run();
          continue;
        }
        List<String> values = record.fields();
        if (values.size() == 1 && values.get(0).isEmpty() && header.size() != 1) {
          continue;
        }
        long chars = values.stream().mapToLong(String::length).sum();
        if (chars > MAX_LINE_BYTES) {
          sink.accept(unreadable(file, record.line(), exportRun, ReadErrors.of("line-too-long", "lines "
              + record.line() + "-" + record.lastLine() + " hold a row of " + chars + " characters, more than the "
              + MAX_LINE_BYTES + " a row may have"), ""));
          afterRow.run();
          continue;
        }
        sink.accept(row(file, record.line(), exportRun, header, values));
        afterRow.run();
      }
      return null;
    } catch (IOException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  private static RawBillingRow unreadable(String file, long line, String exportRun, String error, String raw) {
    return new RawBillingRow(RawBillingRow.SCHEMA_VERSION, file, line, exportRun,
        raw.isEmpty() ? Map.of() : Map.of(ReadErrors.RAW_COLUMN, raw), error);
  }

  private static RawBillingRow row(String file, long line, String exportRun, List<String> header,
      List<String> record) {
    Map<String, String> columns = new LinkedHashMap<>();
    int shared = Math.min(header.size(), record.size());
    for (int i = 0; i < shared; i++) {
      columns.put(header.get(i), record.get(i));
    }
    String error = record.size() == header.size() ? null
        : "line " + line + " has " + record.size() + " values, header has " + header.size();
    return new RawBillingRow(RawBillingRow.SCHEMA_VERSION, file, line, exportRun, columns, error);
  }

  /** Gzip by magic bytes ({@code 1f 8b}) or by a {@code .gz} name; a {@code .gz} that is not gzip fails loudly. */
  private static InputStream decompressed(String name, InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(2);
    int first = buffered.read();
    int second = buffered.read();
    buffered.reset();
    boolean magic = first == 0x1f && second == 0x8b;
    boolean named = name.toLowerCase(Locale.ROOT).endsWith(".gz");
    return magic || named ? new GZIPInputStream(buffered, 1 << 16) : buffered;
  }

  private static long size(Path path) {
    try {
      return Files.size(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read export file " + path, e);
    }
  }

  /** Counts the bytes taken from the file, before decompression. */
  private static final class CountingInputStream extends FilterInputStream {
    private long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    long count() {
      return count;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count += skipped;
      return skipped;
    }
  }
}
