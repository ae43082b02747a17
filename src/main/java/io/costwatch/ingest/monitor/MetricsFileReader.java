package io.costwatch.ingest.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.costwatch.core.Json;
import io.costwatch.core.SourceRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import io.costwatch.ingest.read.PhysicalLines;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * Reads a file of Azure Monitor metric event bodies and hands each body, with the line it starts on, to a sink
 * (usually a producer to the raw metrics topic; parsing happens in the topology so that a parser fix can be replayed).
 *
 * <p>Two layouts are accepted: NDJSON (one event body per line, blank lines skipped), as Event Hubs capture tools and
 * {@code az monitor} dumps write them, or one JSON document spread over several lines, as the documentation examples
 * are. The layout is decided by the first non-blank line: if it is a complete JSON value the file is NDJSON; if not,
 * and the whole file is one JSON value, that value is the one body. Anything else is read as NDJSON, so that broken
 * lines become individual dead letters instead of hiding their valid neighbours.
 *
 * <p>Each line is decoded on its own with a strict UTF-8 decoder: a line of invalid UTF-8 (or over 64 MiB) is handed
 * to the caller's {@link Rejects} with its line, and the other lines are read as usual. A leading byte order mark is
 * dropped.
 *
 * <p>Bodies are passed on as text, unparsed; invalid ones are the parser's business. The file is read whole:
 * metrics files are export snapshots of minutes to hours, not unbounded logs.
 */
public final class MetricsFileReader {

  private static final ObjectReader PROBE = Json.MAPPER.reader()
      .with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Where a line that cannot be a body goes: {@code reason} is {@code invalid-utf8} or {@code line-too-long}. */
  @FunctionalInterface
  public interface Rejects {
    void reject(SourceRef source, String reason, String detail, byte[] raw);
  }

  /** A line longer than this is rejected unread (the producer could not send it anyway). */
  public static final int MAX_LINE_BYTES = 64 * 1024 * 1024;

  /** As {@link #read(Path, BiConsumer, Rejects)}, failing on the first unreadable line. */
  public void read(Path file, BiConsumer<SourceRef, String> sink) {
    read(file, sink, (source, reason, detail, raw) -> {
      throw new UncheckedIOException(new IOException(detail));
    });
  }

  /**
   * @param file the metrics file
   * @param sink receives {@code SourceRef.line(file, line)} (1-based line where the body starts) and the body text
   * @param rejects receives each line that is not valid UTF-8 or is too long, with its coordinates; the other lines
   *     are read as usual
   * @throws UncheckedIOException naming the file when it is missing or unreadable
   */
  public void read(Path file, BiConsumer<SourceRef, String> sink, Rejects rejects) {
    String origin = file.toString();
    List<PhysicalLines.Line> lines = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      PhysicalLines reader = new PhysicalLines(in, MAX_LINE_BYTES);
      for (PhysicalLines.Line line = reader.next(); line != null; line = reader.next()) {
        lines.add(line);
      }
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("metrics file not found: " + origin, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read metrics file " + origin + ": " + e.getMessage(), e);
    }
    int first = firstNonBlank(lines);
    if (first < 0) {
      return;
    }
    if (lines.stream().allMatch(PhysicalLines.Line::ok) && !isCompleteJson(lines.get(first).text())) {
      String text = String.join("\n", lines.stream().map(PhysicalLines.Line::text).toList());
      if (isCompleteJson(text)) {
        sink.accept(SourceRef.line(origin, first + 1L), text.strip());
        return;
      }
    }
    for (int i = first; i < lines.size(); i++) {
      PhysicalLines.Line line = lines.get(i);
      if (!line.ok()) {
        rejects.reject(SourceRef.line(origin, line.number()), line.reason(), origin + ": " + line.problem(),
            line.rawPrefix());
      } else if (!line.text().isBlank()) {
        sink.accept(SourceRef.line(origin, line.number()), line.text().strip());
      }
    }
  }

  /** The first line with text; an unreadable line counts as text (the layout is then NDJSON). */
  private static int firstNonBlank(List<PhysicalLines.Line> lines) {
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).ok() || !lines.get(i).text().isBlank()) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isCompleteJson(String text) {
    try {
      PROBE.readTree(text);
      return true;
    } catch (JsonProcessingException e) {
      return false;
    }
  }
}
