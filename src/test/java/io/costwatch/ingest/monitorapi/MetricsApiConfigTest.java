package io.costwatch.ingest.monitorapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricsApiConfigTest {

  static final String WS = AzureRestClientTest.WS;
  static final String BLUE = AzureRestClientTest.BLUE;

  @Test
  void idsAsAJsonListWithTheirOwnRegionsOrAPlainListWithTheDefaultRegion() {
    MetricsApiConfig json = MetricsApiConfig.fromEnv(Map.of(MetricsApiConfig.RESOURCES,
        "[{\"id\":\"" + BLUE + "\",\"region\":\"West Europe\"},\"" + WS + "\"]", MetricsApiConfig.REGION, "eastus"));
    MetricsApiConfig plain = MetricsApiConfig.fromEnv(Map.of(MetricsApiConfig.RESOURCES, BLUE + ",\n " + WS,
        MetricsApiConfig.REGION, "eastus"));

    assertEquals(List.of("westeurope", "eastus"), json.resources().stream().map(PolledResource::region).toList());
    assertEquals(List.of(PolledResource.Kind.DEPLOYMENT, PolledResource.Kind.WORKSPACE),
        plain.resources().stream().map(PolledResource::kind).toList());
    assertEquals("00000000-0000-0000-0000-000000000001", plain.resources().get(0).subscription());
    assertEquals(MetricsApiConfig.DEFAULT_ENDPOINT, plain.metricsEndpoint());
    assertEquals(Duration.ofMinutes(5), plain.latency());
    assertEquals(100, plain.top());
  }

  @Test
  void configuredOnlyWhenSomethingIsListed() {
    assertFalse(MetricsApiConfig.configured(Map.of(MetricsApiConfig.REGION, "eastus")));
    assertTrue(MetricsApiConfig.configured(Map.of(MetricsApiConfig.WORKSPACES, WS)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "COSTWATCH_METRICS_API_RESOURCES|" + BLUE + "||COSTWATCH_METRICS_API_REGION",
      "COSTWATCH_METRICS_API_RESOURCES|" + WS + "/computes/gpu1|eastus|neither a workspace nor an online deployment",
      "COSTWATCH_METRICS_API_RESOURCES|/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/x|eastus|"
          + "not an Azure Machine Learning resource id",
      "COSTWATCH_METRICS_API_WORKSPACES|" + BLUE + "|eastus|COSTWATCH_METRICS_API_WORKSPACES",
      "COSTWATCH_METRICS_API_LATENCY|5 minutes|eastus|COSTWATCH_METRICS_API_LATENCY=5 minutes",
      "COSTWATCH_METRICS_API_ENDPOINT|http://eastus.metrics.monitor.azure.com|eastus|must be an https:// URL",
      "COSTWATCH_METRICS_API_TOP|0|eastus|COSTWATCH_METRICS_API_TOP=0"})
  void badSettingsNameTheVariable(String variable, String value, String region, String expected) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put(MetricsApiConfig.RESOURCES, WS);
    if (region != null) {
      env.put(MetricsApiConfig.REGION, region);
    }
    env.put(variable, value);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetricsApiConfig.fromEnv(env));

    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
