package io.costwatch.alert.lifecycle;

import io.costwatch.alert.AlertEvent;
import io.costwatch.core.Money;
import io.costwatch.detect.Severity;
import io.costwatch.recommend.Recommendation;
import io.costwatch.recommend.WastePattern;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A mutable copy of an {@link AlertState}, used inside one transition only, so the rules read as plain steps. */
final class Draft {

  final Fingerprint fingerprint;
  Phase phase;
  int episode;
  String alertId;
  Instant episodeStart;
  Instant firstSeen;
  Instant lastSeen;
  Instant lastEvaluated;
  Duration heldFor;
  Money totalWaste;
  Money lastWindowWaste;
  AlertEvent latest;
  List<Recommendation> recommendations;
  BigDecimal publishedImpact;
  Severity publishedSeverity;
  Instant lastResolvedAt;
  Suppression suppression;
  final Map<String, Integer> falsePositives;
  String openedAlertId;
  String publishedType;
  String publishedCause;
  WastePattern pattern;

  Draft(AlertState s) {
    fingerprint = s.fingerprint();
    phase = s.phase();
    episode = s.episode();
    alertId = s.alertId();
    episodeStart = s.episodeStart();
    firstSeen = s.firstSeen();
    lastSeen = s.lastSeen();
    lastEvaluated = s.lastEvaluated();
    heldFor = s.heldFor();
    totalWaste = s.totalWaste();
    lastWindowWaste = s.lastWindowWaste();
    latest = s.latest();
    recommendations = s.recommendations();
    publishedImpact = s.publishedImpact();
    publishedSeverity = s.publishedSeverity();
    lastResolvedAt = s.lastResolvedAt();
    suppression = s.suppression();
    falsePositives = new HashMap<>(s.falsePositives());
    openedAlertId = s.openedAlertId();
    publishedType = s.publishedType();
    publishedCause = s.publishedCause();
    pattern = s.pattern();
  }

  /** Forgets the episode, keeping what outlives it: episode count, last resolution, feedback, false positives. */
  void endEpisode() {
    phase = Phase.IDLE;
    heldFor = Duration.ZERO;
    publishedImpact = null;
    publishedSeverity = null;
    publishedType = null;
    publishedCause = null;
  }

  AlertState toState() {
    return new AlertState(AlertState.SCHEMA_VERSION, fingerprint, phase, episode, alertId, episodeStart, firstSeen,
        lastSeen, lastEvaluated, heldFor, totalWaste, lastWindowWaste, latest, recommendations, publishedImpact,
        publishedSeverity, lastResolvedAt, suppression, falsePositives, openedAlertId, publishedType, publishedCause,
        pattern);
  }
}
