package io.costwatch.ingest.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.costwatch.core.Json;
import io.costwatch.core.SourceRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * <p>Bodies are passed on as text, unparsed; invalid ones are the parser's business. The file is read whole:
 * metrics files are export snapshots of minutes to hours, not unbounded logs.
 */
public final class MetricsFileReader {

  private static final ObjectReader PROBE = Json.MAPPER.reader()
      .with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * @param file the metrics file
   * @param sink receives {@code SourceRef.line(file, line)} (1-based line where the body starts) and the body text
   * @throws UncheckedIOException naming the file when it is missing or unreadable
   */
  public void read(Path file, BiConsumer<SourceRef, String> sink) {
    String origin = file.toString();
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      String[] lines = text.split("\r?\n", -1);
      int first = firstNonBlank(lines);
      if (first < 0) {
        return;
      }
      if (!isCompleteJson(lines[first]) && isCompleteJson(text)) {
        sink.accept(SourceRef.line(origin, first + 1L), text.strip());
        return;
      }
      for (int i = first; i < lines.length; i++) {
        if (!lines[i].isBlank()) {
          sink.accept(SourceRef.line(origin, i + 1L), lines[i].strip());
        }
      }
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException("metrics file not found: " + origin, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read metrics file " + origin + ": " + e.getMessage(), e);
    }
  }

  private static int firstNonBlank(String[] lines) {
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
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
