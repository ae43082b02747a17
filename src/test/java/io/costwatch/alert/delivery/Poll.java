package io.costwatch.alert.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Polls a condition until it yields a value or the deadline passes; the pause only spaces out the polls. */
final class Poll {

  private Poll() {
  }

  static <T> Optional<T> until(Duration within, Supplier<Optional<T>> probe) {
    Instant deadline = Instant.now().plus(within);
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent() || Instant.now().isAfter(deadline)) {
        return value;
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }
}
