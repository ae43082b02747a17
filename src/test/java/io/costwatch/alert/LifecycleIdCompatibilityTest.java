package io.costwatch.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.lifecycle.AlertLifecycle;
import io.costwatch.alert.lifecycle.Fingerprint;
import io.costwatch.alert.lifecycle.LifecycleRules;
import io.costwatch.detect.Finding;
import io.costwatch.detect.FindingType;
import io.costwatch.detect.Severity;
import java.time.Duration;
import java.time.Instant;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class LifecycleIdCompatibilityTest {

  @Test
  void anEpisodeIsNamedLikeThePerWindowAlertOfItsFirstWindow() {
    Finding first = AlertFixtures.gpuIdle(0, "3.67", Severity.LOW);
    AlertLifecycle lifecycle = new AlertLifecycle(new LifecycleRules(Duration.ZERO, Duration.ofMinutes(30),
        Duration.ZERO, BigDecimal.TEN));

    String episodeId = lifecycle.onFinding(null, first, first.windowEnd()).event().orElseThrow().alertId();

    assertEquals(Fingerprint.of(first).alertId(first.windowStart()), episodeId);
  }

  @Test
  void onlyTheGpuTypesShareAFingerprintTypeSoEveryOtherAlertIdIsUnchanged() {
    for (FindingType type : FindingType.values()) {
      boolean gpu = type == FindingType.GPU_IDLE || type == FindingType.GPU_UNDERUTILIZED;
      assertEquals(gpu ? FindingType.GPU_WASTE : type.name(), type.fingerprintType(), type.name());
    }
    // the id a spend spike had before GPU waste was merged: SHA-256 of type|resourceId|currency|episodeStart
    Finding spike = AlertFixtures.spendSpike(Instant.parse("2026-03-02T00:00:00Z"), "600");
    assertEquals("cw-spend-spike-5fb9250081dc1d91", Fingerprint.of(spike).alertId(spike.windowStart()));
  }

  @Test
  void bothGpuTypesOfOneComputeAreOneFingerprint() {
    Finding idle = AlertFixtures.gpuIdle(0, "3.67", Severity.LOW);

    assertEquals(FindingType.GPU_WASTE, Fingerprint.of(idle).type());
    assertTrue(Fingerprint.of(idle).alertId(idle.windowStart()).startsWith("cw-gpu-waste-"));
  }
}
