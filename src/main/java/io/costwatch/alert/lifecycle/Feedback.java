package io.costwatch.alert.lifecycle;

import java.time.Instant;

/**
 * One user action on a fingerprint, as read from the feedback topic.
 *
 * @param until end of a snooze (required for {@link Kind#SNOOZE}); for EXPECTED and FALSE_POSITIVE an optional bound,
 *     without it the mark covers the current episode only
 * @param at when the user acted
 */
public record Feedback(Kind kind, Instant until, Instant at, String by, String note) {

  public enum Kind {
    ACKNOWLEDGE,
    SNOOZE,
    EXPECTED,
    FALSE_POSITIVE,
    /** Removes every mark (false-positive counts stay). */
    UNSUPPRESS
  }

  public Feedback {
    if (kind == Kind.SNOOZE && until == null) {
      throw new IllegalArgumentException("a SNOOZE needs 'until'");
    }
  }
}
