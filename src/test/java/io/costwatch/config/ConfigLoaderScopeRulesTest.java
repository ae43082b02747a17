package io.costwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureResourceId;
import io.costwatch.detect.ScopedSpendRules;
import io.costwatch.detect.SeverityTiers;
import io.costwatch.detect.SpendRules;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code COSTWATCH_SPEND_SCOPE_RULES}: per-scope spend thresholds from JSON, and every message it can fail with. */
class ConfigLoaderScopeRulesTest {

  private static final String VAR = "COSTWATCH_SPEND_SCOPE_RULES";
  private static final AzureResourceId RESEARCH = AzureResourceId.workspace("/subscriptions/s1/resourceGroups/"
      + "rg-research/providers/Microsoft.MachineLearningServices/workspaces/ws-r");
  private static final AzureResourceId PROD = AzureResourceId.workspace("/subscriptions/s2/resourceGroups/"
      + "rg-prod/providers/Microsoft.MachineLearningServices/workspaces/ws-prod");

  @TempDir
  Path dir;

  @Test
  void withoutTheVariableEveryScopeUsesTheGlobalRules() {
    AppConfig config = ConfigLoader.load(Map.of("COSTWATCH_SPEND_MIN_DELTA", "75"));
    assertEquals(ScopedSpendRules.of(config.rules().spend()), config.spendRules());
    assertEquals(new BigDecimal("75.0"), config.spendRules().rulesFor(PROD).minDelta());
  }

  @Test
  void overridesApplyPerScopeOverTheGlobalRules() {
    AppConfig config = ConfigLoader.load(Map.of("COSTWATCH_SPEND_MIN_PERCENT", "40", VAR, """
        [{"scope": "/subscriptions/s1/resourceGroups/rg-research", "minDelta": 20},
         {"scope": "ws-prod", "minDelta": 500, "minPercent": 20, "severityTiers": [1000, 5000, 20000]},
         {"scope": "/subscriptions/S1", "minPercent": 80, "lookbackDays": 56, "minHistoryDays": 14, "robustZ": 5}]
        """));

    SpendRules research = config.spendRules().rulesFor(RESEARCH);
    SpendRules prod = config.spendRules().rulesFor(PROD);

    assertEquals(new SpendRules(56, 14, new BigDecimal("20"), 80, 5, config.rules().spend().dailyTiers()), research);
    assertEquals(new SpendRules(28, 7, new BigDecimal("500"), 20, 3.5, new SeverityTiers(new BigDecimal("1000"),
        new BigDecimal("5000"), new BigDecimal("20000"))), prod);
    assertEquals(40, config.rules().spend().minPercent(), "rules().spend() stays the global defaults");
    assertEquals("scope override /subscriptions/s1/resourcegroups/rg-research, inheriting /subscriptions/s1",
        config.spendRules().resolve(RESEARCH).source());
  }

  @Test
  void theRulesMayComeFromAFileNamedByTheFileVariable() throws IOException {
    Path file = dir.resolve("scopes.json");
    Files.writeString(file, "[{\"scope\": \"ws-prod\", \"minDelta\": 500}]");
    AppConfig config = ConfigLoader.load(Map.of(VAR + "_FILE", file.toString()));
    assertEquals(new BigDecimal("500"), config.spendRules().rulesFor(PROD).minDelta());
  }

  @Test
  void theConfigFileMayCarryTheJsonAsAProperty() throws IOException {
    Path props = dir.resolve("costwatch.properties");
    Files.writeString(props, VAR + "=[{\"scope\":\"ws-prod\",\"minPercent\":20}]\n");
    AppConfig config = ConfigLoader.load(Map.of("COSTWATCH_CONFIG_FILE", props.toString()));
    assertEquals(20, config.spendRules().rulesFor(PROD).minPercent());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "not JSON                | [{scope: | COSTWATCH_SPEND_SCOPE_RULES is not valid JSON",
      "not a list              | {\"scope\": \"ws-a\"} | COSTWATCH_SPEND_SCOPE_RULES must be a JSON list",
      "entry not an object     | [\"ws-a\"] | COSTWATCH_SPEND_SCOPE_RULES entry [0] must be a JSON object",
      "unknown field           | [{\"scope\": \"ws-a\", \"minDelta\": 1}, {\"scope\": \"ws-b\", \"min_delta\": 5}]"
          + " | COSTWATCH_SPEND_SCOPE_RULES entry [1] has unknown field 'min_delta' (allowed: [scope, lookbackDays,",
      "missing scope           | [{\"minDelta\": 5}] | COSTWATCH_SPEND_SCOPE_RULES entry [0] field scope is missing",
      "scope not a string      | [{\"scope\": 5, \"minDelta\": 5}]"
          + " | COSTWATCH_SPEND_SCOPE_RULES entry [0] field scope is missing",
      "bad scope               | [{\"scope\": \"/subscriptions/s1/providers/x\", \"minDelta\": 5}]"
          + " | COSTWATCH_SPEND_SCOPE_RULES entry [0] field scope=/subscriptions/s1/providers/x is not a subscription",
      "bad name                | [{\"scope\": \"ws prod\", \"minDelta\": 5}]"
          + " | COSTWATCH_SPEND_SCOPE_RULES entry [0] field scope=ws prod is not a subscription",
      "same scope twice        | [{\"scope\": \"ws-a\", \"minDelta\": 5}, {\"scope\": \"WS-A\", \"minPercent\": 5}]"
          + " | COSTWATCH_SPEND_SCOPE_RULES entry [1] field scope=WS-A is the same scope as an earlier entry",
      "no threshold            | [{\"scope\": \"ws-a\"}]"
          + " | COSTWATCH_SPEND_SCOPE_RULES entry [0] (scope ws-a) sets no threshold",
      "negative minDelta       | [{\"scope\": \"ws-a\", \"minDelta\": -5}]"
          + " | COSTWATCH_SPEND_SCOPE_RULES entry [0] field minDelta=-5 is negative (allowed 0..1000000000000)",
      "negative minPercent     | [{\"scope\": \"ws-a\", \"minPercent\": -1}]"
          + " | COSTWATCH_SPEND_SCOPE_RULES entry [0] field minPercent=-1 is negative (allowed 0..1000000)",
      "robustZ too large       | [{\"scope\": \"ws-a\", \"robustZ\": 101}]"
          + " | COSTWATCH_SPEND_SCOPE_RULES entry [0] field robustZ=101 is outside 0..100",
      "lookback too short      | [{\"scope\": \"ws-a\", \"lookbackDays\": 3}]"
          + " | COSTWATCH_SPEND_SCOPE_RULES entry [0] field lookbackDays=3 is outside 7..366",
      "fractional history      | [{\"scope\": \"ws-a\", \"minHistoryDays\": 7.5}]"
          + " | COSTWATCH_SPEND_SCOPE_RULES entry [0] field minHistoryDays=7.5 must be a whole number of days",
      "number as text          | [{\"scope\": \"ws-a\", \"minDelta\": \"20\"}]"
          + " | COSTWATCH_SPEND_SCOPE_RULES entry [0] field minDelta=\"20\" is not a number (allowed 0..1000000000000)",
      "bad tiers               | [{\"scope\": \"ws-a\", \"severityTiers\": [1, 2]}]"
          + " | COSTWATCH_SPEND_SCOPE_RULES entry [0] field severityTiers=[1,2] must be three non-negative amounts"})
  void invalidRulesFailNamingTheVariableTheEntryAndTheField(String name, String json, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(VAR, json)));
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  @Test
  void errorsInAFileNameTheFileVariableAndTheFile() throws IOException {
    Path file = dir.resolve("scopes.json");
    Files.writeString(file, "[{\"scope\": \"ws-a\", \"minDelta\": -1}]");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of(VAR + "_FILE", file.toString())));
    assertEquals(VAR + "_FILE=" + file + " entry [0] field minDelta=-1 is negative (allowed 0..1000000000000)",
        e.getMessage());
  }

  @Test
  void anUnreadableFileIsNamed() {
    Path missing = dir.resolve("missing.json");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of(VAR + "_FILE", missing.toString())));
    assertTrue(e.getMessage().startsWith(VAR + "_FILE=" + missing + " cannot be read"), e.getMessage());
  }

  @Test
  void theInlineValueAndTheFileAreExclusive() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of(VAR,
        "[{\"scope\": \"ws-a\", \"minDelta\": 1}]", VAR + "_FILE", "x.json")));
    assertEquals("set only one of " + VAR + " and " + VAR + "_FILE", e.getMessage());
  }
}
