package io.costwatch.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dashboard conventions of STYLE.md, checked on every JSON file under {@code grafana/dashboards}, and every
 * metric a query names checked against what the service really exposes (a scrape of an exercised registry).
 */
class DashboardLintTest {

  static final Path DASHBOARDS = Path.of("grafana", "dashboards");
  static final String JOB = "costwatch";

  /**
   * Series the dashboards use that an exercised registry cannot show without a running Kafka Streams app or a GC:
   * <ul>
   *   <li>{@code kafka_stream_*}: bound by {@code KafkaStreamsMetrics} from the Streams metric groups
   *   stream-metrics (alive-stream-threads), stream-thread-metrics (process-rate, commit-latency-avg/max) and
   *   stream-state-metrics (RocksDB estimate-num-keys, total-sst-files-size; these exist once tasks own stores).
   *   Names follow KafkaMetrics: "kafka." + group without "-metrics" + "." + name, dashes to underscores.</li>
   *   <li>{@code jvm_gc_pause_seconds_*}: JvmGcMetrics registers the pause timer on the first GC notification.</li>
   * </ul>
   */
  static final Set<String> NOT_IN_A_TEST_SCRAPE = Set.of(
      "kafka_stream_alive_stream_threads",
      "kafka_stream_thread_process_rate",
      "kafka_stream_thread_commit_latency_avg",
      "kafka_stream_thread_commit_latency_max",
      "kafka_stream_state_estimate_num_keys",
      "kafka_stream_state_total_sst_files_size",
      "jvm_gc_pause_seconds_sum",
      "jvm_gc_pause_seconds_count",
      "jvm_gc_pause_seconds_max");

  private static final Set<String> PANEL_TYPES = Set.of("timeseries", "stat", "table");
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right", "and", "or", "unless", "bool", "offset", "le", "inf", "nan");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
  private static final Pattern COUNTER_SAMPLE = Pattern.compile("_(total|bucket|count|sum)$");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Set<String> exposed;
  /** Series the exercised registry labels with {@code currency}: the money series. */
  private static Set<String> moneySeries;
  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)\\}");

  @BeforeAll
  static void scrapeAnExercisedRegistry() {
    try (MicrometerPipelineMetrics metrics = MetricsFixtures.exercised()) {
      exposed = new TreeSet<>(MetricsFixtures.sampleNames(metrics.scrape()));
      moneySeries = metrics.scrape().lines().filter(l -> !l.startsWith("#") && l.contains("currency=\""))
          .map(l -> l.substring(0, l.indexOf('{'))).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }
    exposed.addAll(NOT_IN_A_TEST_SCRAPE);
  }

  static Stream<Path> dashboards() throws IOException {
    try (Stream<Path> files = Files.list(DASHBOARDS)) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  @Test
  void theThreeDashboardsExist() throws IOException {
    Set<String> names = dashboards().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    assertEquals(Set.of("costwatch-overview.json", "costwatch-workspace.json", "costwatch-pipeline.json"), names);
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void hasAStableUidAndNoDatabaseId(Path file) throws IOException {
    JsonNode dashboard = read(file);
    String fileName = file.getFileName().toString();
    assertEquals(fileName.substring(0, fileName.length() - ".json".length()), dashboard.path("uid").asText());
    assertTrue(dashboard.path("uid").asText().matches("[a-z0-9-]{1,40}"), "uid must be short kebab-case");
    assertTrue(dashboard.has("id") && dashboard.get("id").isNull(), "id must be null");
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void selectsItsDatasourceAndChainsJobInstanceWorkspace(Path file) throws IOException {
    List<JsonNode> variables = new ArrayList<>();
    read(file).path("templating").path("list").forEach(variables::add);
    List<String> names = variables.stream().map(v -> v.path("name").asText()).toList();

    assertEquals("datasource", variables.get(0).path("type").asText());
    assertEquals("prometheus", variables.get(0).path("query").asText());
    assertEquals(List.of("datasource", "job", "instance"), names.subList(0, 3), file + " variables");
    assertEquals(JOB, variables.get(1).path("current").path("value").asText(), "default job");
    assertTrue(query(variables.get(2)).contains("job=\"$job\""), "instance must depend on job");
    if (names.contains("workspace")) {
      String workspace = query(variables.get(names.indexOf("workspace")));
      assertTrue(workspace.contains("$job") && workspace.contains("$instance"), "workspace must depend on both");
    }
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void neverHardCodesADatasourceUid(Path file) throws IOException {
    List<String> problems = new ArrayList<>();
    walkDatasources(read(file), "$", problems);
    assertTrue(problems.isEmpty(), file + ": " + problems);
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyPanelHasAnAllowedTypeAUnitADescriptionAndQueries(Path file) throws IOException {
    List<String> problems = new ArrayList<>();
    for (JsonNode panel : panels(read(file))) {
      String title = panel.path("title").asText();
      if (!PANEL_TYPES.contains(panel.path("type").asText())) {
        problems.add(title + ": panel type " + panel.path("type").asText());
      }
      if (panel.path("description").asText().isBlank()) {
        problems.add(title + ": no description");
      }
      if (panel.path("fieldConfig").path("defaults").path("unit").asText().isBlank()) {
        problems.add(title + ": no unit");
      }
      if (panel.path("targets").isEmpty()) {
        problems.add(title + ": no queries");
      }
    }
    assertTrue(problems.isEmpty(), file + ": " + problems);
  }

  /**
   * Money series (those the service labels with {@code currency}) are shown one currency at a time: every selector
   * of one filters {@code currency="$currency"}, the dashboard has a single-valued {@code currency} variable, and no
   * panel hard-codes a currency unit such as {@code currencyUSD}.
   */
  @ParameterizedTest
  @MethodSource("dashboards")
  void moneyPanelsShowOneCurrencyAtATimeAndNeverHardCodeIt(Path file) throws IOException {
    assertTrue(moneySeries.containsAll(Set.of("costwatch_waste_rate_dollars_per_hour",
        "costwatch_savings_potential_dollars_per_month", "costwatch_burn_rate_dollars_per_hour")), moneySeries::toString);
    JsonNode dashboard = read(file);
    List<String> problems = new ArrayList<>();
    boolean usesMoney = false;
    for (JsonNode panel : panels(dashboard)) {
      String unit = panel.path("fieldConfig").path("defaults").path("unit").asText();
      String overrides = panel.path("fieldConfig").path("overrides").toString();
      if (unit.startsWith("currency") || overrides.contains("\"currency")) {
        problems.add(panel.path("title").asText() + ": hard-coded currency unit");
      }
      for (JsonNode target : panel.path("targets")) {
        Matcher m = SELECTOR.matcher(target.path("expr").asText());
        while (m.find()) {
          if (moneySeries.contains(m.group(1))) {
            usesMoney = true;
            if (!m.group(2).contains("currency=\"$currency\"")) {
              problems.add(panel.path("title").asText() + ": " + m.group() + " not filtered by currency=\"$currency\"");
            }
          }
        }
      }
    }
    if (usesMoney) {
      List<JsonNode> currency = new ArrayList<>();
      dashboard.path("templating").path("list").forEach(v -> {
        if ("currency".equals(v.path("name").asText())) {
          currency.add(v);
        }
      });
      if (currency.size() != 1 || currency.get(0).path("multi").asBoolean() || !query(currency.get(0))
          .matches("label_values\\(costwatch_\\w+_dollars\\w*\\{.*\\}, currency\\)")) {
        problems.add("no single-valued currency variable from label_values(<money series>, currency): " + currency);
      }
    }
    assertTrue(problems.isEmpty(), file + ": " + problems);
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void countersOnlyThroughRateOrIncreaseOverTheRateInterval(Path file) throws IOException {
    List<String> problems = new ArrayList<>();
    for (String expr : expressions(read(file))) {
      Matcher range = Pattern.compile("\\[([^\\]]*)\\]").matcher(expr);
      while (range.find()) {
        if (!range.group(1).equals("$__rate_interval")) {
          problems.add("range [" + range.group(1) + "] in " + expr);
        }
      }
      for (String metric : metricNames(expr)) {
        if (!COUNTER_SAMPLE.matcher(metric).find()) {
          continue;
        }
        Pattern wrapped = Pattern.compile("(rate|increase)\\(\\s*" + metric
            + "\\s*(\\{[^}]*\\})?\\s*\\[\\$__rate_interval\\]\\s*\\)");
        long uses = Pattern.compile("\\b" + metric + "\\b").matcher(expr).results().count();
        long inRate = wrapped.matcher(expr).results().count();
        if (uses != inRate) {
          problems.add(metric + " outside rate()/increase() in " + expr);
        }
      }
    }
    assertTrue(problems.isEmpty(), file + ": " + problems);
  }

  @ParameterizedTest
  @MethodSource("dashboards")
  void everyQueriedMetricIsOneTheServiceExposes(Path file) throws IOException {
    JsonNode dashboard = read(file);
    List<String> queries = new ArrayList<>(expressions(dashboard));
    dashboard.path("templating").path("list").forEach(v -> {
      if ("query".equals(v.path("type").asText())) {
        queries.add(query(v).replaceFirst("^label_values\\((.*),\\s*\\w+\\)$", "$1"));
      }
    });
    Set<String> unknown = new TreeSet<>();
    queries.forEach(q -> metricNames(q).stream().filter(m -> !exposed.contains(m)).forEach(unknown::add));
    assertTrue(unknown.isEmpty(), file + " queries unknown series " + unknown);
  }

  @Test
  void theMetricNameExtractorSeesMetricsNotFunctionsOrLabels() {
    Set<String> names = metricNames("histogram_quantile(0.95, sum by (le, topic) (rate(a_b_bucket{job=\"$job\", "
        + "x=~\"y_z\"}[$__rate_interval]))) / on (instance) group_left c_d unless topk(10, e)");
    assertEquals(Set.of("a_b_bucket", "c_d", "e"), names);
    assertFalse(metricNames("sum(x{le=\"0.5\"})").contains("le"));
  }

  static Set<String> metricNames(String expr) {
    String stripped = expr
        .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
        .replaceAll("\\{[^}]*\\}", " ")
        .replaceAll("\\[[^\\]]*\\]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(stripped);
    while (m.find()) {
      String token = m.group(1);
      if (m.group(2) == null && !KEYWORDS.contains(token.toLowerCase(java.util.Locale.ROOT))) {
        names.add(token);
      }
    }
    return names;
  }

  static JsonNode read(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    dashboard.path("panels").forEach(p -> {
      all.add(p);
      p.path("panels").forEach(all::add);
    });
    return all;
  }

  static List<String> expressions(JsonNode dashboard) {
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : panels(dashboard)) {
      panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
    }
    return exprs;
  }

  private static String query(JsonNode variable) {
    JsonNode query = variable.path("query");
    return query.isObject() ? query.path("query").asText() : query.asText();
  }

  private static void walkDatasources(JsonNode node, String path, List<String> problems) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        JsonNode value = field.getValue();
        if (field.getKey().equals("datasource")) {
          String uid = value.isObject() ? value.path("uid").asText() : value.asText();
          if (!uid.equals("${datasource}")) {
            problems.add(path + ".datasource = " + value);
          }
        }
        walkDatasources(value, path + "." + field.getKey(), problems);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walkDatasources(node.get(i), path + "[" + i + "]", problems);
      }
    }
  }
}
