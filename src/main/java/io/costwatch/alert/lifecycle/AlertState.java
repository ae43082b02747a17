package io.costwatch.alert.lifecycle;

import io.costwatch.alert.AlertEvent;
import io.costwatch.core.Money;
import io.costwatch.core.Versioned;
import io.costwatch.detect.Severity;
import io.costwatch.recommend.Recommendation;
import io.costwatch.recommend.WastePattern;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the lifecycle remembers about one fingerprint, as an immutable value: it is the value of the per-fingerprint
 * state store and of the compacted alert-state topic, so a restarted instance (or a sink rebuilding its firing set)
 * continues exactly where the last one stopped. Only {@link AlertLifecycle} creates new states.
 *
 * @param episode how many episodes of this fingerprint have opened so far (the current one included when FIRING)
 * @param alertId the current (or last) episode's stable id, null when no episode was ever started
 * @param episodeStart window start of the episode's first finding
 * @param firstSeen same as {@code episodeStart}; kept separate because events carry it under this name
 * @param lastSeen window end of the episode's latest finding
 * @param lastEvaluated latest window end evaluated (finding or clear); older windows are replays and are ignored
 * @param heldFor total length of the episode's consecutive finding windows (decides OPEN)
 * @param totalWaste the episode's running waste; {@code lastWindowWaste} is the latest window's share, replaced when
 *     the same window is revised (daily spend is re-evaluated as billing rows arrive)
 * @param latest the alert as of the latest finding (status OPEN), the template of the next event
 * @param publishedImpact impact amount of the last published OPEN/UPDATE, the base of the update step
 * @param lastResolvedAt when the last RESOLVED was published (quiet period)
 * @param falsePositives false-positive marks per detector rule, kept for the life of the fingerprint
 * @param openedAlertId the id of the last episode that was published OPEN (null before any): only that alert may be
 *     revised or re-announced
 * @param publishedType type of the last published OPEN/UPDATE (null before any, or in state written before it
 *     existed); with {@code publishedCause} its cause: a change of either is published as an UPDATE (one GPU waste
 *     moving from idle to input-bound), and later events name the published ones, as they do the severity
 * @param pattern how much of the recent past held the condition, across episodes: what savings are projected from
 *     (none in state written before it existed)
 */
public record AlertState(
    int schemaVersion,
    Fingerprint fingerprint,
    Phase phase,
    int episode,
    String alertId,
    Instant episodeStart,
    Instant firstSeen,
    Instant lastSeen,
    Instant lastEvaluated,
    Duration heldFor,
    Money totalWaste,
    Money lastWindowWaste,
    AlertEvent latest,
    List<Recommendation> recommendations,
    BigDecimal publishedImpact,
    Severity publishedSeverity,
    Instant lastResolvedAt,
    Suppression suppression,
    Map<String, Integer> falsePositives,
    String openedAlertId,
    String publishedType,
    String publishedCause,
    WastePattern pattern) implements Versioned<AlertState> {

  /**
   * 2: {@code openedAlertId} is set whenever the current (or last) episode was published. Version 1 state may lack it
   * (written before it existed); {@link #upgraded()} derives it from the phase.
   */
  public static final int SCHEMA_VERSION = 2;

  public AlertState {
    recommendations = recommendations == null ? List.of() : List.copyOf(recommendations);
    falsePositives = falsePositives == null ? Map.of() : Map.copyOf(falsePositives);
    suppression = suppression == null ? Suppression.none() : suppression;
    heldFor = heldFor == null ? Duration.ZERO : heldFor;
    pattern = pattern == null ? WastePattern.none() : pattern;
  }

  /** A fingerprint nothing is known about yet. */
  public static AlertState idle(Fingerprint fingerprint) {
    return new AlertState(SCHEMA_VERSION, fingerprint, Phase.IDLE, 0, null, null, null, null, null, Duration.ZERO,
        null, null, null, List.of(), null, null, null, Suppression.none(), Map.of(), null, null, null, null);
  }

  /**
   * This state in the current shape: the upgrade step applied to every value read from the lifecycle store. Version
   * 1 state without {@code openedAlertId} says whether its latest episode was published by its phase: firing, or
   * resolved after its last finding.
   */
  @Override
  public AlertState upgraded() {
    if (schemaVersion >= SCHEMA_VERSION) {
      return this;
    }
    String opened = openedAlertId;
    if (opened == null && alertId != null && (phase == Phase.FIRING || (phase == Phase.IDLE && lastResolvedAt != null
        && lastSeen != null && !lastResolvedAt.isBefore(lastSeen)))) {
      opened = alertId;
    }
    return new AlertState(SCHEMA_VERSION, fingerprint, phase, episode, alertId, episodeStart, firstSeen, lastSeen,
        lastEvaluated, heldFor, totalWaste, lastWindowWaste, latest, recommendations, publishedImpact,
        publishedSeverity, lastResolvedAt, suppression, falsePositives, opened, publishedType, publishedCause,
        pattern);
  }

  public int falsePositiveCount(String detector) {
    return falsePositives.getOrDefault(detector, 0);
  }
}
