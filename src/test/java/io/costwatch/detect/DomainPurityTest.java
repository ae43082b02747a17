package io.costwatch.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The domain stays pure: no Kafka, no clock, no logging in the detectors (with their subpackages), the recommender,
 * the usage aggregates, the core records, the alert lifecycle and the billing parser.
 */
class DomainPurityTest {

  @ParameterizedTest
  @ValueSource(strings = {"detect", "recommend", "usage", "core", "alert/lifecycle", "ingest/billing"})
  void packageImportsNoKafkaAndReadsNoClock(String pkg) throws IOException {
    Path dir = Path.of("src/main/java/io/costwatch", pkg);
    assertTrue(Files.isDirectory(dir), dir + " is missing: run from the module root");
    List<String> offenders;
    try (Stream<Path> files = Files.walk(dir)) {
      offenders = files.filter(f -> f.toString().endsWith(".java")).filter(DomainPurityTest::impure)
          .map(Path::toString).sorted().toList();
    }
    assertEquals(List.of(), offenders);
  }

  private static boolean impure(Path file) {
    try {
      String text = Files.readString(file);
      return text.contains("import org.apache.kafka") || text.contains("Instant.now()")
          || text.contains("System.currentTimeMillis") || text.contains("org.slf4j");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
