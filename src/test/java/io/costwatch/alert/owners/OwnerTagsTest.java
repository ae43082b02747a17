package io.costwatch.alert.owners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OwnerTagsTest {

  private static final String WS = "/subscriptions/s1/resourcegroups/rg-ml/providers/microsoft.machinelearningservices/"
      + "workspaces/ws-vision";

  @Test
  void defaultTagNamesMatchIgnoringCaseAndBlankValuesCountAsAbsent() {
    Owners owners = OwnerTags.defaults().read(Map.of("Team", " vision ", "OWNER", "", "CostCenter", "cc-42"));

    assertEquals(new Owners("vision", null, "cc-42"), owners);
  }

  @Test
  void tagsWithoutOwnersGiveNone() {
    assertTrue(OwnerTags.defaults().read(Map.of("project", "x")).isEmpty());
    assertTrue(OwnerTags.defaults().read(Map.of()).isEmpty());
    assertTrue(OwnerTags.defaults().read(null).isEmpty());
  }

  @Test
  void configuredNamesAreTriedInOrderAndAnEmptyListSwitchesAFieldOff() {
    OwnerTags tags = OwnerTags.parse("team=squad|team, owner=");

    assertEquals(new Owners("nlp", null, "cc-1"), tags.read(Map.of("team", "vision", "Squad", "nlp",
        "owner", "ana", "cost-center", "cc-1")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
      "team;'team' is not field=tag",
      "squad=team;'squad' is not an owner field"})
  void badTagSettingsNameTheEntry(String text, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OwnerTags.parse(text));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  @Test
  void workspaceTeamWinsOverItsResourceGroupsAndNamesCompareIgnoringCase() {
    OwnerDefaults teams = OwnerDefaults.parse("resource-group:RG-ML=research, workspace:WS-Vision=vision");

    assertEquals("vision", teams.of(WS).team());
    assertEquals("research", teams.of(WS.replace("ws-vision", "ws-other")).team());
    assertTrue(teams.of(WS.replace("rg-ml", "rg-x").replace("ws-vision", "ws-other")).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> OwnerDefaults.parse("ws-vision=vision"));
  }

  @Test
  void resourceTagsWinFieldByFieldOverWorkspaceTagsThenTheConfiguredTeam() {
    OwnerSettings settings = new OwnerSettings(OwnerTags.defaults(), OwnerDefaults.parse("workspace:ws-vision=ops"));
    ResourceOwners compute = ResourceOwners.of(WS + "/computes/gpu", new Owners("vision", null, null));
    ResourceOwners workspace = ResourceOwners.of(WS, new Owners("platform", "ana", null));

    assertEquals(new Owners("vision", "ana", null), settings.resolve(compute, workspace, WS));
    assertEquals(new Owners("platform", "ana", null), settings.resolve(null, workspace, WS));
    assertEquals(new Owners("ops", null, null), settings.resolve(null, null, WS));
  }
}
