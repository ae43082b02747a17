package io.costwatch.alert.delivery;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertStatus;
import io.costwatch.alert.lifecycle.LifecycleEvent;
import io.costwatch.core.AzureResourceId;
import io.costwatch.recommend.Recommendation;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One element of Alertmanager's {@code POST /api/v2/alerts} body ({@code postableAlert}). Labels identify the alert
 * (Alertmanager groups, routes and de-duplicates on them, so they hold no changing values); annotations carry the
 * text. {@code alert_id} is in the labels so that two episodes of the same waste are two alerts. {@code team},
 * {@code owner} and {@code cost_center} are there when the alert's owners are known, for routing (a changed tag ends
 * the alert under its old labels, see {@link AlertmanagerSink}).
 */
public record AlertmanagerAlert(Map<String, String> labels, Map<String, String> annotations, Instant startsAt,
    Instant endsAt, String generatorURL) {

  /** The alert as of {@code now}: RESOLVED ends at its resolution time, anything else at {@code now + resendTtl}. */
  public static AlertmanagerAlert of(LifecycleEvent event, AlertmanagerConfig config, Instant now) {
    AlertEvent a = event.alert();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", a.type());
    labels.put("severity", a.severity().name().toLowerCase(Locale.ROOT));
    labels.put("workspace", workspaceName(a.workspaceId()));
    labels.put("scope", AzureResourceId.parse(a.resourceId()).map(AzureResourceId::label).orElse(a.resourceId()));
    if (a.trace() != null && a.trace().rule() != null) {
      labels.put("detector", a.trace().rule());
    }
    labels.put("alert_id", a.alertId());
    putIfKnown(labels, "team", a.owners().team());
    putIfKnown(labels, "owner", a.owners().owner());
    putIfKnown(labels, "cost_center", a.owners().costCenter());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("summary", a.summary());
    annotations.put("description", description(event));
    annotations.put("runbook_url", join(config.runbookBaseUrl(), runbookAnchor(a.type())));
    if (!event.recommendations().isEmpty()) {
      annotations.put("recommendation", recommendation(event.recommendations().get(0)));
    }
    annotations.put("impact", money(a.impact().amount(), a.impact().currency()) + " per " + per(a.impact().period()));
    annotations.put("total_waste", money(event.totalWaste().amount(), event.totalWaste().currency()));
    Instant endsAt = event.status() == AlertStatus.RESOLVED ? event.resolvedAt() : now.plus(config.resendTtl());
    String generator = config.generatorBaseUrl() == null ? null : join(config.generatorBaseUrl(), a.alertId());
    return new AlertmanagerAlert(labels, annotations, event.firstSeen(), endsAt, generator);
  }

  private static void putIfKnown(Map<String, String> labels, String name, String value) {
    if (value != null) {
      labels.put(name, value);
    }
  }

  private static String description(LifecycleEvent event) {
    AlertEvent a = event.alert();
    StringBuilder text = new StringBuilder();
    text.append(a.summary()).append(". Wasting ").append(money(a.impact().amount(), a.impact().currency()))
        .append(" per ").append(per(a.impact().period())).append("; ")
        .append(money(event.totalWaste().amount(), event.totalWaste().currency())).append(" wasted since ")
        .append(event.firstSeen()).append(" (episode ").append(event.episode()).append(").");
    if (event.status() == AlertStatus.RESOLVED) {
      text.append(" Resolved at ").append(event.resolvedAt()).append('.');
    }
    if (!event.recommendations().isEmpty()) {
      text.append(" Recommendation: ").append(recommendation(event.recommendations().get(0)));
    }
    return text.toString();
  }

  static String recommendation(Recommendation r) {
    StringBuilder text = new StringBuilder(r.action()).append(": ").append(r.rationale());
    if (r.setting() != null) {
      text.append(" Set ").append(r.setting()).append('.');
    }
    if (r.monthlySavings() != null) {
      text.append(" Saves about ").append(money(r.monthlySavings().amount(), r.monthlySavings().currency()))
          .append(" per month.");
    }
    return text.toString();
  }

  static String money(BigDecimal amount, String currency) {
    String value = amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
    return "USD".equals(currency) ? "$" + value : value + " " + currency;
  }

  private static String per(String period) {
    return switch (period) {
      case "PT1H" -> "hour";
      case "P1D" -> "day";
      default -> period;
    };
  }

  private static String workspaceName(String workspaceId) {
    return workspaceId.substring(workspaceId.lastIndexOf('/') + 1);
  }

  /** The section of docs/runbooks.md for an alert type: the type in kebab case, {@code GPU_IDLE -> gpu-idle}. */
  public static String runbookAnchor(String type) {
    return type.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** A base ending in {@code /} or {@code #} (a page's anchor, as the default) is followed directly. */
  private static String join(String base, String tail) {
    return base.endsWith("/") || base.endsWith("#") ? base + tail : base + "/" + tail;
  }
}
