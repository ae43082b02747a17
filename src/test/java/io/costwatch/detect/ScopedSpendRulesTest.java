package io.costwatch.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.SourceRef;
import io.costwatch.detect.ScopedSpendRules.Resolution;
import io.costwatch.detect.SpendOverride.Kind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScopedSpendRulesTest {

  private static final String SUB = "/subscriptions/s1";
  private static final String RG = SUB + "/resourceGroups/rg-research";
  private static final SpendRules DEFAULTS = SpendRules.defaults();

  private static AzureResourceId ws(String sub, String rg, String name) {
    return AzureResourceId.workspace("/subscriptions/" + sub + "/resourceGroups/" + rg
        + "/providers/Microsoft.MachineLearningServices/workspaces/" + name);
  }

  private static SpendOverride delta(String scope, String minDelta) {
    return SpendOverride.of(scope, null, null, new BigDecimal(minDelta), null, null, null);
  }

  private static SpendOverride percent(String scope, double minPercent) {
    return SpendOverride.of(scope, null, null, null, minPercent, null, null);
  }

  @Test
  void withoutOverridesEveryWorkspaceGetsTheDefaults() {
    Resolution r = ScopedSpendRules.of(DEFAULTS).resolve(ws("s1", "rg", "ws-a"));
    assertEquals(DEFAULTS, r.rules());
    assertEquals(ScopedSpendRules.DEFAULTS, r.source());
    assertFalse(r.overridden());
  }

  @Test
  void theMostSpecificMatchWinsWhateverTheConfigurationOrder() {
    ScopedSpendRules rules = new ScopedSpendRules(DEFAULTS, List.of(
        delta(SUB, "300"),
        delta(ws("s1", "rg-research", "ws-prod").workspaceId(), "500"),
        delta(RG, "20"),
        delta("ws-prod", "400")));

    assertEquals(new BigDecimal("500"), rules.rulesFor(ws("s1", "rg-research", "ws-prod")).minDelta(),
        "a workspace id beats its name, its resource group and its subscription");
    assertEquals(new BigDecimal("400"), rules.rulesFor(ws("s1", "rg-other", "ws-prod")).minDelta(),
        "a name beats the subscription");
    assertEquals(new BigDecimal("20"), rules.rulesFor(ws("s1", "rg-research", "ws-x")).minDelta(),
        "a resource group beats the subscription");
    assertEquals(new BigDecimal("300"), rules.rulesFor(ws("s1", "rg-other", "ws-x")).minDelta());
    assertEquals(DEFAULTS, rules.rulesFor(ws("s2", "rg-research", "ws-x")), "another subscription: defaults");
  }

  @Test
  void fieldsAnOverrideLeavesOutComeFromTheNextLessSpecificMatchThenTheDefaults() {
    ScopedSpendRules rules = new ScopedSpendRules(DEFAULTS, List.of(percent(SUB, 80), delta(RG, "20"),
        SpendOverride.of("ws-r", 60, null, null, null, 2.0, null)));

    SpendRules r = rules.rulesFor(ws("s1", "rg-research", "ws-r"));

    assertEquals(60, r.lookbackDays(), "from the workspace name");
    assertEquals(2.0, r.robustZ(), "from the workspace name");
    assertEquals(new BigDecimal("20"), r.minDelta(), "from the resource group");
    assertEquals(80, r.minPercent(), "from the subscription");
    assertEquals(DEFAULTS.minHistoryDays(), r.minHistoryDays(), "from the defaults");
    assertEquals(DEFAULTS.dailyTiers(), r.dailyTiers(), "from the defaults");
    assertEquals("scope override ws-r, inheriting /subscriptions/s1/resourcegroups/rg-research, /subscriptions/s1",
        rules.resolve(ws("s1", "rg-research", "ws-r")).source());
  }

  @Test
  void scopesCompareCaseInsensitively() {
    ScopedSpendRules rules = new ScopedSpendRules(DEFAULTS, List.of(delta("/SUBSCRIPTIONS/S1/ResourceGroups/RG-Research/",
        "20"), delta("WS-Prod", "500")));

    assertEquals(new BigDecimal("20"), rules.rulesFor(AzureResourceId.parse(
        "/subscriptions/s1/resourcegroups/rg-research/providers/microsoft.machinelearningservices/workspaces/x")
        .orElseThrow()).minDelta());
    assertEquals(new BigDecimal("500"), rules.rulesFor(AzureResourceId.parse(
        "/SUBSCRIPTIONS/S9/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.MACHINELEARNINGSERVICES/WORKSPACES/WS-PROD")
        .orElseThrow()).minDelta());
    assertEquals("scope override /subscriptions/s1/resourcegroups/rg-research",
        rules.resolve(ws("s1", "rg-research", "x")).source());
  }

  @Test
  void aPrefixMatchesOnlyWholeSegments() {
    ScopedSpendRules rules = new ScopedSpendRules(DEFAULTS, List.of(delta(RG, "20"), delta("/subscriptions/s", "1")));

    assertEquals(DEFAULTS, rules.rulesFor(ws("s1", "rg-research-2", "ws-a")),
        "rg-research is not a prefix of rg-research-2, s is not a prefix of s1");
  }

  @Test
  void aWorkspaceNameDoesNotMatchAComputeOrAnotherWorkspaceContainingIt() {
    ScopedSpendRules rules = new ScopedSpendRules(DEFAULTS, List.of(delta("ws-prod", "500")));

    assertEquals(new BigDecimal("500"), rules.rulesFor(ws("s1", "rg", "ws-prod").withCompute("gpu")).minDelta());
    assertEquals(DEFAULTS, rules.rulesFor(ws("s1", "rg", "ws-prod-2")));
  }

  @ParameterizedTest
  @CsvSource({
      "/subscriptions/s1, SUBSCRIPTION",
      "/subscriptions/s1/resourceGroups/rg, RESOURCE_GROUP",
      "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws, WORKSPACE",
      "ws-prod, WORKSPACE_NAME",
      "ws_prod_01, WORKSPACE_NAME"})
  void acceptedScopes(String scope, Kind kind) {
    assertEquals(Optional.of(kind), SpendOverride.kindOf(SpendOverride.normalise(scope)));
  }

  @ParameterizedTest
  @CsvSource({
      "/subscriptions",
      "/subscriptions//resourcegroups/rg",
      "/subscriptions/s1/resourcegroups",
      "/subscriptions/s1/providers/microsoft.storage",
      "/subscriptions/s1/resourcegroups/rg/providers/microsoft.storage/storageaccounts/st",
      "/subscriptions/s1/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/ws/computes/gpu",
      "subscriptions/s1",
      "ws prod",
      "-ws"})
  void rejectedScopes(String scope) {
    assertEquals(Optional.empty(), SpendOverride.kindOf(SpendOverride.normalise(scope)));
    assertThrows(IllegalArgumentException.class, () -> delta(scope, "1"));
  }

  @Test
  void theSameScopeTwiceIsABug() {
    assertThrows(IllegalArgumentException.class, () -> new ScopedSpendRules(DEFAULTS,
        List.of(delta("ws-a", "1"), delta("WS-A", "2"))));
  }

  @Test
  void theLongestLookbackDecidesHowMuchHistoryIsKept() {
    ScopedSpendRules rules = new ScopedSpendRules(DEFAULTS, List.of(delta("ws-a", "1"),
        SpendOverride.of("ws-b", 90, null, null, null, null, null)));
    assertEquals(90, rules.maxLookbackDays());
    assertEquals(DEFAULTS.lookbackDays(), ScopedSpendRules.of(DEFAULTS).maxLookbackDays());
  }

  @Test
  void aLowerDollarFloorForOneResourceGroupAlertsWhereTheDefaultsDoNotAndSaysWhy() {
    // 13 days of ~10 $ then 40 $: +300 %, but +30 $ is under the default floor of 50 $
    NavigableMap<LocalDate, BigDecimal> series = DailySeries.with(DailySeries.of(13, i -> DailySeries.wiggle(10, i)),
        13, 40);
    ScopedSpendDetector detector = new ScopedSpendDetector(new ScopedSpendRules(DEFAULTS,
        List.of(delta(RG, "20"))));
    SourceRef source = SourceRef.line("export.csv", 2);

    Optional<Finding> research = detector.evaluate(ws("s1", "rg-research", "ws-a"), "USD", series,
        DailySeries.day(13), 14, null, source);
    Optional<Finding> elsewhere = detector.evaluate(ws("s1", "rg-prod", "ws-a"), "USD", series,
        DailySeries.day(13), 14, null, source);

    assertTrue(research.isPresent());
    assertEquals(new BigDecimal("20"), research.get().thresholds().get("minDelta"));
    assertTrue(research.get().summary().endsWith(
        " Thresholds from scope override /subscriptions/s1/resourcegroups/rg-research."), research.get().summary());
    assertEquals("spend-spike-median", research.get().rule(), "the rule name (an Alertmanager label) is unchanged");
    assertTrue(elsewhere.isEmpty());
  }

  @Test
  void findingsUnderTheDefaultsKeepTheirSummary() {
    NavigableMap<LocalDate, BigDecimal> series = DailySeries.with(DailySeries.of(13, i -> DailySeries.wiggle(100, i)),
        13, 640);
    ScopedSpendDetector scoped = new ScopedSpendDetector(new ScopedSpendRules(DEFAULTS, List.of(delta(RG, "20"))));
    AzureResourceId other = ws("s1", "rg-prod", "ws-a");

    Finding finding = scoped.evaluate(other, "USD", series, DailySeries.day(13), 14, null, null).orElseThrow();

    assertEquals(new SpendSpikeDetector(DEFAULTS).evaluate(other, "USD", series, DailySeries.day(13), 14, null, null)
        .orElseThrow(), finding);
    assertFalse(finding.summary().contains("Thresholds from"), finding.summary());
  }
}
