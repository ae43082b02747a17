package io.costwatch.ingest.monitorapi;

import java.time.Instant;

/**
 * A resource's Metrics API high-water mark: the last minute whose values were published to the raw topic (in the
 * same Kafka transaction as this mark). The next poll starts at {@code lastMinute + 1 min}.
 *
 * @param resourceId the lower-cased ARM id (also the record key)
 * @param lastMinute the start of the last minute fetched, UTC
 * @param updatedAt when the poller wrote this mark
 */
public record MetricsWatermark(int schemaVersion, String resourceId, Instant lastMinute, Instant updatedAt) {

  public static final int SCHEMA_VERSION = 1;
}
