package io.costwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.detect.GpuRules;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The GPU-waste hysteresis and busy-core keys: read, defaulted, and an exit inside its entry rejected by name. */
class ConfigLoaderGpuRulesTest {

  @Test
  void theHysteresisAndBusyCoreKeysAreRead() {
    GpuRules gpu = ConfigLoader.load(Map.of("COSTWATCH_GPU_UNDER_EXIT_UTILIZATION", "45",
        "COSTWATCH_GPU_IDLE_EXIT_UTILIZATION", "8", "COSTWATCH_GPU_IDLE_EXIT_BUSY_MINUTE_SHARE", "0.3",
        "COSTWATCH_GPU_INPUT_BOUND_BUSY_CORES", "1.5", "COSTWATCH_GPU_INPUT_BOUND_EXIT_BUSY_CORES", "1",
        "COSTWATCH_GPU_IDLE_CPU_BUSY_CORES", "0.2")).rules().gpu();

    assertEquals(45, gpu.underExitUtilization());
    assertEquals(8, gpu.idleExitUtilization());
    assertEquals(0.3, gpu.idleExitBusyMinuteShare());
    assertEquals(1.5, gpu.inputBoundBusyCores());
    assertEquals(1, gpu.inputBoundExitBusyCores());
    assertEquals(0.2, gpu.idleCpuBusyCores());
  }

  @Test
  void anEntryThresholdMovedPastTheDefaultExitCarriesTheExitAlong() {
    GpuRules gpu = ConfigLoader.load(Map.of("COSTWATCH_GPU_UNDER_UTILIZATION", "50",
        "COSTWATCH_GPU_INPUT_BOUND_BUSY_CORES", "0.3")).rules().gpu();

    assertEquals(50, gpu.underExitUtilization());
    assertEquals(0.3, gpu.inputBoundExitBusyCores());
  }

  @ParameterizedTest
  @CsvSource({
      "COSTWATCH_GPU_UNDER_EXIT_UTILIZATION, 25, 30..100",
      "COSTWATCH_GPU_IDLE_EXIT_UTILIZATION, 4, 5..100",
      "COSTWATCH_GPU_IDLE_EXIT_BUSY_MINUTE_SHARE, 0.05, 0.1..1",
      "COSTWATCH_GPU_INPUT_BOUND_EXIT_BUSY_CORES, 0.9, 0..0.8"})
  void anExitThresholdInsideItsEntryIsRejectedByName(String name, String value, String allowed) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(name, value)));

    assertTrue(e.getMessage().startsWith(name + "=" + value), e.getMessage());
    assertTrue(e.getMessage().contains(allowed), e.getMessage());
  }
}
