package io.costwatch.ingest.monitorapi;

import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.core.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Finds what to poll under a workspace through Azure Resource Manager: the workspace itself (cluster node counts
 * and utilisation are its metrics, split by {@code ClusterName}) and every online endpoint's deployments, each with
 * its region. Lists follow {@code nextLink} until the last page.
 */
public final class ArmDiscovery {

  public static final String API_VERSION = "2024-04-01";

  private final AzureHttp http;
  private final String armEndpoint;

  public ArmDiscovery(AzureHttp http, String armEndpoint) {
    this.http = http;
    this.armEndpoint = armEndpoint;
  }

  /**
   * The workspace and its online deployments.
   *
   * @throws MetricsApiException when ARM refuses a call (the message names the call and status)
   */
  public List<PolledResource> discover(String workspaceId, Consumer<String> log) {
    JsonNode workspace = get(armEndpoint + workspaceId + "?api-version=" + API_VERSION, "workspace " + workspaceId);
    String region = workspace.path("location").asText(null);
    List<PolledResource> out = new ArrayList<>();
    add(out, workspaceId, region, log);
    List<JsonNode> endpoints = list(armEndpoint + workspaceId + "/onlineEndpoints?api-version=" + API_VERSION,
        "online endpoints of " + workspaceId);
    for (JsonNode endpoint : endpoints) {
      String endpointId = endpoint.path("id").asText();
      for (JsonNode deployment : list(armEndpoint + endpointId + "/deployments?api-version=" + API_VERSION,
          "deployments of " + endpointId)) {
        add(out, deployment.path("id").asText(), deployment.path("location").asText(region), log);
      }
    }
    log.accept(String.format("discovered %s: %d online endpoint(s), %d deployment(s), region %s", workspaceId,
        endpoints.size(), out.size() - 1, region));
    return out;
  }

  private static void add(List<PolledResource> out, String id, String region, Consumer<String> log) {
    StringBuilder why = new StringBuilder();
    Optional<PolledResource> resource = PolledResource.of(id, region, why);
    if (resource.isPresent()) {
      out.add(resource.get());
    } else {
      log.accept("skipped a discovered resource: " + why);
    }
  }

  /** Every item of a paged ARM list ({@code value} + {@code nextLink}). */
  List<JsonNode> list(String firstPage, String what) {
    List<JsonNode> items = new ArrayList<>();
    String next = firstPage;
    int pages = 0;
    while (next != null && !next.isBlank()) {
      if (++pages > 1000) {
        throw new MetricsApiException(what, 200, "TooManyPages", "more than 1000 pages; is nextLink looping?");
      }
      JsonNode page = get(next, what);
      page.path("value").forEach(items::add);
      next = page.path("nextLink").asText(null);
    }
    return items;
  }

  private JsonNode get(String url, String what) {
    AzureHttp.Reply reply = http.send(HttpMethod.GET, url, null);
    if (!reply.ok()) {
      throw ArmErrors.of("GET " + what, reply);
    }
    try {
      return Json.MAPPER.readTree(reply.body());
    } catch (JsonProcessingException e) {
      throw new MetricsApiException("GET " + what, reply.status(), "InvalidJson", e.getOriginalMessage());
    }
  }
}
