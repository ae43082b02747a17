package io.costwatch.ingest.monitorapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.costwatch.core.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A local HTTPS stand-in for the two Azure APIs the poller calls, answering with their documented shapes: the
 * metrics batch API ({@code values[].value[].timeseries[].metadatavalues/data}, per-metric {@code errorCode}) and
 * ARM lists ({@code value} + {@code nextLink}, one item per page to exercise paging). Every request is recorded.
 */
final class LocalAzure implements AutoCloseable {

  /** A request as the server saw it. */
  record Seen(String method, String path, Map<String, String> query, String authorization, String body) {
  }

  /** One time series of a metric: its dimensions and a value per minute start (null: no value, a gap). */
  record SeriesSpec(Map<String, String> dimensions, Function<Instant, Double> value) {
  }

  final List<Seen> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Map<String, List<SeriesSpec>>> metrics = new ConcurrentHashMap<>();
  private final Set<String> deleted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger throttled = new AtomicInteger();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private final Map<String, String> workspaces = new ConcurrentHashMap<>();
  private final Map<String, List<String>> children = new ConcurrentHashMap<>();
  private final HttpsServer server;

  LocalAzure(LocalHttps tls) throws IOException, GeneralSecurityException {
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "https://localhost:" + server.getAddress().getPort();
  }

  LocalAzure series(String resourceId, String metric, Map<String, String> dimensions,
      Function<Instant, Double> value) {
    metrics.computeIfAbsent(key(resourceId), k -> new ConcurrentHashMap<>())
        .computeIfAbsent(metric, k -> new CopyOnWriteArrayList<>()).add(new SeriesSpec(dimensions, value));
    return this;
  }

  LocalAzure delete(String resourceId) {
    deleted.add(key(resourceId));
    return this;
  }

  /** Any batch holding this resource is refused as a whole with 400 (as a malformed id would be). */
  LocalAzure refuseBatchesWith(String resourceId) {
    refused.add(key(resourceId));
    return this;
  }

  /** The next {@code count} metrics calls are answered 429 with {@code Retry-After: 1}. */
  LocalAzure throttleNext(int count) {
    throttled.set(count);
    return this;
  }

  LocalAzure workspace(String workspaceId, String location, Map<String, List<String>> deploymentsByEndpoint) {
    workspaces.put(key(workspaceId), location);
    List<String> endpoints = new ArrayList<>();
    deploymentsByEndpoint.forEach((endpoint, deployments) -> {
      String endpointId = workspaceId + "/onlineEndpoints/" + endpoint;
      endpoints.add(endpointId);
      children.put(key(endpointId) + "/deployments",
          deployments.stream().map(d -> endpointId + "/deployments/" + d).toList());
    });
    children.put(key(workspaceId) + "/onlineendpoints", endpoints);
    return this;
  }

  List<Seen> batchCalls() {
    return requests.stream().filter(r -> r.path().endsWith("/metrics:getBatch")).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = exchange.getRequestURI().getRawPath();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    requests.add(new Seen(exchange.getRequestMethod(), path, query,
        exchange.getRequestHeaders().getFirst("Authorization"), body));
    try {
      if ("POST".equals(exchange.getRequestMethod()) && path.endsWith("/metrics:getBatch")) {
        if (throttled.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          exchange.getResponseHeaders().add("Retry-After", "1");
          reply(exchange, 429, error("TooManyRequests", "Too many requests, retry after 1 second"));
          return;
        }
        JsonNode request = Json.MAPPER.readTree(body);
        for (JsonNode id : request.path("resourceids")) {
          if (refused.contains(key(id.asText()))) {
            reply(exchange, 400, error("BadRequest", "Resource " + id.asText() + " is invalid for this batch"));
            return;
          }
        }
        reply(exchange, 200, batch(query, request));
      } else if ("GET".equals(exchange.getRequestMethod())) {
        arm(exchange, URLDecoder.decode(path, StandardCharsets.UTF_8), query);
      } else {
        reply(exchange, 405, error("MethodNotAllowed", exchange.getRequestMethod()));
      }
    } catch (RuntimeException e) {
      reply(exchange, 500, error("InternalServerError", e.toString()));
    }
  }

  private ObjectNode batch(Map<String, String> query, JsonNode body) {
    Instant start = Instant.parse(query.get("starttime"));
    Instant end = Instant.parse(query.get("endtime"));
    boolean split = query.containsKey("filter");
    ObjectNode root = Json.MAPPER.createObjectNode();
    ArrayNode values = root.putArray("values");
    for (JsonNode id : body.path("resourceids")) {
      ObjectNode entry = values.addObject();
      entry.put("starttime", start.toString()).put("endtime", end.toString()).put("interval", "PT1M")
          .put("namespace", query.get("metricnamespace").toLowerCase(Locale.ROOT)).put("resourceregion", "eastus")
          .put("resourceid", id.asText());
      ArrayNode value = entry.putArray("value");
      for (String metric : query.get("metricnames").split(",")) {
        ObjectNode m = value.addObject();
        m.put("id", id.asText() + "/providers/Microsoft.Insights/metrics/" + metric)
            .put("type", "Microsoft.Insights/metrics").put("unit", "Count");
        m.putObject("name").put("value", metric).put("localizedValue", metric);
        ArrayNode timeseries = m.putArray("timeseries");
        if (deleted.contains(key(id.asText()))) {
          m.put("errorCode", "ResourceNotFound").put("errorMessage", "The resource " + id.asText()
              + " was not found.");
          continue;
        }
        m.put("errorCode", "Success");
        for (SeriesSpec s : metrics.getOrDefault(key(id.asText()), Map.of()).getOrDefault(metric, List.of())) {
          ObjectNode ts = timeseries.addObject();
          ArrayNode meta = ts.putArray("metadatavalues");
          if (split) {
            s.dimensions().forEach((k, v) -> {
              ObjectNode md = meta.addObject();
              md.putObject("name").put("value", k).put("localizedValue", k);
              md.put("value", v);
            });
          }
          ArrayNode data = ts.putArray("data");
          for (Instant t = start; t.isBefore(end); t = t.plus(Duration.ofMinutes(1))) {
            ObjectNode point = data.addObject().put("timeStamp", t.toString());
            Double v = s.value().apply(t);
            if (v != null) {
              point.put("average", v).put("minimum", v).put("maximum", v).put("total", v).put("count", 1.0);
            }
          }
        }
      }
    }
    return root;
  }

  private void arm(HttpExchange exchange, String path, Map<String, String> query) throws IOException {
    String lower = key(path);
    if (workspaces.containsKey(lower)) {
      ObjectNode ws = Json.MAPPER.createObjectNode().put("id", path).put("location", workspaces.get(lower));
      reply(exchange, 200, ws);
      return;
    }
    List<String> items = children.get(lower);
    if (items == null) {
      reply(exchange, 404, error("ResourceNotFound", "The Resource '" + path + "' was not found."));
      return;
    }
    int page = Integer.parseInt(query.getOrDefault("page", "0"));
    ObjectNode list = Json.MAPPER.createObjectNode();
    ArrayNode value = list.putArray("value");
    if (page < items.size()) {
      value.addObject().put("id", items.get(page)).put("location", "eastus");
    }
    if (page + 1 < items.size()) {
      list.put("nextLink", url() + path + "?api-version=" + query.get("api-version") + "&page=" + (page + 1));
    }
    reply(exchange, 200, list);
  }

  private static ObjectNode error(String code, String message) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.putObject("error").put("code", code).put("message", message);
    return root;
  }

  private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      out.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String key(String id) {
    return id.toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
