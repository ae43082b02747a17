package io.costwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.testing.Binaries;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Validates the Prometheus and Alertmanager configuration with their own tools. Skipped, with the reason in the
 * report, where promtool/amtool are not installed (Debian: apt-get install prometheus prometheus-alertmanager).
 */
class PromtoolCheckTest {

  private static final Path DOCKER = Path.of("docker");

  @Test
  void rulesAreValid() throws Exception {
    assertSucceeds(tool("promtool"), "check", "rules", "rules/costwatch-rules.yml");
  }

  @Test
  void rulesPassTheirUnitTests() throws Exception {
    assertSucceeds(tool("promtool"), "test", "rules", "rules/tests/costwatch-rules.test.yml");
  }

  @Test
  void prometheusConfigIsValid() throws Exception {
    String out = assertSucceeds(tool("promtool"), "check", "config", "prometheus.yml");
    assertTrue(out.contains("1 rule files found"), out);
  }

  @Test
  void alertmanagerConfigIsValid() throws Exception {
    assertSucceeds(tool("amtool"), "check-config", "alertmanager.yml");
  }

  private static Path tool(String name) {
    Optional<Path> found = onPath(name);
    return Binaries.require(found, name + " is not on PATH: install it (apt-get install "
        + "prometheus prometheus-alertmanager) to validate docker/ configuration");
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (!dir.isBlank() && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static String assertSucceeds(Path tool, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(tool.toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(DOCKER.toFile()).redirectErrorStream(true).start();
    boolean finished = process.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly();
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(finished, String.join(" ", command) + " timed out");
    assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + output);
    return output;
  }
}
