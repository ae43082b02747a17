package io.costwatch.alert.lifecycle;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * How eager the lifecycle is. All durations are event time (window ends), never wall-clock time, so a replay makes the
 * same decisions as the live run.
 *
 * @param minDurationBeforeOpen consecutive finding windows must cover at least this long before OPEN (PT0S: the first)
 * @param clearBeforeResolve a firing alert resolves once no finding has been seen for this long after its last one
 * @param quietAfterResolve after a RESOLVED, no new episode of the same fingerprint opens before this has passed
 * @param updateStepPercent an UPDATE is published when the impact moved by more than this percent of the last
 *     published impact (or the severity changed)
 */
public record LifecycleRules(Duration minDurationBeforeOpen, Duration clearBeforeResolve, Duration quietAfterResolve,
    BigDecimal updateStepPercent) {

  public LifecycleRules {
    requireNonNegative(minDurationBeforeOpen, "minDurationBeforeOpen");
    requireNonNegative(clearBeforeResolve, "clearBeforeResolve");
    requireNonNegative(quietAfterResolve, "quietAfterResolve");
    Objects.requireNonNull(updateStepPercent, "updateStepPercent");
    if (updateStepPercent.signum() < 0) {
      throw new IllegalArgumentException("updateStepPercent must be >= 0, was " + updateStepPercent);
    }
  }

  /** Two 15-minute windows to open, two clear windows to resolve, an hour of quiet, 20 % steps. */
  public static LifecycleRules defaults() {
    return new LifecycleRules(Duration.ofMinutes(30), Duration.ofMinutes(30), Duration.ofHours(1),
        BigDecimal.valueOf(20));
  }

  private static void requireNonNegative(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= PT0S, was " + d);
    }
  }
}
