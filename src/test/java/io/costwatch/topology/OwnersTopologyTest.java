package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.owners.Owners;
import io.costwatch.alert.owners.ResourceOwners;
import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.testing.Fixtures;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owner tags travel from billing rows, through the compacted owners topic and its global table, into the alerts:
 * the resource's tags first, then its workspace's, then the configured team.
 */
class OwnersTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  private static final LocalDate DAY = LocalDate.of(2026, 11, 2);

  @TempDir
  Path stateDir;

  private TopologyHarness harness;
  private TestInputTopic<String, String> metrics;
  private TestInputTopic<String, RawBillingRow> billing;
  private TestOutputTopic<String, AlertEvent> alerts;
  private TestOutputTopic<String, AlertEvent> alertState;
  private TestOutputTopic<String, ResourceOwners> owners;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  private void start(Map<String, String> env) {
    Map<String, String> all = new LinkedHashMap<>(env);
    all.put("COSTWATCH_COMPUTE_SKUS", "ws-a/gpu1=Standard_NC24ads_A100_v4");
    AppConfig config = ConfigLoader.load(all);
    harness = new TopologyHarness(config, stateDir);
    metrics = harness.input(Topics.METRICS_RAW);
    billing = harness.input(Topics.BILLING_RAW);
    alerts = harness.output(Topics.ALERTS);
    alertState = harness.output(Topics.ALERT_STATE);
    owners = harness.output(Topics.OWNERS);
    deadLetters = harness.output(Topics.DEAD_LETTERS);
  }

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void alertOfAComputeWhoseBillingRowsCarryTeamVisionIsOwnedByVision() {
    start(Map.of());
    // EA actual-cost exports write tags without the outer braces
    billing.pipeInput("r1", tagged(1, "gpu1", "\"team\": \"vision\",\"owner\": \"ana@contoso.example\""), T0);
    billing.pipeInput("r2", tagged(2, null, "\"team\": \"platform\",\"cost-center\": \"cc-42\""), T0);

    gpuIdleWindow("gpu1");

    List<AlertEvent> out = alerts.readValuesToList();
    assertEquals(1, out.size(), out::toString);
    // resource tags win; what the compute does not say (cost center) comes from its workspace
    assertEquals(new Owners("vision", "ana@contoso.example", "cc-42"), out.get(0).owners());
    assertEquals(out.get(0).owners(), alertState.readValuesToList().get(0).owners());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void ownersArePublishedOnceAndAgainOnlyWhenTheyChangeAndBadTagsTeachNothing() {
    start(Map.of());
    String vision = "\"team\": \"vision\"";
    billing.pipeInput("r1", tagged(1, "gpu1", vision), T0);
    billing.pipeInput("r2", tagged(2, "gpu1", vision), T0);
    billing.pipeInput("r3", tagged(3, "gpu1", "\"Team\": \"vision\",\"project\": \"x\""), T0);
    billing.pipeInput("r4", tagged(4, "gpu1", ""), T0);
    billing.pipeInput("r4b", tagged(7, "gpu1", "\"team\": nlp,"), T0);
    billing.pipeInput("r5", tagged(5, "gpu1", "{\"team\": \"nlp\"}"), T0);
    billing.pipeInput("r6", tagged(6, "gpu1", "{\"team\": \"nlp\"}"), T0);

    String key = Fixtures.workspaceId("ws-a").toLowerCase() + "/computes/gpu1";
    assertEquals(List.of(ResourceOwners.of(key, new Owners("vision", null, null)),
        ResourceOwners.of(key, new Owners("nlp", null, null))), owners.readValuesToList());

    gpuIdleWindow("gpu1");
    assertEquals("nlp", alerts.readValuesToList().get(0).owners().team());
    assertTrue(deadLetters.isEmpty(), "bad tags alone never dead-letter a row");
  }

  /**
   * A month-to-date export whose rows show team vision for the first days and nlp after, restated the next day: each
   * change is published, so the owners end as the export's last rows say. Compared with what this task published
   * last, not with the global table, which follows the topic only after the writing transaction commits.
   */
  @Test
  void aRestatedExportWhoseOwnersChangedMidMonthEndsWithItsLatestOwners() {
    start(Map.of());
    for (int run = 0; run < 2; run++) {
      billing.pipeInput("r", tagged(1, "gpu1", "\"team\": \"vision\""), T0);
      billing.pipeInput("r", tagged(2, "gpu1", "\"team\": \"vision\""), T0);
      billing.pipeInput("r", tagged(3, "gpu1", "\"team\": \"nlp\""), T0);
      billing.pipeInput("r", tagged(4, "gpu1", "\"team\": \"nlp\""), T0);
    }
    String key = Fixtures.workspaceId("ws-a").toLowerCase() + "/computes/gpu1";
    ResourceOwners vision = ResourceOwners.of(key, new Owners("vision", null, null));
    ResourceOwners nlp = ResourceOwners.of(key, new Owners("nlp", null, null));
    assertEquals(List.of(vision, nlp, vision, nlp), owners.readValuesToList());
    gpuIdleWindow("gpu1");
    assertEquals("nlp", alerts.readValuesToList().get(0).owners().team());
  }

  @Test
  void untaggedWorkspaceTakesTheConfiguredTeamAndTagNamesAreConfigurable() {
    start(Map.of("COSTWATCH_OWNER_TAGS", "team=squad,costCenter=cc",
        "COSTWATCH_OWNER_TEAMS", "resource-group:rg-ml=research"));
    billing.pipeInput("r1", tagged(1, "gpu1", "\"team\": \"ignored\",\"CC\": \"cc-7\""), T0);

    gpuIdleWindow("gpu1");

    // "team" is not a configured tag name here; the team comes from the resource group mapping
    assertEquals(new Owners("research", null, "cc-7"), alerts.readValuesToList().get(0).owners());
  }

  private void gpuIdleWindow(String compute) {
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", compute, T0, 15, 0.5, 2, 0)), T0);
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", compute, T0.plusSeconds(20 * 60), 1, 0.5, 2, 0)),
        T0.plusSeconds(20 * 60));
  }

  private static RawBillingRow tagged(long line, String compute, String tags) {
    RawBillingRow row = Fixtures.eaRow("export.csv", line + 1, "ws-a", compute, DAY, "20.00", "Usage", "m" + line);
    Map<String, String> columns = new LinkedHashMap<>(row.columns());
    columns.put("Tags", tags);
    return new RawBillingRow(row.schemaVersion(), row.file(), row.line(), row.exportRun(), columns, null, null);
  }
}
