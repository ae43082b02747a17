package io.costwatch.ingest.billing;

import io.costwatch.ingest.RawBillingRow;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams the rows of Cost Management export files, one row at a time, in bounded memory: exports of a large
 * billing account run to gigabytes. Accepts {@code .csv} and gzip files (by magic bytes or {@code .gz}), directories
 * (every {@code .csv}/{@code .csv.gz} below, in lexicographic path order, each file its own export run) and export
 * manifests ({@code manifest.json}, legacy {@code _manifest.json}).
 *
 * <p>Rows are not interpreted here: a row whose value count differs from its header's is still emitted, with
 * {@link RawBillingRow#error()} set, so it is dead-lettered with its coordinates instead of silently dropped.
 * Line numbers are physical and 1-based (the header is line 1), counting the newlines inside quoted fields, so they
 * point an editor at the row. Missing paths and unreadable files throw {@link UncheckedIOException} naming the path.
 */
public final class ExportReader {

  private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
      .setHeader()
      .setSkipHeaderRecord(true)
      .setIgnoreEmptyLines(false)
      .setAllowMissingColumnNames(true)
      .get();
  private static final int PROGRESS_EVERY = 5_000;

  private final ReadProgress progress;
  private long rows;
  private long bytesBefore;
  private long totalBytes;

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
    for (int i = 0; i < files.size(); i++) {
      ExportFile file = files.get(i);
      readFile(file, sink);
      boolean lastOfRun = i + 1 == files.size() || !files.get(i + 1).exportRun().equals(file.exportRun());
      if (lastOfRun) {
        runEnds.accept(file.exportRun());
      }
    }
  }

  private void readFile(ExportFile file, Consumer<RawBillingRow> sink) {
    Path path = file.path();
    try (CountingInputStream counted = new CountingInputStream(Files.newInputStream(path))) {
      parse(counted, path.getFileName().toString(), path.toString(), file.exportRun(), sink, () -> {
        rows++;
        if (rows % PROGRESS_EVERY == 0) {
          progress.update(rows, bytesBefore + counted.count(), totalBytes);
        }
      });
      bytesBefore += counted.count();
      progress.update(rows, bytesBefore, totalBytes);
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
   * @throws IOException naming the line at which reading failed; the rows before it were already given to the sink
   */
  public static long readStream(InputStream in, String name, String file, String exportRun,
      Consumer<RawBillingRow> sink) throws IOException {
    long[] count = {0};
    parse(in, name, file, exportRun, sink, () -> count[0]++);
    return count[0];
  }

  private static void parse(InputStream in, String name, String file, String exportRun,
      Consumer<RawBillingRow> sink, Runnable afterRow) throws IOException {
    long line = 0;
    try (Reader reader = withoutBom(new InputStreamReader(decompressed(name, in), StandardCharsets.UTF_8));
        CSVParser parser = FORMAT.parse(reader)) {
      List<String> header = parser.getHeaderNames();
      Iterator<CSVRecord> records = parser.iterator();
      while (true) {
        line = parser.getCurrentLineNumber() + 1;
        if (!records.hasNext()) {
          break;
        }
        CSVRecord record = records.next();
        if (record.size() == 1 && record.get(0).isEmpty() && header.size() != 1) {
          continue;
        }
        sink.accept(row(file, line, exportRun, header, record));
        afterRow.run();
      }
    } catch (UncheckedIOException | IllegalArgumentException e) {
      throw new IOException("at line " + line + ": " + e.getMessage(), e);
    }
  }

  private static RawBillingRow row(String file, long line, String exportRun, List<String> header,
      CSVRecord record) {
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

  /** Exports from Cost Management start with a UTF-8 byte order mark, which would otherwise prefix the first name. */
  private static Reader withoutBom(Reader reader) throws IOException {
    PushbackReader pushback = new PushbackReader(reader, 1);
    int first = pushback.read();
    if (first != -1 && first != '\uFEFF') {
      pushback.unread(first);
    }
    return pushback;
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
