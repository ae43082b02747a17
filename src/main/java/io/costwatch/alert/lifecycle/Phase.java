package io.costwatch.alert.lifecycle;

/** Where a fingerprint is in its episode. */
public enum Phase {
  /** No episode: never seen, or the last one ended. */
  IDLE,
  /** Findings are arriving but have not held long enough (or the quiet period after a resolution still runs). */
  PENDING,
  /** Held long enough, but a snooze, an "expected" or a "false positive" mark keeps it from opening. */
  SUPPRESSED,
  /** OPEN was published; UPDATEs may follow; RESOLVED ends it. */
  FIRING
}
