package io.costwatch.alert.lifecycle;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertStatus;
import io.costwatch.alert.Episode;
import io.costwatch.core.Money;
import io.costwatch.recommend.Recommendation;
import java.time.Instant;
import java.util.List;

/**
 * What the lifecycle publishes: the familiar {@link AlertEvent} (its {@code alertId} now stable per episode, its
 * {@code status} OPEN, UPDATE or RESOLVED) wrapped with what only the lifecycle knows. A wrapper rather than new
 * AlertEvent fields keeps the per-window detector contract (schema v1) unchanged and puts episode facts in one place.
 *
 * @param fingerprint {@link Fingerprint#key()}, the key of the state topic
 * @param episode 1-based episode number of this fingerprint
 * @param firstSeen window start of the episode's first finding (Alertmanager {@code startsAt})
 * @param lastSeen window end of the episode's latest finding
 * @param resolvedAt for RESOLVED the window end at which the clear period completed (Alertmanager {@code endsAt}),
 *     else null
 * @param totalWaste the episode's waste so far: hourly impact times window hours, or the daily excess of spend
 * @param recommendations the latest finding's recommendations, best first (may be empty)
 */
public record LifecycleEvent(
    int schemaVersion,
    String fingerprint,
    int episode,
    AlertEvent alert,
    Instant firstSeen,
    Instant lastSeen,
    Instant resolvedAt,
    Money totalWaste,
    List<Recommendation> recommendations) {

  public static final int SCHEMA_VERSION = 1;

  public LifecycleEvent {
    recommendations = recommendations == null ? List.of() : List.copyOf(recommendations);
  }

  public String alertId() {
    return alert.alertId();
  }

  public AlertStatus status() {
    return alert.status();
  }

  /** {@code alertId:STATUS:lastSeen}: the same event redelivered has the same key, the next UPDATE a new one. */
  public String idempotencyKey() {
    return alert.alertId() + ":" + alert.status() + ":" + lastSeen;
  }

  /**
   * The published alert event: the alert with this event's {@link Episode}. It is the value of {@code cost.alerts.v1}
   * and the webhook body alike (one shape, schemas/alert-event.v1.schema.json).
   */
  public AlertEvent alertEvent() {
    return alert.withEpisode(new Episode(fingerprint, episode, firstSeen, lastSeen, resolvedAt, totalWaste));
  }
}
