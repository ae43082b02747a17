package io.costwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.ChargeKind;
import io.costwatch.core.CostBasis;
import io.costwatch.core.CostRecord;
import io.costwatch.core.ResourceLinks;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code COSTWATCH_LINKED_RESOURCES}: resources billed outside a workspace's id, and every message it fails with. */
class ConfigLoaderLinkedResourcesTest {

  private static final String VAR = "COSTWATCH_LINKED_RESOURCES";
  private static final String RG = "/subscriptions/s1/resourceGroups/rg-ml";
  private static final String STORE = RG + "/providers/Microsoft.Storage/storageAccounts/mlstore01";
  private static final String WS = RG + "/providers/Microsoft.MachineLearningServices/workspaces/ws-a";

  @Test
  void withoutTheVariableThereAreNoLinks() {
    assertEquals(ResourceLinks.none(), ConfigLoader.load(Map.of()).resourceLinks());
  }

  @Test
  void anObjectMapsResourcesToWorkspaces() {
    AppConfig config = ConfigLoader.load(Map.of(VAR, "{\"" + STORE + "\": \"" + WS + "\"}"));
    assertEquals("ResourceLinks[" + STORE.toLowerCase(Locale.ROOT) + "]",
        config.resourceLinks().toString());
  }

  @Test
  void aListOfResourceWorkspacePairsIsTheSame() {
    AppConfig config = ConfigLoader.load(Map.of(VAR, "[{\"resource\": \"" + RG + "\", \"workspace\": \"" + WS
        + "\"}]"));
    assertEquals("ResourceLinks[" + RG.toLowerCase(Locale.ROOT) + "]", config.resourceLinks().toString());
    assertTrue(config.toString().contains("resourceLinks=ResourceLinks["), config::toString);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "not JSON                | {oops | COSTWATCH_LINKED_RESOURCES is not valid JSON",
      "a string                | \"x\" | COSTWATCH_LINKED_RESOURCES must be a JSON object",
      "source not an ARM id    | {\"mlstore01\": \"" + WS + "\"}"
          + " | COSTWATCH_LINKED_RESOURCES entry \"mlstore01\" resource mlstore01 is not an ARM resource id",
      "target not a workspace  | {\"" + STORE + "\": \"" + RG + "\"}"
          + " | COSTWATCH_LINKED_RESOURCES entry \"" + STORE + "\" workspace " + RG + " is not a workspace id",
      "target a compute        | {\"" + STORE + "\": \"" + WS + "/computes/gpu\"}"
          + " | COSTWATCH_LINKED_RESOURCES entry \"" + STORE + "\" workspace " + WS + "/computes/gpu is not a",
      "target not a string     | {\"" + STORE + "\": 5}"
          + " | COSTWATCH_LINKED_RESOURCES entry \"" + STORE + "\" must map to a workspace id string",
      "list entry not object   | [\"" + STORE + "\"] | COSTWATCH_LINKED_RESOURCES entry [0] must be a JSON object",
      "unknown field           | [{\"resource\": \"" + STORE + "\", \"workspace\": \"" + WS + "\", \"note\": 1}]"
          + " | COSTWATCH_LINKED_RESOURCES entry [0] has unknown field 'note' (allowed: [resource, workspace])",
      "missing workspace       | [{\"resource\": \"" + STORE + "\"}]"
          + " | COSTWATCH_LINKED_RESOURCES entry [0] field workspace is missing or not a string",
      "linked twice            | [{\"resource\": \"" + STORE + "\", \"workspace\": \"" + WS + "\"},"
          + " {\"resource\": \"" + STORE + "/\", \"workspace\": \"" + WS + "\"}]"
          + " | COSTWATCH_LINKED_RESOURCES entry [1] resource " + STORE + "/ is linked twice"})
  void invalidLinksFailNamingTheVariableAndTheEntry(String name, String json, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(VAR, json)));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  @Test
  void theLinkedWorkspaceIsNormalised() {
    AppConfig config = ConfigLoader.load(Map.of(VAR, "{\"" + STORE.toUpperCase(Locale.ROOT) + "\": \""
        + WS.toUpperCase(Locale.ROOT) + "\"}"));
    Instant day = Instant.parse("2026-10-01T00:00:00Z");
    CostRecord storage = new CostRecord(CostRecord.SCHEMA_VERSION, "li-1", "scope", "EA", CostBasis.ACTUAL,
        ChargeKind.USAGE, day, day.plusSeconds(86_400), STORE.toLowerCase(Locale.ROOT), null, "Storage", "Storage",
        "Hot LRS", "Data Stored", BigDecimal.ONE, "1 GB/Month", BigDecimal.TEN, "USD", null, Map.of(), null);
    assertEquals(AzureResourceId.workspace(WS), config.resourceLinks().attach(storage).workspace());
  }
}
