package io.costwatch.alert;

import io.costwatch.alert.owners.Owners;
import io.costwatch.core.ScopeKind;
import io.costwatch.detect.Severity;
import io.costwatch.detect.spend.Driver;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The alert event published to the alert topic (JSON, camelCase). {@code alertId} is derived from the finding's
 * identity only (type, resource, currency and the start of the episode), never from wall-clock time, so a replay
 * publishes the same ids. {@code episode} carries the lifecycle: first and last seen, resolution, total waste.
 * {@code owners} names who answers for the resource (from its or its workspace's tags, or the configured team; only
 * what is known, {@code {}} when nothing is), attached when the event is published.
 */
public record AlertEvent(
    int schemaVersion,
    String alertId,
    String type,
    AlertStatus status,
    Severity severity,
    String workspaceId,
    String resourceId,
    ScopeKind scope,
    Instant windowStart,
    Instant windowEnd,
    Map<String, BigDecimal> observed,
    Map<String, BigDecimal> expected,
    Impact impact,
    String cause,
    String summary,
    List<String> recommendationIds,
    Trace trace,
    Episode episode,
    List<Driver> drivers,
    Owners owners) {

  public static final int SCHEMA_VERSION = 1;

  public AlertEvent {
    drivers = drivers == null ? List.of() : List.copyOf(drivers);
    owners = owners == null ? Owners.NONE : owners;
  }

  /** An alert whose owners are not known yet (they are attached when it is published). */
  public AlertEvent(int schemaVersion, String alertId, String type, AlertStatus status, Severity severity,
      String workspaceId, String resourceId, ScopeKind scope, Instant windowStart, Instant windowEnd,
      Map<String, BigDecimal> observed, Map<String, BigDecimal> expected, Impact impact, String cause, String summary,
      List<String> recommendationIds, Trace trace, Episode episode, List<Driver> drivers) {
    this(schemaVersion, alertId, type, status, severity, workspaceId, resourceId, scope, windowStart, windowEnd,
        observed, expected, impact, cause, summary, recommendationIds, trace, episode, drivers, Owners.NONE);
  }

  /** An alert without root-cause drivers. */
  public AlertEvent(int schemaVersion, String alertId, String type, AlertStatus status, Severity severity,
      String workspaceId, String resourceId, ScopeKind scope, Instant windowStart, Instant windowEnd,
      Map<String, BigDecimal> observed, Map<String, BigDecimal> expected, Impact impact, String cause, String summary,
      List<String> recommendationIds, Trace trace, Episode episode) {
    this(schemaVersion, alertId, type, status, severity, workspaceId, resourceId, scope, windowStart, windowEnd,
        observed, expected, impact, cause, summary, recommendationIds, trace, episode, List.of(), Owners.NONE);
  }

  /**
   * The id of this event (not of the alert): {@code alertId:STATUS:lastSeen}. A redelivery of the same event has the
   * same id, the next UPDATE a new one. It is the CloudEvents {@code ce_id} on the alert topic and the webhook's
   * {@code webhook-id} and {@code Idempotency-Key}.
   */
  public String eventId() {
    return alertId + ":" + status + ":" + (episode == null ? windowEnd : episode.lastSeen());
  }

  public AlertEvent withEpisode(Episode value) {
    return new AlertEvent(schemaVersion, alertId, type, status, severity, workspaceId, resourceId, scope, windowStart,
        windowEnd, observed, expected, impact, cause, summary, recommendationIds, trace, value, drivers, owners);
  }

  public AlertEvent withSummary(String value) {
    return new AlertEvent(schemaVersion, alertId, type, status, severity, workspaceId, resourceId, scope, windowStart,
        windowEnd, observed, expected, impact, cause, value, recommendationIds, trace, episode, drivers, owners);
  }

  public AlertEvent withDrivers(List<Driver> value) {
    return new AlertEvent(schemaVersion, alertId, type, status, severity, workspaceId, resourceId, scope, windowStart,
        windowEnd, observed, expected, impact, cause, summary, recommendationIds, trace, episode, value, owners);
  }

  public AlertEvent withOwners(Owners value) {
    return new AlertEvent(schemaVersion, alertId, type, status, severity, workspaceId, resourceId, scope, windowStart,
        windowEnd, observed, expected, impact, cause, summary, recommendationIds, trace, episode, drivers, value);
  }
}
