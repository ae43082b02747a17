package io.costwatch.ingest.monitorapi;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/** Running totals of the poller, bound to Micrometer as {@code costwatch_metrics_api_*_total}. */
public final class PollerCounters {

  final AtomicLong polls = new AtomicLong();
  final AtomicLong requests = new AtomicLong();
  final AtomicLong records = new AtomicLong();
  final AtomicLong bodies = new AtomicLong();
  final AtomicLong resourcesGone = new AtomicLong();
  final AtomicLong resourceErrors = new AtomicLong();
  final AtomicLong callErrors = new AtomicLong();

  public long records() {
    return records.get();
  }

  public long resourcesGone() {
    return resourcesGone.get();
  }

  public long resourceErrors() {
    return resourceErrors.get();
  }

  public void bindTo(MeterRegistry registry) {
    bind(registry, "costwatch.metrics.api.polls", polls, "Metrics API polls");
    bind(registry, "costwatch.metrics.api.requests", requests, "metrics:getBatch calls (before retries)");
    bind(registry, "costwatch.metrics.api.records", records, "metric records published to the raw topic");
    FunctionCounter.builder("costwatch.metrics.api.resource.errors", resourcesGone, AtomicLong::get)
        .tag("reason", "not-found").description("resources skipped: Azure reports them deleted").register(registry);
    FunctionCounter.builder("costwatch.metrics.api.resource.errors", resourceErrors, AtomicLong::get)
        .tag("reason", "error").description("resources whose query failed (retried next poll)").register(registry);
    FunctionCounter.builder("costwatch.metrics.api.resource.errors", callErrors, AtomicLong::get)
        .tag("reason", "call-failed").description("calls that failed as a whole after retries").register(registry);
  }

  private static void bind(MeterRegistry registry, String name, AtomicLong value, String description) {
    FunctionCounter.builder(name, value, AtomicLong::get).description(description).register(registry);
  }

  @Override
  public String toString() {
    return String.format("polls=%d requests=%d records=%d gone=%d resourceErrors=%d callErrors=%d", polls.get(),
        requests.get(), records.get(), resourcesGone.get(), resourceErrors.get(), callErrors.get());
  }
}
