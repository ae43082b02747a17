package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.costwatch.alert.AlertFixtures;
import io.costwatch.alert.lifecycle.AlertLifecycle;
import io.costwatch.alert.lifecycle.AlertState;
import io.costwatch.alert.lifecycle.LifecycleRules;
import io.costwatch.alert.lifecycle.Phase;
import io.costwatch.core.Json;
import org.junit.jupiter.api.Test;

/** Alert states written by older versions (schemaVersion 1, without openedAlertId) are upgraded when read. */
class AlertStateStoreUpgradeTest {

  private final AlertLifecycle lifecycle = new AlertLifecycle(LifecycleRules.defaults());

  @Test
  void aFiringVersionOneStateReadsAsPublishedUnderItsAlertId() throws Exception {
    AlertState firing = lifecycle.onFinding(null, AlertFixtures.spendSpike(AlertFixtures.T0, "600"),
        AlertFixtures.T0.plusSeconds(86_400)).state();
    assertEquals(Phase.FIRING, firing.phase());

    AlertState read = readAsStore(versionOne(firing));

    assertEquals(AlertState.SCHEMA_VERSION, read.schemaVersion());
    assertEquals(firing.alertId(), read.openedAlertId());
    assertEquals(readAsStore(Json.MAPPER.writeValueAsBytes(firing)), read,
        "the upgrade restores exactly what the current version writes");
  }

  @Test
  void aPendingVersionOneStateStaysUnpublished() throws Exception {
    AlertLifecycle slow = new AlertLifecycle(new LifecycleRules(java.time.Duration.ofDays(3),
        java.time.Duration.ofDays(3), java.time.Duration.ofHours(1), java.math.BigDecimal.TEN));
    AlertState pending = slow.onFinding(null, AlertFixtures.spendSpike(AlertFixtures.T0, "600"),
        AlertFixtures.T0.plusSeconds(86_400)).state();
    assertEquals(Phase.PENDING, pending.phase());

    AlertState read = readAsStore(versionOne(pending));

    assertEquals(AlertState.SCHEMA_VERSION, read.schemaVersion());
    assertNull(read.openedAlertId());
  }

  /** The JSON a version-1 writer produced: schemaVersion 1 and no openedAlertId field. */
  private static byte[] versionOne(AlertState state) throws Exception {
    ObjectNode json = (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(state));
    json.put("schemaVersion", 1);
    json.remove("openedAlertId");
    return Json.MAPPER.writeValueAsBytes(json);
  }

  private static AlertState readAsStore(byte[] bytes) {
    return AlertLifecycleProcessor.STATE_SERDE.deserializer().deserialize("alert-state-store-changelog", bytes);
  }
}
