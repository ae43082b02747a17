package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.config.ConfigException;
import io.costwatch.ingest.monitorapi.MetricsApiConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PollMetricsCommandTest {

  @Test
  void withoutResourcesOrWorkspacesItIsAConfigurationErrorNamingTheVariables() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> PollMetricsCommand.apiConfig(Map.of(MetricsApiConfig.REGION, "eastus")));

    assertTrue(e.getMessage().contains(MetricsApiConfig.RESOURCES) && e.getMessage().contains(
        MetricsApiConfig.WORKSPACES), e.getMessage());
  }

  @Test
  void theSubcommandIsRegisteredAndExitsWithTheConfigurationErrorCode() {
    if (MetricsApiConfig.configured(System.getenv())) {
      throw new AssertionError("this test needs an environment without COSTWATCH_METRICS_API_RESOURCES/WORKSPACES");
    }

    assertEquals(2, Costwatch.execute("poll-metrics", "--once"));
  }
}
