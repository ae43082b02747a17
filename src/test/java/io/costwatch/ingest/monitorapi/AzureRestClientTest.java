package io.costwatch.ingest.monitorapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics batch and ARM discovery clients through the real azure-core pipeline (Netty, retry and bearer-token
 * policies) against a local HTTPS server answering with Azure's documented shapes.
 */
class AzureRestClientTest {

  static final String SUB = "00000000-0000-0000-0000-000000000001";
  static final String WS = "/subscriptions/" + SUB + "/resourceGroups/rg-ml/providers/"
      + "Microsoft.MachineLearningServices/workspaces/ws-nlp";
  static final String BLUE = WS + "/onlineEndpoints/chat-api/deployments/blue";
  static final String GREEN = WS + "/onlineEndpoints/chat-api/deployments/green";
  static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  @TempDir
  static Path dir;
  static LocalHttps tls;
  static HttpClient client;
  LocalAzure azure;

  @BeforeAll
  static void tls() throws Exception {
    tls = LocalHttps.create(dir);
    client = tls.client();
  }

  @BeforeEach
  void server() throws Exception {
    azure = new LocalAzure(tls);
  }

  @org.junit.jupiter.api.AfterEach
  void stop() {
    azure.close();
  }

  private MetricsBatchClient batchClient() {
    return new MetricsBatchClient(AzureHttp.create(client, LocalHttps.fixedToken(), AzureHttp.METRICS_SCOPE, 3,
        Duration.ofMillis(100)), azure.url(), 100);
  }

  @Test
  void batchCallCarriesTheTokenTheResourcesAndTheQueryAndReadsSeriesWithDimensions() {
    azure.series(BLUE, "GpuUtilizationPercentage", Map.of("instanceId", "i-0"), t -> 3.0)
        .series(BLUE, "GpuUtilizationPercentage", Map.of("instanceId", "i-1"), t -> 7.5);
    MetricQuery perInstance = MetricQuery.forKind(PolledResource.Kind.DEPLOYMENT).get(1);

    BatchResult result = batchClient().getBatch(SUB, "eastus", PolledResource.Kind.DEPLOYMENT, perInstance, T0,
        T0.plusSeconds(300), List.of(BLUE));

    LocalAzure.Seen call = azure.batchCalls().get(0);
    assertEquals("Bearer token-for-" + AzureHttp.METRICS_SCOPE, call.authorization());
    assertEquals("/subscriptions/" + SUB + "/metrics:getBatch", call.path());
    assertEquals("2024-02-01", call.query().get("api-version"));
    assertEquals("Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
        call.query().get("metricnamespace"));
    assertEquals("instanceId eq '*'", call.query().get("filter"));
    assertEquals("PT1M", call.query().get("interval"));
    assertEquals("2026-11-30T10:00:00Z", call.query().get("starttime"));
    assertEquals("2026-11-30T10:05:00Z", call.query().get("endtime"));
    assertTrue(call.body().contains("\"resourceids\":[\"" + BLUE + "\"]"), call.body());
    BatchResult.ResourceResult blue = result.resources().get(0);
    assertFalse(blue.failed());
    List<BatchResult.Series> gpu = blue.series().stream()
        .filter(s -> s.metricName().equals("GpuUtilizationPercentage")).toList();
    assertEquals(2, gpu.size());
    assertEquals(Map.of("instanceId", "i-1"), gpu.get(1).dimensions());
    assertEquals(5, gpu.get(1).points().size());
    assertEquals(7.5, gpu.get(1).points().get(0).average());
  }

  @Test
  void throttledCallWaitsForRetryAfterAndSucceeds() {
    azure.series(BLUE, "DeploymentCapacity", Map.of(), t -> 2.0).throttleNext(1);

    BatchResult result = batchClient().getBatch(SUB, "eastus", PolledResource.Kind.DEPLOYMENT,
        MetricQuery.forKind(PolledResource.Kind.DEPLOYMENT).get(0), T0, T0.plusSeconds(120), List.of(BLUE));

    assertEquals(2, azure.batchCalls().size(), "one 429, then the retry");
    assertTrue(azure.batchCalls().stream().allMatch(c -> c.authorization() != null), "each attempt has a token");
    assertEquals(2.0, result.resources().get(0).series().get(0).points().get(1).average());
  }

  @Test
  void deletedResourceFailsAloneInItsBatch() {
    azure.series(BLUE, "DeploymentCapacity", Map.of(), t -> 1.0).delete(GREEN);

    BatchResult result = batchClient().getBatch(SUB, "eastus", PolledResource.Kind.DEPLOYMENT,
        MetricQuery.forKind(PolledResource.Kind.DEPLOYMENT).get(0), T0, T0.plusSeconds(60), List.of(BLUE, GREEN));

    BatchResult.ResourceResult blue = result.resources().get(0);
    BatchResult.ResourceResult green = result.resources().get(1);
    assertFalse(blue.failed());
    assertTrue(green.gone(), "ResourceNotFound: " + green);
    assertEquals("ResourceNotFound", green.errorCode());
    assertTrue(green.errorMessage().contains("green"));
  }

  @Test
  void aMinuteWithoutValuesIsAGapNotAZero() {
    azure.series(BLUE, "DeploymentCapacity", Map.of(), t -> t.equals(T0.plusSeconds(60)) ? null : 1.0);

    BatchResult result = batchClient().getBatch(SUB, "eastus", PolledResource.Kind.DEPLOYMENT,
        MetricQuery.forKind(PolledResource.Kind.DEPLOYMENT).get(0), T0, T0.plusSeconds(180), List.of(BLUE));

    List<BatchResult.Point> points = result.resources().get(0).series().get(0).points();
    assertEquals(3, points.size());
    assertTrue(points.get(1).empty());
    List<DcrRecords.Body> bodies = DcrRecords.of(BLUE.toLowerCase(java.util.Locale.ROOT),
        result.resources().get(0).series());
    assertEquals(2, bodies.get(0).records(), "the gap minute has no record");
    assertEquals(T0.plusSeconds(120), bodies.get(0).lastMinute());
  }

  @Test
  void anErrorObjectOnAResourceEntryFailsThatResourceOnly() {
    String body = "{\"values\":[{\"resourceid\":\"" + GREEN + "\",\"error\":{\"code\":\"ResourceNotFound\","
        + "\"message\":\"gone\"}},{\"resourceid\":\"" + BLUE + "\",\"starttime\":\"2026-11-30T10:00:00Z\","
        + "\"endtime\":\"2026-11-30T10:01:00Z\",\"value\":[{\"name\":{\"value\":\"DeploymentCapacity\"},"
        + "\"unit\":\"Count\",\"errorCode\":\"Success\",\"timeseries\":[{\"metadatavalues\":[],"
        + "\"data\":[{\"timeStamp\":\"2026-11-30T10:00:00Z\",\"average\":2}]}]}]}]}";

    BatchResult result = MetricsBatchClient.parse("test", body);

    assertTrue(result.resources().get(0).gone());
    assertEquals("gone", result.resources().get(0).errorMessage());
    assertEquals(2.0, result.resources().get(1).series().get(0).points().get(0).average());
  }

  @Test
  void aBodyWithoutValuesIsAClearError() {
    MetricsApiException e = org.junit.jupiter.api.Assertions.assertThrows(MetricsApiException.class,
        () -> MetricsBatchClient.parse("metrics:getBatch in eastus", "{\"value\":[]}"));

    assertTrue(e.getMessage().contains("metrics:getBatch in eastus") && e.getMessage().contains("'values'"),
        e.getMessage());
  }

  @Test
  void discoveryFollowsNextLinkAndTakesEachDeploymentsRegion() {
    azure.workspace(WS, "eastus", Map.of("chat-api", List.of("blue", "green"), "embed-api", List.of("v1")));
    ArmDiscovery discovery = new ArmDiscovery(AzureHttp.create(client, LocalHttps.fixedToken(), AzureHttp.ARM_SCOPE,
        3, Duration.ofMillis(100)), azure.url());
    List<String> log = new ArrayList<>();

    List<PolledResource> found = discovery.discover(WS, log::add);

    assertEquals(List.of(WS, BLUE, GREEN, WS + "/onlineEndpoints/embed-api/deployments/v1").stream().sorted().toList(),
        found.stream().map(PolledResource::id).sorted().toList());
    assertEquals(PolledResource.Kind.WORKSPACE, found.get(0).kind());
    assertTrue(found.stream().allMatch(r -> r.region().equals("eastus") && r.subscription().equals(SUB)));
    assertTrue(azure.requests.stream().anyMatch(r -> "1".equals(r.query().get("page"))), "second pages were read");
    assertTrue(azure.requests.stream().allMatch(r -> ("Bearer token-for-" + AzureHttp.ARM_SCOPE)
        .equals(r.authorization())), "ARM calls carry the ARM audience's token");
    assertTrue(log.get(log.size() - 1).contains("2 online endpoint(s), 3 deployment(s)"), log.toString());
  }

  @Test
  void anUnknownWorkspaceIsAClearError() {
    ArmDiscovery discovery = new ArmDiscovery(AzureHttp.create(client, LocalHttps.fixedToken(), AzureHttp.ARM_SCOPE,
        0, Duration.ofMillis(100)), azure.url());

    MetricsApiException e = org.junit.jupiter.api.Assertions.assertThrows(MetricsApiException.class,
        () -> discovery.discover(WS, s -> { }));

    assertEquals(404, e.status());
    assertEquals("ResourceNotFound", e.code());
    assertTrue(e.getMessage().contains("workspace " + WS) && e.getMessage().contains("HTTP 404"), e.getMessage());
  }
}
