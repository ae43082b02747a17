package io.costwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.costwatch.alert.AlertFixtures;
import io.costwatch.alert.delivery.AlertmanagerAlert;
import io.costwatch.alert.delivery.AlertmanagerConfig;
import io.costwatch.alert.lifecycle.LifecycleEvent;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.GpuWasteDetector;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/runbooks.md has a section for every alert Costwatch can raise and every Prometheus rule, and every
 * {@code runbook_url} (pushed to Alertmanager by default, or written in the rules) lands on one of them.
 */
class RunbooksTest {

  private static final Path RUNBOOKS = Path.of("docs", "runbooks.md");
  private static final Path RULES = Path.of("docker", "rules", "costwatch-rules.yml");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{2,4} +(.+?)\\s*$");

  @Test
  void everyAlertTypeAndGpuCauseHasASection() throws IOException {
    Set<String> anchors = anchors(RUNBOOKS);
    List<String> missing = new ArrayList<>();
    for (FindingType type : FindingType.values()) {
      if (!anchors.contains(AlertmanagerAlert.runbookAnchor(type.name()))) {
        missing.add(type.name());
      }
    }
    for (String cause : List.of(GpuWasteDetector.INPUT_BOUND, GpuWasteDetector.OVERSIZED)) {
      if (!anchors.contains(AlertmanagerAlert.runbookAnchor(cause))) {
        missing.add(cause);
      }
    }
    assertEquals(List.of(), missing, "sections of " + RUNBOOKS + ": " + anchors);
  }

  @Test
  void thePushedRunbookUrlLandsOnTheTypesSectionByDefault() throws IOException {
    LifecycleEvent open = AlertFixtures.episodeResolvingAt(AlertFixtures.window(8)).get(0);
    AlertmanagerConfig config = AlertmanagerConfig.of(URI.create("http://alertmanager:9093"),
        AlertmanagerConfig.DEFAULT_RUNBOOK_BASE_URL);

    String url = AlertmanagerAlert.of(open, config, Instant.now()).annotations().get("runbook_url");

    assertEquals("docs/runbooks.md#" + open.alert().type().toLowerCase(Locale.ROOT).replace('_', '-'), url);
    assertResolves(url, "the pushed alert");
  }

  @Test
  void everyPrometheusRuleHasARunbookUrlThatResolves() throws IOException {
    JsonNode file = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
    List<String> rules = new ArrayList<>();
    file.path("groups").forEach(g -> g.path("rules").forEach(r -> {
      if (r.has("alert")) {
        rules.add(r.path("alert").asText());
        String url = r.path("annotations").path("runbook_url").asText("");
        assertFalse(url.isEmpty(), r.path("alert").asText() + " has no runbook_url annotation");
        try {
          assertResolves(url, "rule " + r.path("alert").asText());
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }));
    assertFalse(rules.isEmpty(), "no alerting rules in " + RULES);
  }

  /** {@code path#anchor}, relative to the repository root: the file exists and has a heading with that anchor. */
  private static void assertResolves(String url, String what) throws IOException {
    int hash = url.indexOf('#');
    assertTrue(hash > 0, what + ": " + url + " names no section");
    Path doc = Path.of(url.substring(0, hash));
    assertTrue(Files.isRegularFile(doc), what + ": " + doc + " does not exist");
    Set<String> anchors = anchors(doc);
    assertTrue(anchors.contains(url.substring(hash + 1)), what + ": no section #" + url.substring(hash + 1)
        + " in " + doc + " " + anchors);
  }

  /** The anchors GitHub and most Markdown renderers give the headings: lower case, spaces to '-', punctuation out. */
  static Set<String> anchors(Path doc) throws IOException {
    Set<String> anchors = new TreeSet<>();
    Matcher m = HEADING.matcher(Files.readString(doc));
    while (m.find()) {
      anchors.add(m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
    }
    return anchors;
  }
}
