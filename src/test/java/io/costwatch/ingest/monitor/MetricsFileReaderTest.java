package io.costwatch.ingest.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.SourceRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsFileReaderTest {

  @TempDir
  Path dir;

  private final MetricsFileReader reader = new MetricsFileReader();

  @Test
  void realNdjsonFileGivesOneBodyPerLine() throws IOException {
    Path file = copy("otel_contrib_metrics-ndjson.json");

    List<Map.Entry<SourceRef, String>> bodies = read(file);

    assertEquals(2, bodies.size());
    assertEquals(SourceRef.line(file.toString(), 1), bodies.get(0).getKey());
    assertEquals(SourceRef.line(file.toString(), 2), bodies.get(1).getKey());
    assertTrue(bodies.get(0).getValue().contains("\"metricName\":\"CpuTime\""));
    assertTrue(bodies.get(1).getValue().contains("\"metricName\":\"CpuTime5m\""));
  }

  @Test
  void realPrettyPrintedDocumentIsOneBody() throws IOException {
    Path file = copy("otel_contrib_metrics-records.json");

    List<Map.Entry<SourceRef, String>> bodies = read(file);

    assertEquals(1, bodies.size());
    assertEquals(SourceRef.line(file.toString(), 1), bodies.get(0).getKey());
    assertEquals(4, new MetricPayloadParser().parse(bodies.get(0).getValue(), bodies.get(0).getKey()).size());
  }

  @Test
  void blankLinesAreSkippedAndLineNumbersKept() throws IOException {
    Path file = Files.writeString(dir.resolve("m.jsonl"), "\n{\"records\":[]}\r\n\n   \n{\"records\":[1]}\n\n");

    List<Map.Entry<SourceRef, String>> bodies = read(file);

    assertEquals(List.of(Map.entry(SourceRef.line(file.toString(), 2), "{\"records\":[]}"),
        Map.entry(SourceRef.line(file.toString(), 5), "{\"records\":[1]}")), bodies);
  }

  @Test
  void brokenNdjsonLineStaysItsOwnBody() throws IOException {
    Path file = Files.writeString(dir.resolve("m.jsonl"), "{\"records\":[\n{\"records\":[]}\n");

    List<Map.Entry<SourceRef, String>> bodies = read(file);

    assertEquals(List.of(Map.entry(SourceRef.line(file.toString(), 1), "{\"records\":["),
        Map.entry(SourceRef.line(file.toString(), 2), "{\"records\":[]}")), bodies);
  }

  @Test
  void emptyFileGivesNothing() throws IOException {
    Path file = Files.writeString(dir.resolve("empty.jsonl"), "\n\n");

    assertEquals(List.of(), read(file));
  }

  @Test
  void missingFileFailsNamingIt() {
    Path missing = dir.resolve("nope.jsonl");

    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> reader.read(missing, (s, b) -> { }));

    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  private List<Map.Entry<SourceRef, String>> read(Path file) {
    List<Map.Entry<SourceRef, String>> out = new ArrayList<>();
    reader.read(file, (source, body) -> out.add(Map.entry(source, body)));
    return out;
  }

  private Path copy(String name) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/monitor/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource /monitor/" + name);
      }
      return Files.writeString(dir.resolve(name), new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
