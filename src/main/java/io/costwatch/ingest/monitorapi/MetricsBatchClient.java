package io.costwatch.ingest.monitorapi;

import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.costwatch.core.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small client of the Azure Monitor metrics batch API ({@code POST {region}.metrics.monitor.azure.com/
 * subscriptions/{s}/metrics:getBatch}, api-version 2024-02-01): up to {@link #MAX_RESOURCES} resources of one
 * subscription, region and type per call, minute grain.
 */
public final class MetricsBatchClient {

  public static final String API_VERSION = "2024-02-01";
  public static final int MAX_RESOURCES = 50;

  private final AzureHttp http;
  private final String endpointTemplate;
  private final int top;

  /**
   * @param endpointTemplate e.g. {@code https://{region}.metrics.monitor.azure.com}
   * @param top time series per metric and resource when a filter splits them (the API's default is 10)
   */
  public MetricsBatchClient(AzureHttp http, String endpointTemplate, int top) {
    this.http = http;
    this.endpointTemplate = endpointTemplate;
    this.top = top;
  }

  /**
   * Queries {@code [start, end)} at PT1M for the resources (all of {@code kind}, one subscription and region).
   *
   * @throws MetricsApiException when the call as a whole fails (after retries)
   */
  public BatchResult getBatch(String subscription, String region, PolledResource.Kind kind, MetricQuery query,
      Instant start, Instant end, List<String> resourceIds) {
    if (resourceIds.isEmpty() || resourceIds.size() > MAX_RESOURCES) {
      throw new IllegalArgumentException("a batch holds 1.." + MAX_RESOURCES + " resources, not "
          + resourceIds.size());
    }
    String url = url(subscription, region, kind, query, start, end);
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode ids = body.putArray("resourceids");
    resourceIds.forEach(ids::add);
    AzureHttp.Reply reply = http.send(HttpMethod.POST, url, body.toString());
    String what = "metrics:getBatch in " + region + " for " + resourceIds.size() + " " + kind.namespace()
        + " resource(s) " + query.metricNames();
    if (!reply.ok()) {
      throw ArmErrors.of(what, reply);
    }
    return parse(what, reply.body());
  }

  String url(String subscription, String region, PolledResource.Kind kind, MetricQuery query, Instant start,
      Instant end) {
    StringBuilder url = new StringBuilder(endpointTemplate.replace("{region}", region.toLowerCase(Locale.ROOT)))
        .append("/subscriptions/").append(subscription).append("/metrics:getBatch?api-version=").append(API_VERSION)
        .append("&metricnamespace=").append(encode(kind.namespace()))
        .append("&metricnames=").append(encode(String.join(",", query.metricNames())))
        .append("&starttime=").append(DateTimeFormatter.ISO_INSTANT.format(start))
        .append("&endtime=").append(DateTimeFormatter.ISO_INSTANT.format(end))
        .append("&interval=PT1M&aggregation=").append(encode(MetricQuery.AGGREGATION));
    if (query.filter() != null) {
      url.append("&filter=").append(encode(query.filter())).append("&top=").append(top);
    }
    return url.toString();
  }

  static BatchResult parse(String what, String body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MetricsApiException(what, 200, "InvalidJson", e.getOriginalMessage());
    }
    JsonNode values = root == null ? null : root.get("values");
    if (values == null || !values.isArray()) {
      throw new MetricsApiException(what, 200, "InvalidResponse", "the body has no 'values' array");
    }
    List<BatchResult.ResourceResult> out = new ArrayList<>();
    for (JsonNode entry : values) {
      out.add(resource(entry));
    }
    return new BatchResult(out);
  }

  private static BatchResult.ResourceResult resource(JsonNode entry) {
    String id = entry.path("resourceid").asText(null);
    JsonNode error = entry.get("error");
    if (error != null && error.isObject()) {
      return new BatchResult.ResourceResult(id, List.of(), error.path("code").asText("Error"),
          error.path("message").asText(null));
    }
    List<BatchResult.Series> series = new ArrayList<>();
    for (JsonNode metric : entry.path("value")) {
      String code = metric.path("errorCode").asText("Success");
      if (!"success".equalsIgnoreCase(code)) {
        return new BatchResult.ResourceResult(id, List.of(), code, metric.path("errorMessage").asText(null));
      }
      String name = metric.path("name").path("value").asText();
      String unit = metric.path("unit").asText(null);
      for (JsonNode ts : metric.path("timeseries")) {
        series.add(new BatchResult.Series(name, unit, dimensions(ts.path("metadatavalues")), points(ts.path("data"))));
      }
    }
    return new BatchResult.ResourceResult(id, series, null, null);
  }

  private static Map<String, String> dimensions(JsonNode metadata) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode m : metadata) {
      String name = m.path("name").path("value").asText(null);
      if (name != null && m.hasNonNull("value")) {
        out.put(name, m.get("value").asText());
      }
    }
    return out;
  }

  private static List<BatchResult.Point> points(JsonNode data) {
    List<BatchResult.Point> out = new ArrayList<>();
    for (JsonNode p : data) {
      if (!p.hasNonNull("timeStamp")) {
        continue;
      }
      out.add(new BatchResult.Point(Instant.parse(p.get("timeStamp").asText()), number(p, "average"),
          number(p, "minimum"), number(p, "maximum"), number(p, "total"), number(p, "count")));
    }
    return out;
  }

  private static Double number(JsonNode p, String name) {
    JsonNode v = p.get(name);
    return v == null || !v.isNumber() ? null : v.doubleValue();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
