package io.costwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.owners.OwnerTags;
import io.costwatch.alert.owners.Owners;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderOwnersTest {

  private static final String WS = "/subscriptions/s1/resourcegroups/rg-ml/providers/microsoft.machinelearningservices/"
      + "workspaces/ws-vision";

  @Test
  void defaultsReadTeamOwnerAndCostCenterTagsAndNoConfiguredTeams() {
    AppConfig config = ConfigLoader.load(Map.of());

    assertEquals(OwnerTags.defaults(), config.owners().tags());
    assertEquals(List.of("cost-center", "costcenter"), config.owners().tags().costCenter());
    assertTrue(config.owners().teams().of(WS).isEmpty());
  }

  @Test
  void tagNamesAndTeamsComeFromTheirVariables() {
    AppConfig config = ConfigLoader.load(Map.of("COSTWATCH_OWNER_TAGS", "team=squad|team,owner=contact",
        "COSTWATCH_OWNER_TEAMS", "workspace:ws-vision=vision"));

    assertEquals(new Owners("nlp", "ana", "cc-1"), config.owners().tags().read(Map.of("Squad", "nlp",
        "contact", "ana", "owner", "bob", "cost-center", "cc-1")));
    assertEquals("vision", config.owners().teams().of(WS).team());
  }

  @Test
  void errorsNameTheVariableAndTheAcceptedForm() {
    ConfigException tags = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("COSTWATCH_OWNER_TAGS", "group=team")));
    ConfigException teams = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("COSTWATCH_OWNER_TEAMS", "ws-vision=vision")));

    assertTrue(tags.getMessage().startsWith("COSTWATCH_OWNER_TAGS=group=team: 'group' is not an owner field"),
        tags.getMessage());
    assertTrue(teams.getMessage().contains("COSTWATCH_OWNER_TEAMS=ws-vision=vision: 'ws-vision=vision' is not "
        + "workspace:<name>=<team>"), teams.getMessage());
  }
}
