package io.costwatch.detect;

import io.costwatch.core.AzureResourceId;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;

/**
 * Spend thresholds for one scope, overriding those of the less specific scopes it lies in. A field left null is
 * inherited, so "rg-research: minDelta 20" changes the dollar floor and nothing else.
 *
 * @param scope lower-case, without a trailing slash: {@code /subscriptions/<id>},
 *     {@code /subscriptions/<id>/resourcegroups/<rg>}, a full workspace id, or a bare workspace name
 * @param kind what {@code scope} names; it decides which override wins when several match
 */
public record SpendOverride(String scope, Kind kind, Integer lookbackDays, Integer minHistoryDays,
    BigDecimal minDelta, Double minPercent, Double robustZ, SeverityTiers dailyTiers) {

  /** What a scope names, least specific first: a later kind beats an earlier one when both match. */
  public enum Kind { SUBSCRIPTION, RESOURCE_GROUP, WORKSPACE_NAME, WORKSPACE }

  public SpendOverride {
    Kind actual = kindOf(scope).orElseThrow(() -> new IllegalArgumentException("not a scope: " + scope));
    if (actual != kind || !scope.equals(normalise(scope))) {
      throw new IllegalArgumentException("scope " + scope + " is not a normalised " + kind);
    }
  }

  /** An override of {@code scope} (any case, trailing slash allowed) setting the given non-null fields. */
  public static SpendOverride of(String scope, Integer lookbackDays, Integer minHistoryDays, BigDecimal minDelta,
      Double minPercent, Double robustZ, SeverityTiers dailyTiers) {
    String s = normalise(scope);
    Kind kind = kindOf(s).orElseThrow(() -> new IllegalArgumentException("not a scope: " + scope));
    return new SpendOverride(s, kind, lookbackDays, minHistoryDays, minDelta, minPercent, robustZ, dailyTiers);
  }

  public static String normalise(String scope) {
    String s = scope == null ? "" : scope.trim().toLowerCase(Locale.ROOT);
    while (s.length() > 1 && s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  /** What a normalised scope names, or empty when it is none of the four accepted forms. */
  public static Optional<Kind> kindOf(String scope) {
    if (scope == null || scope.isEmpty()) {
      return Optional.empty();
    }
    if (!scope.contains("/")) {
      return scope.matches("[a-z0-9][a-z0-9_-]*") ? Optional.of(Kind.WORKSPACE_NAME) : Optional.empty();
    }
    String[] parts = scope.split("/", -1);
    if (!parts[0].isEmpty() || parts.length < 3 || !"subscriptions".equals(parts[1])) {
      return Optional.empty();
    }
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].isEmpty()) {
        return Optional.empty();
      }
    }
    if (parts.length == 3) {
      return Optional.of(Kind.SUBSCRIPTION);
    }
    if (parts.length == 5 && "resourcegroups".equals(parts[3])) {
      return Optional.of(Kind.RESOURCE_GROUP);
    }
    return AzureResourceId.parse(scope).filter(id -> id.workspaceId().equals(scope)).map(id -> Kind.WORKSPACE);
  }

  public boolean matches(AzureResourceId workspace) {
    String id = workspace.workspaceId();
    return switch (kind) {
      case SUBSCRIPTION, RESOURCE_GROUP -> id.startsWith(scope + "/");
      case WORKSPACE_NAME -> workspace.workspaceName().equals(scope);
      case WORKSPACE -> id.equals(scope);
    };
  }

  /** {@code base} with this override's fields replacing the ones it sets. */
  public SpendRules over(SpendRules base) {
    return new SpendRules(
        lookbackDays != null ? lookbackDays : base.lookbackDays(),
        minHistoryDays != null ? minHistoryDays : base.minHistoryDays(),
        minDelta != null ? minDelta : base.minDelta(),
        minPercent != null ? minPercent : base.minPercent(),
        robustZ != null ? robustZ : base.robustZ(),
        dailyTiers != null ? dailyTiers : base.dailyTiers());
  }
}
