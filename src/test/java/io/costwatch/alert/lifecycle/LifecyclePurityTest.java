package io.costwatch.alert.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The lifecycle is domain logic: it must stay testable without Kafka, like {@code detect} and {@code recommend}. */
class LifecyclePurityTest {

  @Test
  void lifecycleSourcesImportNothingFromKafkaNorReadTheClock() throws IOException {
    Path dir = Path.of("src/main/java/io/costwatch/alert/lifecycle");
    List<Path> sources;
    try (Stream<Path> files = Files.list(dir)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }

    List<String> offenders = sources.stream().filter(p -> {
      try {
        String text = Files.readString(p);
        return text.contains("org.apache.kafka") || text.contains("Instant.now()") || text.contains("Clock");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }).map(p -> p.getFileName().toString()).toList();

    assertTrue(sources.size() >= 8, "found the sources: " + sources);
    assertEquals(List.of(), offenders);
  }
}
