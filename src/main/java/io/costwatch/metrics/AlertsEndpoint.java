package io.costwatch.metrics;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.costwatch.alert.AlertEvent;
import io.costwatch.core.Json;
import io.costwatch.topology.OpenAlerts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@code GET /alerts} and {@code GET /alerts/{alertId}}: the open alerts from the lifecycle store, in the shape
 * published on {@code cost.alerts.v1}. With several instances each owns some partitions of the store, so the
 * instance asked queries its own partitions and asks every other instance of the group (found through
 * {@code application.server}) for theirs with {@code scope=local}, then checks that the answers together cover every
 * partition of the group's assignment. During a rebalance that check fails, or a store is not queryable, and the
 * answer is 503 with {@code Retry-After} rather than a silently short list.
 *
 * <p>Query parameters: {@code workspace} (name or full resource id, case-insensitive), {@code type} (alert type),
 * {@code status} ({@code open}, the only state the store is asked for), {@code scope} ({@code all}, the default, or
 * {@code local}: this instance's partitions only, named in the {@value #PARTITIONS_HEADER} response header).
 */
public final class AlertsEndpoint implements HttpHandler {

  /** Lists the lifecycle partitions a {@code scope=local} answer covers, e.g. {@code 0,3,4}. */
  public static final String PARTITIONS_HEADER = "Costwatch-Partitions";
  private static final String RETRY_AFTER_SECONDS = "2";
  private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);
  private static final TypeReference<List<AlertEvent>> ALERTS = new TypeReference<>() { };

  private final Supplier<KafkaStreams> streams;
  private final HostInfo self;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param streams the running application; null while it is starting
   * @param self this instance's {@code application.server}; null when it has none, then the instance answers for
   *     its own partitions only (a single instance)
   */
  public AlertsEndpoint(Supplier<KafkaStreams> streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  /** {@code host:port} as {@code application.server} holds it; null for null or blank. */
  public static HostInfo hostInfo(Object applicationServer) {
    if (applicationServer == null || applicationServer.toString().isBlank()) {
      return null;
    }
    return HostInfo.buildFromEndpoint(applicationServer.toString());
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        error(exchange, 405, "method not allowed");
        return;
      }
      Map<String, String> params = params(exchange.getRequestURI());
      String path = exchange.getRequestURI().getPath();
      String id = path.startsWith("/alerts/") ? path.substring("/alerts/".length()) : null;
      if (id == null && !path.equals("/alerts") && !path.equals("/alerts/")) {
        error(exchange, 404, "not found");
        return;
      }
      String status = params.getOrDefault("status", "open").toLowerCase(Locale.ROOT);
      String scope = params.getOrDefault("scope", "all").toLowerCase(Locale.ROOT);
      if (!status.equals("open") || !Set.of("all", "local").contains(scope)) {
        error(exchange, 400, "status must be open (was " + status + ") and scope all or local (was " + scope + ")");
        return;
      }
      try {
        answer(exchange, params, id, scope.equals("local"));
      } catch (OpenAlerts.Unavailable e) {
        exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
        error(exchange, 503, e.getMessage());
      }
    } catch (RuntimeException e) {
      error(exchange, 500, e.toString());
    }
  }

  private void answer(HttpExchange exchange, Map<String, String> params, String id, boolean localOnly)
      throws IOException {
    KafkaStreams current = streams.get();
    if (current == null) {
      throw new OpenAlerts.Unavailable("Kafka Streams is starting");
    }
    Predicate<AlertEvent> filter = filter(params, id);
    if (localOnly) {
      OpenAlerts.Answer local = OpenAlerts.local(current, filter);
      exchange.getResponseHeaders().set(PARTITIONS_HEADER, local.partitions().stream().map(String::valueOf)
          .collect(Collectors.joining(",")));
      send(exchange, 200, sorted(local.alerts()));
      return;
    }
    List<AlertEvent> alerts = self == null ? OpenAlerts.local(current, filter).alerts() : merged(current, params,
        filter);
    if (id == null) {
      send(exchange, 200, sorted(alerts));
    } else if (alerts.isEmpty()) {
      error(exchange, 404, "no open alert " + id);
    } else {
      send(exchange, 200, alerts.get(0));
    }
  }

  /** This instance's partitions plus every other instance's, checked against the group's assignment. */
  private List<AlertEvent> merged(KafkaStreams current, Map<String, String> params, Predicate<AlertEvent> filter) {
    Map<StreamsMetadata, Set<Integer>> assigned = OpenAlerts.assignedPartitions(current);
    if (assigned.isEmpty()) {
      throw new OpenAlerts.Unavailable("the group has not assigned the lifecycle store yet");
    }
    Map<HostInfo, CompletableFuture<HttpResponse<byte[]>>> remote = new LinkedHashMap<>();
    for (StreamsMetadata instance : assigned.keySet()) {
      if (!instance.hostInfo().equals(self)) {
        remote.put(instance.hostInfo(), client.sendAsync(forward(instance.hostInfo(), params),
            HttpResponse.BodyHandlers.ofByteArray()));
      }
    }
    OpenAlerts.Answer local = OpenAlerts.local(current, filter);
    List<AlertEvent> alerts = new ArrayList<>(local.alerts());
    Set<Integer> covered = new TreeSet<>(local.partitions());
    for (Map.Entry<HostInfo, CompletableFuture<HttpResponse<byte[]>>> e : remote.entrySet()) {
      HttpResponse<byte[]> response = response(e.getKey(), e.getValue());
      List<AlertEvent> theirs;
      try {
        theirs = Json.MAPPER.readValue(response.body(), ALERTS);
      } catch (IOException ex) {
        throw new OpenAlerts.Unavailable("instance " + e.getKey() + " answered unreadable JSON: " + ex.getMessage());
      }
      alerts.addAll(theirs.stream().filter(filter).toList());
      response.headers().firstValue(PARTITIONS_HEADER).filter(h -> !h.isBlank()).ifPresent(h -> {
        for (String p : h.split(",")) {
          covered.add(Integer.parseInt(p.trim()));
        }
      });
    }
    Set<Integer> expected = new TreeSet<>();
    assigned.values().forEach(expected::addAll);
    if (!covered.containsAll(expected)) {
      Set<Integer> missing = new TreeSet<>(expected);
      missing.removeAll(covered);
      throw new OpenAlerts.Unavailable("lifecycle partitions " + missing + " are not queryable yet (rebalancing or "
          + "restoring)");
    }
    return alerts;
  }

  private static HttpResponse<byte[]> response(HostInfo host, CompletableFuture<HttpResponse<byte[]>> pending) {
    HttpResponse<byte[]> response;
    try {
      response = pending.get(FORWARD_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OpenAlerts.Unavailable("interrupted while asking instance " + host);
    } catch (Exception e) {
      pending.cancel(true);
      throw new OpenAlerts.Unavailable("instance " + host + " did not answer: " + e);
    }
    if (response.statusCode() != 200) {
      throw new OpenAlerts.Unavailable("instance " + host + " answered " + response.statusCode() + ": "
          + new String(response.body(), StandardCharsets.UTF_8).strip());
    }
    return response;
  }

  private HttpRequest forward(HostInfo host, Map<String, String> params) {
    StringBuilder query = new StringBuilder("scope=local");
    for (String name : List.of("workspace", "type")) {
      if (params.containsKey(name)) {
        query.append('&').append(name).append('=').append(URLEncoder.encode(params.get(name), StandardCharsets.UTF_8));
      }
    }
    return HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + "/alerts?" + query))
        .timeout(FORWARD_TIMEOUT).GET().build();
  }

  static Predicate<AlertEvent> filter(Map<String, String> params, String id) {
    String workspace = params.get("workspace");
    String type = params.get("type");
    return a -> (id == null || id.equals(a.alertId()))
        && (type == null || type.equalsIgnoreCase(a.type()))
        && (workspace == null || workspace.equalsIgnoreCase(a.workspaceId())
            || workspace.equalsIgnoreCase(workspaceName(a.workspaceId())));
  }

  private static String workspaceName(String workspaceId) {
    return workspaceId == null ? null : workspaceId.substring(workspaceId.lastIndexOf('/') + 1);
  }

  private static List<AlertEvent> sorted(List<AlertEvent> alerts) {
    return alerts.stream().sorted(Comparator.comparing(AlertEvent::workspaceId, Comparator.nullsFirst(
        String.CASE_INSENSITIVE_ORDER)).thenComparing(AlertEvent::type).thenComparing(AlertEvent::resourceId,
            String.CASE_INSENSITIVE_ORDER).thenComparing(AlertEvent::alertId)).toList();
  }

  private static Map<String, String> params(URI uri) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (!value.isBlank()) {
        out.put(name, value);
      }
    }
    return out;
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    send(exchange, status, Map.of("error", message));
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
