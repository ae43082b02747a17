package io.costwatch.alert.delivery;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The thread-safe counters behind {@link DeliveryStats}; deliveries complete on HTTP client threads. */
final class Counters {

  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicReference<String> lastError = new AtomicReference<>();

  void delivered() {
    delivered.incrementAndGet();
  }

  void retried() {
    retried.incrementAndGet();
  }

  void failed(String error) {
    failed.incrementAndGet();
    lastError.set(error);
  }

  DeliveryStats snapshot() {
    return new DeliveryStats(delivered.get(), failed.get(), retried.get(), lastError.get());
  }
}
