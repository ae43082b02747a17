package io.costwatch.alert;

import io.costwatch.recommend.Recommendation;
import io.costwatch.recommend.RecommendationEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Builds the recommendation events of an alert. Alert ids come from the lifecycle ({@code Fingerprint#alertId}); a
 * recommendation's id is derived from its alert's and its action, so replays publish the same ids.
 */
public final class AlertFactory {

  private AlertFactory() {
  }

  /** The alert and its recommendations, ready to publish. */
  public record Published(AlertEvent alert, List<RecommendationEvent> recommendations) {
  }

  /** The recommendation events of an alert, ids derived from its alertId and each action. */
  public static List<RecommendationEvent> recommendationEvents(AlertEvent alert, List<Recommendation> recommendations) {
    List<RecommendationEvent> recs = new ArrayList<>();
    for (Recommendation r : recommendations) {
      recs.add(new RecommendationEvent(RecommendationEvent.SCHEMA_VERSION,
          recommendationId(alert.alertId(), r.action()), alert.alertId(),
          alert.workspaceId(), alert.resourceId(), r.action(), r.rationale(), r.monthlySavings(), r.confidence(),
          r.setting(), r.assumption(), alert.windowStart(), alert.windowEnd(), alert.observed(),
          r.estimate()));
    }
    return List.copyOf(recs);
  }

  /** {@code alertId-action-in-kebab-case}: one recommendation per action and alert. */
  public static String recommendationId(String alertId, String action) {
    return alertId + "-" + action.toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
