package io.costwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.costwatch.testing.Binaries;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  /**
   * The example receivers use integrations newer than Debian bookworm's amtool (0.25): an older amtool checks the
   * rest of the file, and these blocks are checked for their required URL only, with a note in the output.
   */
  @Test
  void alertmanagerConfigIsValid() throws Exception {
    Path amtool = tool("amtool");
    Path config = checkableAlertmanagerConfig(amtool);
    try {
      assertSucceeds(amtool, "check-config", config.toAbsolutePath().toString());
    } finally {
      deleteIfCopy(config);
    }
  }

  /** Costwatch labels alerts with their owners' team; the example routes send each team to its receiver. */
  @ParameterizedTest
  @CsvSource({
      "team=vision severity=low, team-vision-slack",
      "team=nlp severity=medium, team-nlp-teams",
      "team=research severity=high, team-research-teams-connector",
      "team=platform severity=critical, team-platform-pagerduty",
      "team=platform severity=low, operators",
      "severity=critical, operators",
      "alertname=CostwatchDown, operators"})
  void alertmanagerRoutesByTeam(String labels, String receiver) throws Exception {
    Path amtool = tool("amtool");
    Path config = checkableAlertmanagerConfig(amtool);
    try {
      List<String> args = new ArrayList<>(List.of("config", "routes", "test",
          "--config.file=" + config.toAbsolutePath()));
      args.addAll(List.of(labels.split(" ")));
      String out = assertSucceeds(amtool, args.toArray(String[]::new));
      assertEquals(receiver, out.lines().filter(l -> !l.startsWith("Warning:")).findFirst().orElse("").strip(), out);
    } finally {
      deleteIfCopy(config);
    }
  }

  /**
   * docker/alertmanager.yml itself when this amtool knows every integration it uses, else a temporary copy without
   * the newer ones (each checked here for its URL first, and named in the output).
   */
  private static Path checkableAlertmanagerConfig(Path amtool) throws Exception {
    Matcher v = Pattern.compile("version (\\d+)\\.(\\d+)").matcher(assertSucceeds(amtool, "--version"));
    assertTrue(v.find(), "amtool --version names no version");
    int version = Integer.parseInt(v.group(1)) * 1000 + Integer.parseInt(v.group(2));
    Map<String, Integer> unknown = new TreeMap<>(NEWER_INTEGRATIONS);
    unknown.values().removeIf(since -> since <= version);
    Path original = DOCKER.resolve("alertmanager.yml");
    if (unknown.isEmpty()) {
      return original;
    }
    YAMLMapper yaml = new YAMLMapper();
    JsonNode config = yaml.readTree(original.toFile());
    for (JsonNode receiver : config.path("receivers")) {
      for (String integration : unknown.keySet()) {
        for (JsonNode entry : receiver.path(integration)) {
          assertTrue(entry.path("webhook_url").asText().startsWith("https://")
              || entry.hasNonNull("webhook_url_file"), receiver.path("name") + " " + integration + " has no URL");
        }
        ((ObjectNode) receiver).remove(integration);
      }
    }
    Path copy = Files.createTempFile("alertmanager-", ".yml");
    yaml.writeValue(copy.toFile(), config);
    System.out.println("amtool " + v.group(1) + "." + v.group(2) + " predates " + unknown.keySet()
        + ": those receivers were checked for their URL only, the rest of alertmanager.yml by amtool");
    return copy;
  }

  private static void deleteIfCopy(Path config) throws IOException {
    if (!config.startsWith(DOCKER)) {
      Files.deleteIfExists(config);
    }
  }

  /** Receiver integrations and the Alertmanager version (major * 1000 + minor) that added them. */
  private static final Map<String, Integer> NEWER_INTEGRATIONS = Map.of("msteams_configs", 26,
      "msteamsv2_configs", 28);

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
