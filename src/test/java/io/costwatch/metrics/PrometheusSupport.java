package io.costwatch.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Prometheus on a free loopback port (config and TSDB in a temporary directory), its HTTP API, and the
 * helpers that turn dashboard and rule expressions into queries: Grafana variable substitution, the vector
 * selectors of an expression, and an expression without its threshold comparisons.
 */
final class PrometheusSupport implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final URI base;
  private final Path log;
  private final List<String> command;

  private PrometheusSupport(Process process, URI base, Path log, List<String> command) {
    this.process = process;
    this.base = base;
    this.log = log;
    this.command = command;
  }

  /** {@code $PROMETHEUS_BIN}, else {@code prometheus} on the PATH. */
  static Optional<Path> binary() {
    return io.costwatch.testing.Binaries.find("PROMETHEUS_BIN", List.of("prometheus"));
  }

  static int freePort() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts Prometheus scraping {@code target} every second as job {@code job}, evaluating {@code rules}. */
  static PrometheusSupport start(Path binary, Path dir, String job, String target, Path rules) throws IOException {
    int port = freePort();
    Path config = Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files:
          - "%s"
        scrape_configs:
          - job_name: %s
            metrics_path: /metrics
            static_configs:
              - targets: ["%s"]
        """.formatted(rules.toAbsolutePath(), job, target));
    Path log = dir.resolve("prometheus.log");
    List<String> command = List.of(binary.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PrometheusSupport prometheus = new PrometheusSupport(process, URI.create("http://127.0.0.1:" + port), log,
        command);
    boolean ready = poll(Duration.ofSeconds(60), () -> {
      if (!process.isAlive()) {
        return Optional.of(false);
      }
      return get(prometheus.base.resolve("/-/ready")).filter(r -> r.statusCode() == 200).map(r -> true);
    }).orElse(false);
    if (!ready) {
      String output = prometheus.log();
      prometheus.close();
      throw new IllegalStateException("Prometheus did not become ready: " + command + "\n" + output);
    }
    return prometheus;
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  List<String> command() {
    return command;
  }

  /** {@code GET /api/v1/<path>} as JSON (whatever the status code), or empty when Prometheus did not answer. */
  Optional<JsonNode> api(String path) {
    return get(base.resolve("/api/v1/" + path)).map(r -> parse(r.body()));
  }

  /** {@code POST /api/v1/query}: the whole JSON answer, {@code status} "success" or "error". */
  JsonNode query(String promql) {
    HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/query"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
        .build();
    try {
      return parse(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    } catch (IOException e) {
      throw new UncheckedIOException("query " + promql, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Values of {@code label} on the series matching {@code selector}: what Grafana's label_values() shows. */
  List<String> labelValues(String label, String selector) {
    String path = "label/" + label + "/values?match[]=" + URLEncoder.encode(selector, StandardCharsets.UTF_8);
    List<String> values = new ArrayList<>();
    api(path).ifPresent(json -> json.path("data").forEach(v -> values.add(v.asText())));
    return values;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static Optional<HttpResponse<String>> get(URI uri) {
    try {
      return Optional.of(HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + body, e);
    }
  }

  /** Polls until the probe yields a value or the deadline passes; the pause only spaces out the polls. */
  static <T> Optional<T> poll(Duration within, Supplier<Optional<T>> probe) {
    Instant deadline = Instant.now().plus(within);
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent() || Instant.now().isAfter(deadline) || Thread.currentThread().isInterrupted()) {
        return value;
      }
      LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
    }
  }

  // ---- expressions ----

  private static final Pattern REGEX_MATCH = Pattern.compile("(=~|!~)\"\\$\\{?(\\w+)(?::\\w+)?\\}?\"");
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?\\}|\\[\\[(\\w+)\\]\\]|\\$(\\w+)");
  private static final Pattern COMPARISON = Pattern.compile(
      "\\s*(==|!=|>=|<=|>|<)\\s*(bool\\s+)?-?(\\d+(\\.\\d*)?([eE][+-]?\\d+)?|Inf|NaN)\\b");

  /**
   * What Grafana sends for {@code expr}: {@code =~"$var"} and {@code !~"$var"} become the regex Grafana builds for a
   * multi-value variable, {@code (escaped value)}; every other {@code $var}, {@code ${var}} or {@code [[var]]}
   * becomes the value. Fails on a variable it does not know.
   */
  static String substitute(String expr, Map<String, String> values) {
    Matcher regex = REGEX_MATCH.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (regex.find()) {
      String value = value(values, regex.group(2), expr);
      // Grafana escapes regex metacharacters with a backslash; inside a PromQL string a backslash is doubled.
      String escaped = "(" + value.replaceAll("([\\\\.+*?()|\\[\\]{}^$])", "\\\\\\\\$1") + ")";
      regex.appendReplacement(out, Matcher.quoteReplacement(regex.group(1) + "\"" + escaped + "\""));
    }
    regex.appendTail(out);
    Matcher variable = VARIABLE.matcher(out.toString());
    StringBuilder result = new StringBuilder();
    while (variable.find()) {
      String name = variable.group(1) != null ? variable.group(1)
          : variable.group(2) != null ? variable.group(2) : variable.group(3);
      variable.appendReplacement(result, Matcher.quoteReplacement(value(values, name, expr)));
    }
    variable.appendTail(result);
    return result.toString();
  }

  private static String value(Map<String, String> values, String name, String expr) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no value for Grafana variable $" + name + " in " + expr);
    }
    return value;
  }

  /** Every vector selector of {@code expr} with its label matchers, e.g. {@code up{job="costwatch"}}. */
  static Set<String> selectors(String expr) {
    Set<String> selectors = new LinkedHashSet<>();
    for (String metric : DashboardLintTest.metricNames(expr)) {
      Matcher m = Pattern.compile("(?<![\\w:\"])" + Pattern.quote(metric) + "(?![\\w:(])\\s*(\\{[^}]*\\})?")
          .matcher(expr);
      while (m.find()) {
        selectors.add(metric + (m.group(1) == null ? "" : m.group(1)));
      }
    }
    return selectors;
  }

  /** {@code expr} without its comparisons against a number: an alert condition's value, whether or not it fires. */
  static String withoutThresholds(String expr) {
    return COMPARISON.matcher(expr).replaceAll("");
  }
}
