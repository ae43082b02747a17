package io.costwatch.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.costwatch.alert.lifecycle.AlertLifecycle;
import io.costwatch.alert.lifecycle.Fingerprint;
import io.costwatch.alert.lifecycle.LifecycleRules;
import io.costwatch.detect.Finding;
import io.costwatch.detect.Severity;
import java.time.Duration;
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
}
