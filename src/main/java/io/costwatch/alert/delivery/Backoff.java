package io.costwatch.alert.delivery;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * {@code min(max, initial * 2^(n-1))}, so retries of many alerts spread out yet never wait less than half the step.
 */
public record Backoff(Duration initial, Duration max) {

  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max, was " + initial + " / " + max);
    }
  }

  /** The wait before retry {@code retry} (1-based). */
  public Duration delay(int retry, RandomGenerator random) {
    long capMillis = max.toMillis();
    long stepMillis = initial.toMillis();
    for (int i = 1; i < retry && stepMillis < capMillis; i++) {
      stepMillis *= 2;
    }
    long ceiling = Math.min(capMillis, stepMillis);
    long half = ceiling / 2;
    return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
  }
}
