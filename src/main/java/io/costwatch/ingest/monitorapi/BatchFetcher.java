package io.costwatch.ingest.monitorapi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One query for a chunk of resources, with every failure turned into per-resource results: a batch refused as a
 * whole with 400 or 404 is retried resource by resource (one bad id does not stop the other 49), any other failed
 * call fails each of its resources with the HTTP status, and a resource the answer leaves out is reported missing.
 * The caller therefore always gets one result per resource.
 */
final class BatchFetcher {

  private final MetricsBatchClient batch;
  private final PollerCounters counters;
  private final Consumer<String> log;

  BatchFetcher(MetricsBatchClient batch, PollerCounters counters, Consumer<String> log) {
    this.batch = batch;
    this.counters = counters;
    this.log = log;
  }

  /** The resources (one subscription, region and kind) over {@code [start, end)}. */
  List<BatchResult.ResourceResult> fetch(String subscription, String region, PolledResource.Kind kind,
      MetricQuery query, Instant start, Instant end, List<PolledResource> pending) {
    List<String> ids = pending.stream().map(PolledResource::id).toList();
    List<BatchResult.ResourceResult> results = new ArrayList<>();
    try {
      counters.requests.incrementAndGet();
      results.addAll(batch.getBatch(subscription, region, kind, query, start, end, ids).resources());
    } catch (MetricsApiException e) {
      if ((e.status() == 400 || e.status() == 404) && pending.size() > 1) {
        log.accept("metrics poller: " + e.getMessage() + "; retrying the " + pending.size()
            + " resources one by one");
        for (PolledResource r : pending) {
          results.addAll(fetch(subscription, region, kind, query, start, end, List.of(r)));
        }
        return results;
      }
      return failAll(pending, e.status() == 404 ? "ResourceNotFound" : "Http" + e.status(), e.getMessage());
    } catch (RuntimeException e) {
      return failAll(pending, "CallFailed", "metrics:getBatch in " + region + ": " + e);
    }
    Set<String> answered = new HashSet<>();
    results.forEach(r -> answered.add(r.resourceId() == null ? "" : r.resourceId().toLowerCase(Locale.ROOT)));
    for (PolledResource r : pending) {
      if (!answered.contains(r.key())) {
        results.add(new BatchResult.ResourceResult(r.id(), List.of(), "MissingFromResponse",
            "the batch answer has no entry for this resource"));
      }
    }
    return results;
  }

  private List<BatchResult.ResourceResult> failAll(List<PolledResource> pending, String code, String message) {
    counters.callErrors.incrementAndGet();
    log.accept("metrics poller: call failed for " + pending.size() + " resource(s): " + message);
    return pending.stream().map(r -> new BatchResult.ResourceResult(r.id(), List.of(), code, message)).toList();
  }
}
