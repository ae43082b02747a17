package io.costwatch.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ResourceLinksTest {

  private static final String RG = "/subscriptions/s1/resourceGroups/rg-ml";
  private static final String STORE = RG + "/providers/Microsoft.Storage/storageAccounts/mlstore01";
  private static final String WS_A = RG + "/providers/Microsoft.MachineLearningServices/workspaces/ws-a";
  private static final String WS_B = RG + "/providers/Microsoft.MachineLearningServices/workspaces/ws-b";

  private static CostRecord row(String resourceId, AzureResourceId workspace) {
    Instant day = Instant.parse("2026-10-01T00:00:00Z");
    return new CostRecord(CostRecord.SCHEMA_VERSION, "li-1", "scope", "EA", CostBasis.ACTUAL, ChargeKind.USAGE, day,
        day.plusSeconds(86_400), resourceId.toLowerCase(java.util.Locale.ROOT), workspace, "Storage", "Storage",
        "Hot LRS", "Data Stored", BigDecimal.ONE, "1 GB/Month", new BigDecimal("12.50"), "USD", null, Map.of(),
        SourceRef.line("export.csv", 2));
  }

  private static ResourceLinks links() {
    Map<String, String> links = new LinkedHashMap<>();
    links.put(STORE, WS_A);
    links.put(RG.toUpperCase(java.util.Locale.ROOT), WS_B);
    return ResourceLinks.of(links);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      // the storage account itself and anything under it: the longest link wins
      STORE + ", ws-a",
      STORE + "/blobServices/default, ws-a",
      // a sibling whose name merely starts with the account's name only matches the resource group link
      STORE + "2, ws-b",
      RG + "/providers/Microsoft.ContainerRegistry/registries/mlacr, ws-b",
      // upper case ids match lower-case links and the other way round
      "/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG-ML/PROVIDERS/MICROSOFT.STORAGE/STORAGEACCOUNTS/MLSTORE01, ws-a",
      // another resource group whose name starts with rg-ml: no link
      "/subscriptions/s1/resourceGroups/rg-ml2/providers/Microsoft.KeyVault/vaults/kv, ",
      "/subscriptions/s2/resourceGroups/rg-ml/providers/Microsoft.KeyVault/vaults/kv, "})
  void attachesTheLongestLinkAtASegmentBoundary(String resourceId, String workspace) {
    CostRecord attached = links().attach(row(resourceId, null));
    if (workspace == null) {
      assertNull(attached.workspace());
    } else {
      assertEquals(workspace, attached.workspace().workspaceName());
      assertEquals(AzureResourceId.workspace(workspace.equals("ws-a") ? WS_A : WS_B), attached.workspace());
      assertEquals(row(resourceId, null).withWorkspace(attached.workspace()), attached,
          "only the workspace changes");
    }
  }

  @Test
  void aRowThatAlreadyNamesAWorkspaceKeepsIt() {
    AzureResourceId own = AzureResourceId.workspace(WS_A.replace("ws-a", "ws-c"));
    CostRecord record = row(STORE, own);
    assertSame(record, links().attach(record));
  }

  @Test
  void withoutLinksNothingChanges() {
    CostRecord record = row(STORE, null);
    assertSame(record, ResourceLinks.none().attach(record));
  }

  @Test
  void invalidLinksAreBugsHereBecauseTheLoaderValidatesFirst() {
    assertThrows(IllegalArgumentException.class, () -> ResourceLinks.of(Map.of("mlstore01", WS_A)));
    assertThrows(IllegalArgumentException.class, () -> ResourceLinks.of(Map.of(STORE, RG)));
    assertThrows(IllegalArgumentException.class, () -> ResourceLinks.of(Map.of(STORE, WS_A + "/computes/gpu")));
  }
}
