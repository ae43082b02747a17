package io.costwatch.alert;

import io.costwatch.detect.Finding;
import io.costwatch.recommend.Recommendation;
import io.costwatch.recommend.RecommendationEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Builds the published events of one finding. Ids are hashes of the finding's identity (type, resource, currency for
 * money findings, window start), so the same finding gets the same ids on every replay and redelivery.
 */
public final class AlertFactory {

  private AlertFactory() {
  }

  /** The alert and its recommendations, ready to publish. */
  public record Published(AlertEvent alert, List<RecommendationEvent> recommendations) {
  }

  public static Published publish(Finding finding, List<Recommendation> recommendations, String pricedAs) {
    String alertId = alertId(finding);
    List<RecommendationEvent> recs = new ArrayList<>();
    for (Recommendation r : recommendations) {
      recs.add(new RecommendationEvent(RecommendationEvent.SCHEMA_VERSION,
          alertId + "-" + r.action().toLowerCase(Locale.ROOT).replace('_', '-'), alertId,
          finding.scope().workspaceId(), finding.scope().resourceId(), r.action(), r.rationale(), r.monthlySavings(),
          r.confidence(), r.setting(), r.assumption(), finding.windowStart(), finding.windowEnd(),
          finding.observed()));
    }
    AlertEvent alert = new AlertEvent(AlertEvent.SCHEMA_VERSION, alertId, finding.type().name(), AlertStatus.OPEN,
        finding.severity(), finding.scope().workspaceId(), finding.scope().resourceId(), finding.scope().scope(),
        finding.windowStart(), finding.windowEnd(), finding.observed(), finding.expected(),
        new Impact(finding.impact().amount(), finding.impact().currency(), finding.impactPeriod()), finding.cause(),
        finding.summary(), recs.stream().map(RecommendationEvent::recommendationId).toList(),
        new Trace(finding.rule(), finding.thresholds(), finding.records(), str(finding.firstSource()),
            str(finding.lastSource()), finding.vmSize() == null ? null : finding.vmSize() + " (" + pricedAs + ")"),
        null, finding.drivers());
    return new Published(alert, List.copyOf(recs));
  }

  /** The recommendation events of an alert, ids derived from its alertId and each action. */
  public static List<RecommendationEvent> recommendationEvents(AlertEvent alert, List<Recommendation> recommendations) {
    List<RecommendationEvent> recs = new ArrayList<>();
    for (Recommendation r : recommendations) {
      recs.add(new RecommendationEvent(RecommendationEvent.SCHEMA_VERSION,
          alert.alertId() + "-" + r.action().toLowerCase(Locale.ROOT).replace('_', '-'), alert.alertId(),
          alert.workspaceId(), alert.resourceId(), r.action(), r.rationale(), r.monthlySavings(), r.confidence(),
          r.setting(), r.assumption(), alert.windowStart(), alert.windowEnd(), alert.observed()));
    }
    return List.copyOf(recs);
  }

  static String alertId(Finding finding) {
    String identity = String.join("|", finding.type().name(), finding.scope().resourceId(),
        finding.impact().currency(), finding.windowStart().toString());
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return "cw-" + finding.type().name().toLowerCase(Locale.ROOT).replace('_', '-') + "-"
          + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }
}
