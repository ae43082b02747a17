package io.costwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.costwatch.cli.Costwatch;
import io.costwatch.testing.Binaries;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every dashboard panel query and every rule expression, run by a real Prometheus against a real scrape of the
 * Costwatch demo (the real topology on the embedded broker, in-process): each must be valid PromQL on the server
 * and return at least one series, every rule must load, every template variable must resolve. Skipped, with the
 * reason in the report, where no {@code prometheus} binary is installed (Debian: apt-get install prometheus).
 */
class PrometheusQueriesIT {

  static final Path DASHBOARDS = DashboardLintTest.DASHBOARDS;
  static final Path RULES = Path.of("docker", "rules", "costwatch-rules.yml");
  static final String JOB = DashboardLintTest.JOB;
  static final String WORKSPACE = "ws-vision";
  static final Duration LINGER = Duration.ofMinutes(3);
  /** Origin suffix of an alert condition as written: checked for validity only (it returns series when it fires). */
  static final String AS_WRITTEN = " (alert condition, validity only)";

  /**
   * Queries (after variable substitution, exactly as listed by {@link #queries()}) allowed to return no series in a
   * short demo, each with the reason. Everything else must return at least one series.
   */
  static final Map<String, String> MAY_BE_EMPTY = Map.of();

  /** What Grafana substitutes; instance and workspace are filled in from the live scrape. */
  static final Map<String, String> VARIABLES = new LinkedHashMap<>(Map.of(
      "__rate_interval", "1m", "__interval", "15s", "__range", "5m", "job", JOB, "currency", "USD"));

  @TempDir
  static Path tmp;

  static Thread demo;
  static final AtomicInteger demoExit = new AtomicInteger(Integer.MIN_VALUE);
  static final AtomicReference<Throwable> demoFailure = new AtomicReference<>();
  static Instant demoStarted;
  static PrometheusSupport prometheus;
  static String instance;

  @BeforeAll
  static void demoScrapedByPrometheus() throws IOException {
    Optional<Path> binary = PrometheusSupport.binary();
    Binaries.require(binary.isPresent(), "prometheus is not on PATH and PROMETHEUS_BIN is not set: install it "
        + "(apt-get install prometheus) to run the dashboard and rule queries against a real server");

    int port = PrometheusSupport.freePort();
    demoStarted = Instant.now();
    demo = new Thread(() -> {
      try {
        demoExit.set(Costwatch.execute("demo", "--http-port", String.valueOf(port), "--linger", LINGER.toString()));
      } catch (Throwable t) {
        demoFailure.set(t);
      }
    }, "costwatch-demo");
    demo.setDaemon(true);
    demo.start();

    URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
    boolean exposed = PrometheusSupport.poll(Duration.ofMinutes(3), () -> {
      if (!demo.isAlive()) {
        return Optional.of(false);
      }
      return PrometheusSupport.get(metrics).map(r -> r.body())
          .filter(b -> b.contains("costwatch_alerts_published_total")
              && b.contains("costwatch_burn_rate_dollars_per_hour"))
          .map(b -> true);
    }).orElse(false);
    assertTrue(exposed, "the demo did not expose alerts and burn rates on " + metrics + " within 3 minutes "
        + "(exit " + demoExit.get() + ", " + demoFailure.get() + ")");

    String target = "127.0.0.1:" + port;
    prometheus = PrometheusSupport.start(binary.get(), Files.createDirectories(tmp.resolve("prometheus")), JOB,
        target, RULES);
    Optional<String> up = PrometheusSupport.poll(Duration.ofSeconds(60), () -> prometheus.api("targets")
        .flatMap(json -> {
          for (JsonNode t : json.path("data").path("activeTargets")) {
            if (JOB.equals(t.path("labels").path("job").asText()) && "up".equals(t.path("health").asText())) {
              return Optional.of(t.path("labels").path("instance").asText());
            }
          }
          return Optional.empty();
        }));
    assertTrue(up.isPresent(), "target " + target + " never up: " + prometheus.api("targets") + "\n"
        + prometheus.log());
    instance = up.get();
    assertEquals(target, instance);
    VARIABLES.put("instance", instance);
    VARIABLES.put("workspace", WORKSPACE);

    String scrapes = "count_over_time(up{job=\"" + JOB + "\"}[1m]) >= 5";
    assertTrue(PrometheusSupport.poll(Duration.ofSeconds(60), () -> Optional.of(prometheus.query(scrapes))
        .filter(r -> !r.path("data").path("result").isEmpty())).isPresent(), "fewer than 5 scrapes in a minute");
  }

  @AfterAll
  static void stopPrometheusAndLetTheDemoFinish() throws InterruptedException {
    if (prometheus != null) {
      prometheus.close();
    }
    if (demo != null) {
      // the demo would serve for LINGER after its scenario; an interrupt ends the linger early, then it shuts down
      demo.interrupt();
      demo.join(Duration.ofMinutes(2).toMillis());
      assertFalse(demo.isAlive(), "the demo did not exit within 2 minutes of being interrupted during --linger");
      assertEquals(0, demoExit.get(), "demo exit code (" + demoFailure.get() + ")");
    }
  }

  @Test
  void everyRuleGroupAndRuleIsLoadedWithoutErrors() throws IOException {
    JsonNode file = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
    Map<String, List<String>> expected = new TreeMap<>();
    file.path("groups").forEach(g -> {
      List<String> names = new ArrayList<>();
      g.path("rules").forEach(r -> names.add(r.has("alert") ? r.path("alert").asText() : r.path("record").asText()));
      expected.put(g.path("name").asText(), names);
    });
    assertFalse(expected.isEmpty(), "no rule groups in " + RULES);

    Map<String, List<String>> loaded = new TreeMap<>();
    List<String> unhealthy = new ArrayList<>();
    prometheus.api("rules").orElseThrow().path("data").path("groups").forEach(g -> {
      List<String> names = new ArrayList<>();
      g.path("rules").forEach(r -> {
        names.add(r.path("name").asText());
        String health = r.path("health").asText();
        if (!Set.of("ok", "unknown").contains(health)) {
          unhealthy.add(r.path("name").asText() + ": " + health + " " + r.path("lastError").asText());
        }
      });
      loaded.put(g.path("name").asText(), names);
    });
    assertEquals(expected, loaded, "rule groups and rules Prometheus loaded from " + RULES);
    assertTrue(unhealthy.isEmpty(), unhealthy::toString);
  }

  @Test
  void everyTemplateVariableResolvesToTheScrapedValues() throws IOException {
    Pattern labelValues = Pattern.compile("^label_values\\((?:(.*),)?\\s*(\\w+)\\s*\\)$");
    List<String> problems = new ArrayList<>();
    for (Path file : DashboardLintTest.dashboards().toList()) {
      for (JsonNode variable : DashboardLintTest.read(file).path("templating").path("list")) {
        if (!"query".equals(variable.path("type").asText())) {
          continue;
        }
        JsonNode q = variable.path("query");
        String query = PrometheusSupport.substitute(q.isObject() ? q.path("query").asText() : q.asText(), VARIABLES);
        Matcher m = labelValues.matcher(query.trim());
        if (!m.matches()) {
          problems.add(file.getFileName() + " $" + variable.path("name").asText() + ": not label_values(): " + query);
          continue;
        }
        String selector = m.group(1) == null ? "{__name__=~\".+\"}" : m.group(1).trim();
        List<String> values = prometheus.labelValues(m.group(2), selector);
        String wanted = VARIABLES.get(variable.path("name").asText());
        if (!values.contains(wanted)) {
          problems.add(file.getFileName() + " $" + variable.path("name").asText() + " = " + values + " lacks "
              + wanted + " (" + query + ")");
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void everyDashboardAndRuleQueryIsValidAndReturnsSeries() throws IOException {
    Map<String, String> queries = queries();
    assertTrue(queries.size() > 20, "too few queries found: " + queries.keySet());
    List<String> invalid = new ArrayList<>();
    queries.forEach((query, origin) -> {
      JsonNode answer = prometheus.query(query);
      if (!"success".equals(answer.path("status").asText())) {
        invalid.add(origin + ": " + query + " -> " + answer.path("errorType").asText() + ": "
            + answer.path("error").asText());
      }
    });
    assertTrue(invalid.isEmpty(), "invalid on Prometheus:\n" + String.join("\n", invalid));

    List<String> unlisted = new ArrayList<>(MAY_BE_EMPTY.keySet());
    unlisted.removeAll(queries.keySet());
    assertTrue(unlisted.isEmpty(), "allow-list entries that are no longer queries: " + unlisted);

    // a scrape can land before the scenario has produced every series: wait for them, then report what is missing.
    // An alert condition as written returns series only while it holds: its value and selectors stand for it.
    Map<String, String> mustReturn = new LinkedHashMap<>(queries);
    mustReturn.values().removeIf(origin -> origin.endsWith(AS_WRITTEN));
    MAY_BE_EMPTY.keySet().forEach(mustReturn::remove);
    List<String> empty = new ArrayList<>();
    PrometheusSupport.poll(Duration.ofSeconds(90), () -> {
      empty.clear();
      mustReturn.forEach((query, origin) -> {
        if (prometheus.query(query).path("data").path("result").isEmpty()) {
          empty.add(origin + ": " + query);
        }
      });
      return empty.isEmpty() ? Optional.of(true) : Optional.empty();
    });
    assertTrue(empty.isEmpty(), "no series for:\n" + String.join("\n", empty));
  }

  /**
   * Query to where it comes from: every panel target of every dashboard with its variables substituted; every rule
   * expression as written; for alert conditions also the condition without its threshold (its value whether or not
   * it fires) and each vector selector on its own. Origins ending in {@link #AS_WRITTEN} need not return series.
   */
  static Map<String, String> queries() throws IOException {
    Map<String, String> queries = new LinkedHashMap<>();
    for (Path file : DashboardLintTest.dashboards().toList()) {
      for (JsonNode panel : DashboardLintTest.panels(DashboardLintTest.read(file))) {
        for (JsonNode target : panel.path("targets")) {
          String expr = target.path("expr").asText();
          assertFalse(expr.isBlank(), file + " panel " + panel.path("title").asText() + " has an empty query");
          String query = PrometheusSupport.substitute(expr, VARIABLES);
          queries.putIfAbsent(query, file.getFileName() + " / " + panel.path("title").asText());
        }
      }
    }
    JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
        String expr = rule.path("expr").asText().trim();
        String origin = RULES.getFileName() + " / " + name;
        if (rule.has("alert")) {
          queries.putIfAbsent(expr, origin + AS_WRITTEN);
          queries.putIfAbsent(PrometheusSupport.withoutThresholds(expr), origin + " without threshold");
        } else {
          queries.putIfAbsent(expr, origin);
        }
        for (String selector : PrometheusSupport.selectors(expr)) {
          queries.putIfAbsent(selector, origin + " selector");
        }
      }
    }
    return queries;
  }

  @Test
  void substitutionSelectorsAndThresholdsDoWhatTheDashboardsNeed() {
    Map<String, String> values = Map.of("job", "costwatch", "instance", "127.0.0.1:9", "__rate_interval", "1m");
    assertEquals("rate(x{job=\"costwatch\", instance=~\"(127\\\\.0\\\\.0\\\\.1:9)\"}[1m])",
        PrometheusSupport.substitute("rate(x{job=\"$job\", instance=~\"${instance}\"}[$__rate_interval])", values));
    assertEquals(Set.of("up{job=\"a\"}", "process_start_time_seconds"),
        PrometheusSupport.selectors("up{job=\"a\"} == 1 and on (instance) (time() - process_start_time_seconds) > 9"));
    assertEquals("max by (i) (x{le=\"0.5\"}) and on (i) up",
        PrometheusSupport.withoutThresholds("max by (i) (x{le=\"0.5\"}) > 1800 and on (i) up == 1"));
  }
}
