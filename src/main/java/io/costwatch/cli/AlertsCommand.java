package io.costwatch.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.costwatch.alert.AlertEvent;
import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.core.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists the open alerts a running {@code costwatch run} (or {@code demo}) holds, through its {@code /alerts}. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
    description = "List the open alerts of a running `costwatch run` or `costwatch demo --linger`, read from the "
        + "lifecycle store of every instance (GET /alerts), as a table or as JSON in the published event shape.")
final class AlertsCommand implements Callable<Integer> {

  private static final TypeReference<List<AlertEvent>> ALERTS = new TypeReference<>() { };

  @Spec
  CommandSpec spec;

  @Option(names = "--url", description = "Base URL of a Costwatch instance (default: http://COSTWATCH_HTTP_HOST:"
      + "COSTWATCH_HTTP_PORT, 127.0.0.1 for a wildcard host).")
  String url;

  @Option(names = "--workspace", description = "Only this workspace (its name or full resource id).")
  String workspace;

  @Option(names = "--type", description = "Only this alert type, e.g. GPU_IDLE.")
  String type;

  @Option(names = "--status", defaultValue = "open", description = "Alert status (default: ${DEFAULT-VALUE}; the "
      + "only one the store is asked for).")
  String status;

  @Option(names = "--json", description = "Print the JSON array as served instead of a table.")
  boolean json;

  @Option(names = "--wait", defaultValue = "PT30S", converter = DurationConverter.class, description = "How long to retry while the instances rebalance "
      + "(HTTP 503) (default: ${DEFAULT-VALUE}).")
  Duration wait;

  /** The environment the default URL is read from (tests give their own). */
  Map<String, String> env = System.getenv();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    URI uri = URI.create(base() + "/alerts" + query());
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
    long deadline = System.nanoTime() + wait.toNanos();
    HttpResponse<String> response;
    while (true) {
      try {
        response = client.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        throw new IllegalStateException("nothing answers at " + uri + ": is `costwatch run` (or `costwatch demo "
            + "--linger`) running there? (" + e.getMessage() + ")", e);
      }
      if (response.statusCode() != 503 || System.nanoTime() > deadline) {
        break;
      }
      long seconds = response.headers().firstValueAsLong("Retry-After").orElse(2);
      Thread.sleep(Math.min(Duration.ofSeconds(seconds).toMillis(), Math.max(1, (deadline - System.nanoTime())
          / 1_000_000)));
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body().strip());
    }
    if (json) {
      out.println(response.body());
    } else {
      print(Json.MAPPER.readValue(response.body(), ALERTS), out);
    }
    out.flush();
    return 0;
  }

  private String base() {
    String base = url;
    if (base == null) {
      AppConfig config = ConfigLoader.load(env);
      String host = config.httpHost();
      if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
        host = "127.0.0.1";
      }
      base = "http://" + host + ":" + config.httpPort();
    }
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  private String query() {
    List<String> parts = new ArrayList<>();
    parts.add("status=" + encode(status));
    if (workspace != null) {
      parts.add("workspace=" + encode(workspace));
    }
    if (type != null) {
      parts.add("type=" + encode(type));
    }
    return "?" + String.join("&", parts);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** One line per alert: what, where, since when, how much; the id to snooze it with {@code feedback}. */
  static void print(List<AlertEvent> alerts, PrintWriter out) {
    String format = "%-8s %-18s %-48s %-20s %-18s %-14s %s%n";
    out.printf(Locale.ROOT, format, "SEVERITY", "TYPE", "SCOPE", "SINCE", "IMPACT", "WASTE SO FAR", "ALERT ID");
    for (AlertEvent a : alerts) {
      out.printf(Locale.ROOT, format, a.severity(), a.type(), AlertPrinter.shortScope(a.resourceId()),
          a.episode() == null ? a.windowStart() : a.episode().firstSeen(),
          a.impact().amount().stripTrailingZeros().toPlainString() + " " + a.impact().currency() + "/"
              + per(a.impact().period()),
          a.episode() == null || a.episode().totalWaste() == null ? "" : a.episode().totalWaste().amount()
              .stripTrailingZeros().toPlainString() + " " + a.episode().totalWaste().currency(),
          a.alertId());
    }
    out.printf(Locale.ROOT, "%d open alert%s%n", alerts.size(), alerts.size() == 1 ? "" : "s");
  }

  private static String per(String period) {
    return switch (period) {
      case "PT1H" -> "h";
      case "P1D" -> "day";
      default -> period;
    };
  }
}
