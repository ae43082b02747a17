package io.costwatch.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Polls a condition until it yields a value or the deadline passes; the pause only spaces out the polls. */
public final class Poll {

  private Poll() {
  }

  public static <T> Optional<T> until(Duration within, Supplier<Optional<T>> probe) {
    Instant deadline = Instant.now().plus(within);
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent() || Instant.now().isAfter(deadline)) {
        return value;
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  /** Polls {@code condition} until it holds, failing with {@code what} after {@code timeout}. */
  public static void await(Duration timeout, java.util.function.BooleanSupplier condition, Supplier<String> what) {
    if (until(timeout, () -> condition.getAsBoolean() ? Optional.of(true) : Optional.<Boolean>empty()).isEmpty()) {
      throw new AssertionError("timed out after " + timeout + " waiting for " + what.get());
    }
  }
}
