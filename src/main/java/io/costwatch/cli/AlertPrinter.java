package io.costwatch.cli;

import io.costwatch.alert.AlertEvent;
import io.costwatch.recommend.RecommendationEvent;
import io.costwatch.recommend.SavingsEstimate;
import io.costwatch.topology.DeadLetter;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;
import java.util.stream.Collectors;

/** Prints published events the way an on-call engineer reads them: what, where, how much, what to do. */
final class AlertPrinter {

  private final PrintStream out;
  private final Map<String, RecommendationEvent> waitingRecommendations = new HashMap<>();
  private final Map<String, AlertEvent> waitingAlerts = new LinkedHashMap<>();

  AlertPrinter(PrintStream out) {
    this.out = out;
  }

  /**
   * Alerts and recommendations arrive on two topics in any order; an alert is printed once all of its
   * recommendations have arrived, with them underneath.
   */
  void print(Object event) {
    if (event instanceof AlertEvent a) {
      waitingAlerts.put(a.alertId(), a);
      printReady();
    } else if (event instanceof RecommendationEvent r) {
      waitingRecommendations.put(r.recommendationId(), r);
      printReady();
    } else if (event instanceof DeadLetter d) {
      out.printf(Locale.ROOT, "[DEAD LETTER] %s at %s: %s%n", d.reason(), d.source(), d.detail());
    }
  }

  private void printReady() {
    for (var it = waitingAlerts.values().iterator(); it.hasNext(); ) {
      AlertEvent a = it.next();
      if (waitingRecommendations.keySet().containsAll(a.recommendationIds())) {
        it.remove();
        alert(a);
        a.recommendationIds().forEach(id -> recommendation(waitingRecommendations.remove(id)));
      }
    }
  }

  private void alert(AlertEvent a) {
    out.printf(Locale.ROOT, "%n[ALERT %s] %s %s  %s  %s .. %s%n", a.status(), a.severity(), a.type(),
        shortScope(a.resourceId()), a.windowStart(), a.windowEnd());
    out.printf(Locale.ROOT, "  %s%n", a.summary());
    out.printf(Locale.ROOT, "  impact: %s %s per %s | observed %s%n", a.impact().amount().toPlainString(),
        a.impact().currency(), period(a.impact().period()), a.observed().entrySet().stream()
            .map(e -> e.getKey() + "=" + plain(e.getValue())).collect(Collectors.joining(", ")));
    if (a.trace() != null) {
      String sources = a.trace().firstSource() == null
          ? (a.trace().lastSource() == null ? "" : "last " + a.trace().lastSource())
          : a.trace().firstSource() + " .. " + a.trace().lastSource();
      out.printf(Locale.ROOT, "  rule %s %s | %d records %s%s%n", a.trace().rule(),
          a.trace().thresholds().entrySet().stream().map(e -> e.getKey() + "=" + plain(e.getValue()))
              .collect(Collectors.joining(", ", "{", "}")), a.trace().records(), sources,
          a.trace().pricedAs() == null ? "" : " | priced as " + a.trace().pricedAs());
    }
    if (!a.drivers().isEmpty()) {
      out.printf(Locale.ROOT, "  drivers: %s%n", a.drivers().stream().limit(5)
          .map(d -> d.kind() + " " + (d.name().startsWith("/") ? shortScope(d.name()) : d.name()) + " +"
              + plain(d.delta()) + " " + a.impact().currency())
          .collect(Collectors.joining("; ")));
    }
    if (a.episode() != null) {
      out.printf(Locale.ROOT, "  alertId %s | episode %d, first seen %s, last seen %s%s, waste so far %s%n",
          a.alertId(), a.episode().number(), a.episode().firstSeen(), a.episode().lastSeen(),
          a.episode().resolvedAt() == null ? "" : ", resolved " + a.episode().resolvedAt(), a.episode().totalWaste());
    } else {
      out.printf(Locale.ROOT, "  alertId %s%n", a.alertId());
    }
  }

  private void recommendation(RecommendationEvent r) {
    SavingsEstimate e = r.savingsEstimate();
    String over = e == null ? "a month" : e.horizon() + " (confidence " + e.confidence() + ", " + e.wastefulSpan()
        + " wasteful of " + e.observedSpan() + " observed)";
    out.printf(Locale.ROOT, "  -> %s: save about %s %s over %s. %s%n     set: %s%n     assumption: %s%n",
        r.action(), r.estimatedMonthlySavings().amount().toPlainString(),
        r.estimatedMonthlySavings().currency(), over, r.rationale(), r.setting(), r.assumption());
  }

  private static String period(String iso) {
    return switch (iso) {
      case "PT1H" -> "hour";
      case "P1D" -> "day";
      default -> iso;
    };
  }

  private static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }

  static String shortScope(String resourceId) {
    int at = resourceId.indexOf("/workspaces/");
    return at < 0 ? resourceId : resourceId.substring(at + "/workspaces/".length());
  }
}
