package io.costwatch.alert.lifecycle;

import java.time.Instant;

/**
 * User feedback carried in the state of one fingerprint.
 *
 * <p>A snooze ({@code snoozedUntil}) holds back OPEN until it ends, across episodes. {@code expected} and
 * {@code falsePositive} hold back OPEN too: until {@code snoozedUntil} when one is set, otherwise for the current
 * episode only, so the next episode alerts again. {@code acknowledged} only silences the UPDATEs of the current
 * episode. None of them holds back a RESOLVED of an alert that was already published, so no page stays open forever.
 */
public record Suppression(boolean acknowledged, Instant snoozedUntil, boolean expected, boolean falsePositive,
    String note) {

  public static Suppression none() {
    return new Suppression(false, null, false, false, null);
  }

  /** True when an OPEN at {@code at} must not be published. */
  public boolean suppressesOpen(Instant at) {
    boolean snoozed = snoozedUntil != null && at.isBefore(snoozedUntil);
    boolean episodeScoped = snoozedUntil == null && (expected || falsePositive);
    return snoozed || episodeScoped;
  }

  /** True when an UPDATE at {@code at} must not be published. */
  public boolean suppressesUpdate(Instant at) {
    return acknowledged || suppressesOpen(at);
  }

  /** What survives the end of an episode at {@code at}: only marks bounded by a snooze that is still running. */
  public Suppression afterEpisode(Instant at) {
    if (snoozedUntil == null || !at.isBefore(snoozedUntil)) {
      return none();
    }
    return new Suppression(false, snoozedUntil, expected, falsePositive, note);
  }

  public boolean empty() {
    return !acknowledged && snoozedUntil == null && !expected && !falsePositive;
  }
}
