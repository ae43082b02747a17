package io.costwatch.detect;

import io.costwatch.core.AzureResourceId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The spend-spike thresholds of every workspace: global defaults plus overrides per subscription, resource group,
 * workspace name or workspace id. A production workspace can demand $500 and 20% before it pages while a research
 * resource group pages at $20, because one dollar floor cannot suit a $50 000/day subscription and a $30/day sandbox.
 * Every override matching a workspace applies, least specific first, so a field one leaves out comes from the next
 * less specific match and finally from the defaults.
 *
 * @param overrides at most one per scope, in configuration order
 */
public record ScopedSpendRules(SpendRules defaults, List<SpendOverride> overrides) {

  /** The label of rules that came from the defaults alone. */
  public static final String DEFAULTS = "defaults";

  public ScopedSpendRules {
    overrides = List.copyOf(overrides);
    Set<String> seen = new HashSet<>();
    for (SpendOverride o : overrides) {
      if (!seen.add(o.scope())) {
        throw new IllegalArgumentException("scope " + o.scope() + " is overridden twice");
      }
    }
  }

  public static ScopedSpendRules of(SpendRules defaults) {
    return new ScopedSpendRules(defaults, List.of());
  }

  /**
   * The thresholds of one workspace and where they came from.
   *
   * @param source {@link #DEFAULTS}, or {@code scope override <scope>} naming the most specific matching override
   *     (followed by {@code , inheriting <scope>...} for the less specific ones that also applied)
   */
  public record Resolution(SpendRules rules, String source) {

    public boolean overridden() {
      return !DEFAULTS.equals(source);
    }
  }

  public SpendRules rulesFor(AzureResourceId workspace) {
    return resolve(workspace).rules();
  }

  public Resolution resolve(AzureResourceId workspace) {
    List<SpendOverride> matching = new ArrayList<>();
    for (SpendOverride o : overrides) {
      if (o.matches(workspace)) {
        matching.add(o);
      }
    }
    if (matching.isEmpty()) {
      return new Resolution(defaults, DEFAULTS);
    }
    matching.sort(Comparator.comparing(SpendOverride::kind));
    SpendRules rules = defaults;
    for (SpendOverride o : matching) {
      rules = o.over(rules);
    }
    StringBuilder source = new StringBuilder("scope override ").append(matching.get(matching.size() - 1).scope());
    for (int i = matching.size() - 2; i >= 0; i--) {
      source.append(i == matching.size() - 2 ? ", inheriting " : ", ").append(matching.get(i).scope());
    }
    return new Resolution(rules, source.toString());
  }

  /** The longest lookback any workspace can have: how much daily history must be kept. */
  public int maxLookbackDays() {
    int max = defaults.lookbackDays();
    for (SpendOverride o : overrides) {
      if (o.lookbackDays() != null) {
        max = Math.max(max, o.lookbackDays());
      }
    }
    return max;
  }
}
