package io.costwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.detect.DeploymentRules;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code COSTWATCH_SERVING_HORIZON}: the idle-deployment rule's horizon, its default and its failures. */
class ConfigLoaderServingHorizonTest {

  @Test
  void defaultsToThreeHoursAndTakesAnIsoDuration() {
    assertEquals(DeploymentRules.DEFAULT_SERVING_HORIZON, ConfigLoader.load(Map.of()).rules().deployment()
        .servingHorizon());
    assertEquals(Duration.ofHours(6), ConfigLoader.load(Map.of("COSTWATCH_SERVING_HORIZON", "PT6H")).rules()
        .deployment().servingHorizon());
    assertEquals(Duration.ofHours(6), ConfigLoader.load(Map.of("COSTWATCH_SERVING_HORIZON", "6h")).rules()
        .deployment().servingHorizon());
  }

  @ParameterizedTest
  @ValueSource(strings = {"6 hours", "PT30S", "P8D", "-PT1H"})
  void anUnusableHorizonFailsNamingTheVariable(String value) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("COSTWATCH_SERVING_HORIZON", value)));
    assertTrue(e.getMessage().contains("COSTWATCH_SERVING_HORIZON=" + value), e.getMessage());
  }
}
