package io.costwatch.alert.lifecycle;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertFactory;
import io.costwatch.alert.AlertStatus;
import io.costwatch.alert.Impact;
import io.costwatch.alert.Trace;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.Money;
import io.costwatch.detect.Finding;
import io.costwatch.detect.Severity;
import io.costwatch.recommend.Recommendation;
import io.costwatch.recommend.SavingsProjection;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns the per-window findings of one fingerprint into alert episodes: OPEN once, UPDATE on material change, RESOLVED
 * once. Pure: every decision depends on the previous {@link AlertState} and the window's event time only, so replaying
 * the same inputs gives the same states, ids and events. Windows older than the last one evaluated are replays and
 * change nothing; the same window again is a revision (daily spend is re-evaluated as billing rows arrive).
 *
 * <p>The Kafka adapter keeps one state per {@link Fingerprint#key()} in a store backed by a compacted topic and calls
 * {@link #onFinding} for each final window with a finding and {@link #onClear} for each final window evaluated
 * without one.
 */
public final class AlertLifecycle {

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
  /**
   * Savings in events are projected from the fingerprint's observed pattern ({@link AlertState#pattern()}), not
   * extrapolated from the latest window: 30 days from up to 7 days observed.
   */
  public static final SavingsProjection SAVINGS = SavingsProjection.defaults();

  private final LifecycleRules rules;

  public AlertLifecycle(LifecycleRules rules) {
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  public LifecycleRules rules() {
    return rules;
  }

  public Transition onFinding(AlertState current, Finding finding, Instant windowEnd) {
    return onFinding(current, finding, List.of(), windowEnd);
  }

  /** A window ending at {@code windowEnd} held {@code finding}; {@code recommendations} best first, may be empty. */
  public Transition onFinding(AlertState current, Finding finding, List<Recommendation> recommendations,
      Instant windowEnd) {
    Fingerprint fingerprint = Fingerprint.of(finding);
    AlertState state = current == null ? AlertState.idle(fingerprint) : current;
    if (!state.fingerprint().equals(fingerprint)) {
      throw new IllegalArgumentException("state of " + state.fingerprint().key() + " given a finding of "
          + fingerprint.key());
    }
    if (state.lastEvaluated() != null && windowEnd.isBefore(state.lastEvaluated())) {
      return Transition.silent(state);
    }
    boolean sameWindow = windowEnd.equals(state.lastEvaluated());
    boolean active = state.phase() != Phase.IDLE;
    if (sameWindow && !(active && windowEnd.equals(state.lastSeen()))) {
      return Transition.silent(state);
    }
    Draft d = new Draft(state);
    d.pattern = sameWindow ? d.pattern.clear(windowEnd, SAVINGS.lookback())
        : d.pattern.wasteful(finding.windowStart(), finding.windowEnd(), SAVINGS.lookback())
            .clear(windowEnd, SAVINGS.lookback());
    Money waste = windowWaste(finding);
    if (sameWindow) {
      d.totalWaste = d.totalWaste.minus(d.lastWindowWaste).plus(waste);
    } else if (d.phase == Phase.IDLE || (d.phase == Phase.PENDING && finding.windowStart().isAfter(d.lastSeen))) {
      startEpisode(d, finding);
      d.totalWaste = waste;
    } else {
      d.heldFor = d.heldFor.plus(Duration.between(finding.windowStart(), finding.windowEnd()));
      d.totalWaste = d.totalWaste.plus(waste);
    }
    d.lastWindowWaste = waste;
    d.lastSeen = finding.windowEnd();
    d.lastEvaluated = windowEnd;
    d.latest = alertOf(finding, d.alertId, recommendations);
    d.recommendations = recommendations == null ? List.of() : List.copyOf(recommendations);
    return switch (d.phase) {
      case PENDING, SUPPRESSED -> tryOpen(d, windowEnd);
      case FIRING -> maybeUpdate(d, windowEnd);
      case IDLE -> throw new IllegalStateException("an episode was just started");
    };
  }

  /**
   * A window of {@code scope} ending at {@code windowEnd} was evaluated and held no finding of {@code type}. A pending
   * episode ends at once (the condition must hold in consecutive windows); an open one resolves once no finding has
   * been seen for {@code clearBeforeResolve}.
   */
  public Transition onClear(AlertState current, AzureResourceId scope, String type, Instant windowEnd) {
    if (current == null) {
      return Transition.silent(null);
    }
    Fingerprint f = current.fingerprint();
    if (!f.type().equals(type) || !f.resourceId().equals(scope.resourceId())) {
      throw new IllegalArgumentException("state of " + f.key() + " given a clear of " + type + "|"
          + scope.resourceId());
    }
    if (current.lastEvaluated() != null && !windowEnd.isAfter(current.lastEvaluated())) {
      return Transition.silent(current);
    }
    Draft d = new Draft(current);
    d.lastEvaluated = windowEnd;
    d.pattern = d.pattern.clear(windowEnd, SAVINGS.lookback());
    switch (d.phase) {
      case IDLE -> {
        return Transition.silent(d.toState());
      }
      case PENDING -> {
        d.endEpisode();
        return Transition.silent(d.toState());
      }
      default -> {
        if (Duration.between(d.lastSeen, windowEnd).compareTo(rules.clearBeforeResolve()) < 0) {
          return Transition.silent(d.toState());
        }
      }
    }
    boolean wasFiring = d.phase == Phase.FIRING;
    LifecycleEvent resolved = wasFiring ? event(d, AlertStatus.RESOLVED, windowEnd) : null;
    d.endEpisode();
    d.suppression = d.suppression.afterEpisode(windowEnd);
    if (!wasFiring) {
      return Transition.silent(d.toState());
    }
    d.lastResolvedAt = windowEnd;
    return Transition.publishing(d.toState(), resolved);
  }

  /**
   * A window evaluated earlier was evaluated again because its data was corrected (billing rows of a past day revised,
   * added or retracted after the day was judged). {@code revised} is the window's finding now, or null when the
   * window no longer holds one; {@code previousWaste} is the waste the window counted with before, or null when it
   * held no finding.
   *
   * <p>When the window belongs to the latest episode, that episode's alert is revised, never a new one opened: a firing
   * alert gets an UPDATE with the corrected numbers, or a RESOLVED when the correction removed its only finding; a
   * resolved alert is re-announced as RESOLVED with the corrected episode. A window outside the latest episode that
   * now holds a finding starts an episode when the fingerprint is idle and the window is newer than the last
   * episode; otherwise (a later episode is under way) the revision is only recorded in the counts of nothing, since
   * the alert of that time was never raised.
   */
  public Transition onRevision(AlertState current, Fingerprint fingerprint, Finding revised, Money previousWaste,
      Instant windowStart, Instant windowEnd) {
    AlertState state = current == null ? AlertState.idle(fingerprint) : current;
    boolean covered = state.alertId() != null && state.episodeStart() != null && state.lastSeen() != null
        && !windowStart.isBefore(state.episodeStart()) && !windowEnd.isAfter(state.lastSeen());
    if (!covered && revised != null && state.phase() == Phase.FIRING && !windowStart.isBefore(state.lastSeen())) {
      // a window after the episode's last finding, judged clear before, now holds one: the episode grew
      Draft d = new Draft(state);
      d.totalWaste = d.totalWaste.plus(windowWaste(revised));
      d.heldFor = d.heldFor.plus(Duration.between(revised.windowStart(), revised.windowEnd()));
      d.pattern = d.pattern.wasteful(revised.windowStart(), revised.windowEnd(), SAVINGS.lookback());
      d.lastSeen = revised.windowEnd();
      d.lastWindowWaste = windowWaste(revised);
      d.latest = alertOf(revised.withSummary(revised.summary() + " Revised: the window " + windowStart + " to "
          + windowEnd + " was evaluated again after a billing correction."), d.alertId, d.recommendations);
      if (d.suppression.suppressesUpdate(state.lastEvaluated() == null ? windowEnd : state.lastEvaluated())) {
        return Transition.silent(d.toState());
      }
      return Transition.publishing(published(d), event(d, AlertStatus.UPDATE, null));
    }
    if (!covered && revised != null && state.phase() == Phase.IDLE && published(state)
        && windowStart.equals(state.lastSeen())) {
      // the day after a resolved episode's last finding now holds one too: that episode grew, it stays resolved
      Draft d = new Draft(state);
      d.totalWaste = d.totalWaste.plus(windowWaste(revised));
      d.lastSeen = revised.windowEnd();
      if (d.lastResolvedAt.isBefore(d.lastSeen)) {
        d.lastResolvedAt = d.lastSeen; // resolved no earlier than its (grown) last finding
      }
      d.latest = d.latest.withSummary(baseSummary(d.latest.summary()) + revisedNote(windowStart, windowEnd, true,
          false));
      return Transition.publishing(d.toState(), event(d, AlertStatus.RESOLVED, d.lastResolvedAt));
    }
    if (!covered) {
      if (revised == null || state.phase() != Phase.IDLE
          || (state.lastSeen() != null && windowStart.isBefore(state.lastSeen()))) {
        return Transition.silent(current);
      }
      Draft d = new Draft(state);
      startEpisode(d, revised);
      d.pattern = d.pattern.wasteful(revised.windowStart(), revised.windowEnd(), SAVINGS.lookback());
      d.totalWaste = windowWaste(revised);
      d.lastWindowWaste = d.totalWaste;
      d.lastSeen = revised.windowEnd();
      d.latest = alertOf(revised, d.alertId, List.of());
      d.recommendations = List.of();
      return tryOpen(d, windowEnd);
    }
    Draft d = new Draft(state);
    Money before = previousWaste == null ? Money.zero(d.totalWaste.currency()) : previousWaste;
    Money now = revised == null ? Money.zero(d.totalWaste.currency()) : windowWaste(revised);
    d.totalWaste = d.totalWaste.minus(before).plus(now);
    if (windowEnd.equals(d.lastSeen)) {
      d.lastWindowWaste = now;
    }
    boolean nothingLeft = d.totalWaste.amount().signum() <= 0;
    String note = revisedNote(windowStart, windowEnd, revised != null, nothingLeft);
    // the alert keeps describing the episode's latest window; a revision of an earlier one only changes the totals
    d.latest = revised != null && windowEnd.equals(d.lastSeen)
        ? alertOf(revised.withSummary(revised.summary() + note), d.alertId, d.recommendations)
        : d.latest.withSummary(baseSummary(d.latest.summary()) + note);
    switch (d.phase) {
      case FIRING -> {
        if (nothingLeft) {
          Instant at = d.lastEvaluated == null ? windowEnd : d.lastEvaluated;
          LifecycleEvent resolved = event(d, AlertStatus.RESOLVED, at);
          d.endEpisode();
          d.lastResolvedAt = at;
          return Transition.publishing(d.toState(), resolved);
        }
        if (d.suppression.suppressesUpdate(d.lastEvaluated == null ? windowEnd : d.lastEvaluated)) {
          return Transition.silent(d.toState());
        }
        return Transition.publishing(published(d), event(d, AlertStatus.UPDATE, null));
      }
      case IDLE -> {
        if (!published(state) || d.lastResolvedAt == null || d.lastResolvedAt.isBefore(d.lastSeen)) {
          // the latest episode ended pending, never published: there is no alert to revise
          return Transition.silent(d.toState());
        }
        return Transition.publishing(d.toState(), event(d, AlertStatus.RESOLVED, d.lastResolvedAt));
      }
      default -> {
        if (nothingLeft) {
          d.endEpisode();
        }
        return Transition.silent(d.toState());
      }
    }
  }

  /**
   * True when the latest episode was published (OPEN), so it has an alert that a revision may change. State of an
   * older schema is upgraded when read from the store ({@link AlertState#upgraded()}).
   */
  private static boolean published(AlertState state) {
    return state.alertId() != null && state.alertId().equals(state.openedAlertId());
  }

  private static String revisedNote(Instant windowStart, Instant windowEnd, boolean stillFound, boolean nothingLeft) {
    return stillFound
        ? " Revised: the window " + windowStart + " to " + windowEnd + " was evaluated again after a billing correction."
        : " Revised: a billing correction removed the finding of the window " + windowStart + " to " + windowEnd
            + (nothingLeft ? "; nothing of the episode remains, the alert is retracted." : ".");
  }

  /** A summary without the note of an earlier revision, so notes do not pile up. */
  private static String baseSummary(String summary) {
    int at = summary == null ? -1 : summary.indexOf(" Revised: ");
    return at < 0 ? summary : summary.substring(0, at);
  }

  /**
   * Applies user feedback. It never publishes by itself: a snooze or mark takes effect at the next OPEN or UPDATE
   * decision, and a firing alert still resolves normally.
   */
  public AlertState onFeedback(AlertState current, Fingerprint fingerprint, Feedback feedback) {
    AlertState state = current == null ? AlertState.idle(fingerprint) : current;
    Draft d = new Draft(state);
    Suppression s = d.suppression;
    d.suppression = switch (feedback.kind()) {
      case ACKNOWLEDGE -> new Suppression(true, s.snoozedUntil(), s.expected(), s.falsePositive(), feedback.note());
      case SNOOZE -> new Suppression(s.acknowledged(), feedback.until(), s.expected(), s.falsePositive(),
          feedback.note());
      case EXPECTED -> new Suppression(s.acknowledged(), feedback.until(), true, s.falsePositive(), feedback.note());
      case FALSE_POSITIVE -> new Suppression(s.acknowledged(), feedback.until(), s.expected(), true, feedback.note());
      case UNSUPPRESS -> Suppression.none();
    };
    if (feedback.kind() == Feedback.Kind.FALSE_POSITIVE) {
      d.falsePositives.merge(detectorOf(state), 1, Integer::sum);
    }
    return d.toState();
  }

  /** The event that re-announces a firing state (sinks rebuilding their firing set), empty for any other phase. */
  public static Optional<LifecycleEvent> firingEvent(AlertState state) {
    if (state == null || state.phase() != Phase.FIRING) {
      return Optional.empty();
    }
    return Optional.of(event(new Draft(state), AlertStatus.OPEN, null));
  }

  private void startEpisode(Draft d, Finding finding) {
    d.phase = Phase.PENDING;
    d.episodeStart = finding.windowStart();
    d.firstSeen = finding.windowStart();
    d.alertId = d.fingerprint.alertId(finding.windowStart());
    d.heldFor = Duration.between(finding.windowStart(), finding.windowEnd());
    d.publishedImpact = null;
    d.publishedSeverity = null;
  }

  private Transition tryOpen(Draft d, Instant at) {
    if (d.heldFor.compareTo(rules.minDurationBeforeOpen()) < 0 || inQuietPeriod(d, at)) {
      d.phase = Phase.PENDING;
      return Transition.silent(d.toState());
    }
    if (d.suppression.suppressesOpen(at)) {
      d.phase = Phase.SUPPRESSED;
      return Transition.silent(d.toState());
    }
    d.phase = Phase.FIRING;
    d.episode++;
    d.openedAlertId = d.alertId;
    return Transition.publishing(published(d), event(d, AlertStatus.OPEN, null));
  }

  private Transition maybeUpdate(Draft d, Instant at) {
    boolean severityChanged = d.latest.severity() != d.publishedSeverity;
    boolean causeChanged = d.publishedType != null && !(d.publishedType.equals(d.latest.type())
        && Objects.equals(d.publishedCause, d.latest.cause()));
    if (d.suppression.suppressesUpdate(at) || !(severityChanged || causeChanged || movedMoreThanStep(d))) {
      return Transition.silent(d.toState());
    }
    return Transition.publishing(published(d), event(d, AlertStatus.UPDATE, null));
  }

  private static AlertState published(Draft d) {
    d.publishedImpact = d.latest.impact().amount();
    d.publishedSeverity = d.latest.severity();
    d.publishedType = d.latest.type();
    d.publishedCause = d.latest.cause();
    return d.toState();
  }

  private boolean inQuietPeriod(Draft d, Instant at) {
    return d.lastResolvedAt != null && at.isBefore(d.lastResolvedAt.plus(rules.quietAfterResolve()));
  }

  private boolean movedMoreThanStep(Draft d) {
    BigDecimal now = d.latest.impact().amount();
    if (d.publishedImpact.signum() == 0) {
      return now.signum() != 0;
    }
    BigDecimal percent = now.subtract(d.publishedImpact).abs().multiply(HUNDRED)
        .divide(d.publishedImpact.abs(), MathContext.DECIMAL64);
    return percent.compareTo(rules.updateStepPercent()) > 0;
  }

  /**
   * The event of the current episode. Its severity, type and cause are the last published ones: an UPDATE publishes
   * the new ones, and a RESOLVED (or a re-announcement) must name the alert exactly as it was last published, since
   * receivers such as Alertmanager identify alerts by labels that include the severity and the type.
   */
  private static LifecycleEvent event(Draft d, AlertStatus status, Instant resolvedAt) {
    AlertEvent a = d.latest;
    Severity severity = d.publishedSeverity == null ? a.severity() : d.publishedSeverity;
    // type and cause as last published too: one GPU waste's type moves with its cause, and Alertmanager's
    // alertname label is the type
    String type = d.publishedType == null ? a.type() : d.publishedType;
    String cause = d.publishedType == null ? a.cause() : d.publishedCause;
    AlertEvent alert = new AlertEvent(a.schemaVersion(), a.alertId(), type, status, severity, a.workspaceId(),
        a.resourceId(), a.scope(), a.windowStart(), a.windowEnd(), a.observed(), a.expected(), a.impact(), cause,
        a.summary(), a.recommendationIds(), a.trace(), null, a.drivers());
    return new LifecycleEvent(LifecycleEvent.SCHEMA_VERSION, d.fingerprint.key(), d.episode, alert, d.firstSeen,
        d.lastSeen, resolvedAt, d.totalWaste.rounded(), SAVINGS.project(d.recommendations, d.pattern));
  }

  /** Impact times the window's share of the impact period: hourly waste x window hours, or a day's excess spend. */
  static Money windowWaste(Finding finding) {
    Duration period = Duration.parse(finding.impactPeriod());
    Duration window = Duration.between(finding.windowStart(), finding.windowEnd());
    BigDecimal share = BigDecimal.valueOf(window.toSeconds())
        .divide(BigDecimal.valueOf(period.toSeconds()), MathContext.DECIMAL64);
    return finding.impact().times(share);
  }

  private static AlertEvent alertOf(Finding f, String alertId, List<Recommendation> recommendations) {
    List<String> recommendationIds = recommendations == null ? List.of() : recommendations.stream()
        .map(r -> AlertFactory.recommendationId(alertId, r.action())).toList();
    return new AlertEvent(AlertEvent.SCHEMA_VERSION, alertId, f.type().name(), AlertStatus.OPEN, f.severity(),
        f.scope().workspaceId(), f.scope().resourceId(), f.scope().scope(), f.windowStart(), f.windowEnd(),
        f.observed(), f.expected(), new Impact(f.impact().amount(), f.impact().currency(), f.impactPeriod()),
        f.cause(), f.summary(), recommendationIds,
        new Trace(f.rule(), f.thresholds(), f.records(), str(f.firstSource()), str(f.lastSource()), f.vmSize()), null,
        f.drivers());
  }

  private static String detectorOf(AlertState state) {
    return state.latest() != null && state.latest().trace() != null && state.latest().trace().rule() != null
        ? state.latest().trace().rule() : state.fingerprint().type();
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }
}
