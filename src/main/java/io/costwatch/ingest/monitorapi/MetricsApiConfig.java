package io.costwatch.ingest.monitorapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.AzureResourceId;
import io.costwatch.config.Durations;
import io.costwatch.core.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of the Azure Monitor Metrics API poller, from {@code COSTWATCH_METRICS_API_*} variables, validated once
 * at start-up; every failure names the variable. There are no secrets here: the credential is
 * {@code DefaultAzureCredential}'s (managed identity, workload identity, {@code AZURE_CLIENT_*}, Azure CLI).
 *
 * @param resources workspaces and online deployments listed explicitly
 * @param workspaces workspace ids whose online deployments are discovered through ARM (and the workspace itself)
 * @param metricsEndpoint the batch endpoint, {@code {region}} replaced by each resource's region
 * @param armEndpoint Azure Resource Manager, for discovery
 * @param pollInterval time between polls
 * @param latency how long after a minute ends its values are taken as complete (Azure Monitor's ingestion delay)
 * @param backfill how far back a resource without a high-water mark starts
 * @param maxSpan the longest time range of one request (a poller that fell behind catches up span by span)
 * @param discoveryInterval time between ARM discoveries
 * @param top the {@code top} parameter: time series per metric and resource when split by a dimension
 */
public record MetricsApiConfig(List<PolledResource> resources, List<String> workspaces, String metricsEndpoint,
    String armEndpoint, Duration pollInterval, Duration latency, Duration backfill, Duration maxSpan,
    Duration discoveryInterval, int top) {

  public static final String PREFIX = "COSTWATCH_METRICS_API_";
  public static final String RESOURCES = PREFIX + "RESOURCES";
  public static final String WORKSPACES = PREFIX + "WORKSPACES";
  public static final String REGION = PREFIX + "REGION";
  public static final String ENDPOINT = PREFIX + "ENDPOINT";
  public static final String ARM_ENDPOINT = PREFIX + "ARM_ENDPOINT";
  public static final String POLL_INTERVAL = PREFIX + "POLL_INTERVAL";
  public static final String LATENCY = PREFIX + "LATENCY";
  public static final String BACKFILL = PREFIX + "BACKFILL";
  public static final String MAX_SPAN = PREFIX + "MAX_SPAN";
  public static final String DISCOVERY_INTERVAL = PREFIX + "DISCOVERY_INTERVAL";
  public static final String TOP = PREFIX + "TOP";

  public static final String DEFAULT_ENDPOINT = "https://{region}.metrics.monitor.azure.com";
  public static final String DEFAULT_ARM_ENDPOINT = "https://management.azure.com";

  public MetricsApiConfig {
    resources = List.copyOf(resources);
    workspaces = List.copyOf(workspaces);
  }

  /** Whether the environment asks for the poller (so {@code run} starts it). */
  public static boolean configured(Map<String, String> env) {
    return !env.getOrDefault(RESOURCES, "").isBlank() || !env.getOrDefault(WORKSPACES, "").isBlank();
  }

  /** Reads and validates the settings; {@link IllegalArgumentException} names the variable at fault. */
  public static MetricsApiConfig fromEnv(Map<String, String> env) {
    String region = blankToNull(env.get(REGION));
    List<PolledResource> resources = resources(env.getOrDefault(RESOURCES, ""), region);
    List<String> workspaces = new ArrayList<>();
    for (String id : splitList(env.getOrDefault(WORKSPACES, ""))) {
      AzureResourceId parsed = AzureResourceId.parse(id).orElse(null);
      if (parsed == null || parsed.compute() != null || parsed.endpoint() != null) {
        throw new IllegalArgumentException(WORKSPACES + ": \"" + id + "\" is not an Azure Machine Learning "
            + "workspace id (/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/"
            + "workspaces/{ws})");
      }
      workspaces.add(id);
    }
    if (resources.isEmpty() && workspaces.isEmpty()) {
      throw new IllegalArgumentException("set " + RESOURCES + " or " + WORKSPACES + " to poll the Metrics API");
    }
    String endpoint = env.getOrDefault(ENDPOINT, DEFAULT_ENDPOINT).trim();
    String arm = env.getOrDefault(ARM_ENDPOINT, DEFAULT_ARM_ENDPOINT).trim();
    requireHttps(ENDPOINT, endpoint);
    requireHttps(ARM_ENDPOINT, arm);
    Duration latency = duration(env, LATENCY, Duration.ofMinutes(5), Duration.ZERO);
    return new MetricsApiConfig(resources, workspaces, stripSlash(endpoint), stripSlash(arm),
        duration(env, POLL_INTERVAL, Duration.ofMinutes(1), Duration.ofSeconds(1)), latency,
        duration(env, BACKFILL, Duration.ofHours(1), Duration.ofMinutes(1)),
        duration(env, MAX_SPAN, Duration.ofHours(1), Duration.ofMinutes(1)),
        duration(env, DISCOVERY_INTERVAL, Duration.ofHours(1), Duration.ofMinutes(1)),
        integer(env, TOP, 100, 1, 10_000));
  }

  /**
   * A JSON array of ids or of {@code {"id": ..., "region": ...}} objects, or ids separated by commas, spaces or new
   * lines; ids without their own region take {@code COSTWATCH_METRICS_API_REGION}.
   */
  static List<PolledResource> resources(String raw, String defaultRegion) {
    Map<String, PolledResource> out = new LinkedHashMap<>();
    String text = raw.trim();
    List<String[]> entries = new ArrayList<>();
    if (text.startsWith("[")) {
      JsonNode array;
      try {
        array = Json.MAPPER.readTree(text);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(RESOURCES + " is not a valid JSON array: " + e.getOriginalMessage());
      }
      for (JsonNode item : array) {
        if (item.isTextual()) {
          entries.add(new String[] {item.asText(), defaultRegion});
        } else if (item.isObject() && item.hasNonNull("id")) {
          entries.add(new String[] {item.get("id").asText(),
              item.hasNonNull("region") ? item.get("region").asText() : defaultRegion});
        } else {
          throw new IllegalArgumentException(RESOURCES + ": " + item + " is neither an id nor {\"id\":..., "
              + "\"region\":...}");
        }
      }
    } else {
      splitList(text).forEach(id -> entries.add(new String[] {id, defaultRegion}));
    }
    for (String[] entry : entries) {
      StringBuilder why = new StringBuilder();
      PolledResource resource = PolledResource.of(entry[0], entry[1], why).orElseThrow(() ->
          new IllegalArgumentException(RESOURCES + ": " + why + (why.indexOf("no region") == 0
              ? " (give it as {\"id\":..., \"region\":...} or set " + REGION + ")" : "")));
      out.putIfAbsent(resource.key(), resource);
    }
    return List.copyOf(out.values());
  }

  private static List<String> splitList(String raw) {
    List<String> out = new ArrayList<>();
    for (String part : raw.split("[,\\s]+")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  private static void requireHttps(String name, String url) {
    if (!url.startsWith("https://")) {
      throw new IllegalArgumentException(name + "=" + url + " must be an https:// URL (bearer tokens are only sent "
          + "over TLS)");
    }
  }

  private static Duration duration(Map<String, String> env, String name, Duration fallback, Duration min) {
    String raw = blankToNull(env.get(name));
    if (raw == null) {
      return fallback;
    }
    Duration d;
    try {
      d = Durations.parse(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + "=" + raw + " is not a duration (" + Durations.FORMS + ")");
    }
    if (d.compareTo(min) < 0) {
      throw new IllegalArgumentException(name + "=" + raw + " is shorter than " + min);
    }
    return d;
  }

  private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
    String raw = blankToNull(env.get(name));
    if (raw == null) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + "=" + raw + " is not a whole number in " + min + ".." + max);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
