package io.costwatch.alert;

import io.costwatch.core.ScopeKind;
import io.costwatch.detect.Severity;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The alert event published to the alert topic (JSON, camelCase). {@code alertId} is derived from the finding's
 * identity only (type, resource, window), never from wall-clock time, so a replay publishes the same ids.
 */
public record AlertEvent(
    int schemaVersion,
    String alertId,
    String type,
    AlertStatus status,
    Severity severity,
    String workspaceId,
    String resourceId,
    ScopeKind scope,
    Instant windowStart,
    Instant windowEnd,
    Map<String, BigDecimal> observed,
    Map<String, BigDecimal> expected,
    Impact impact,
    String cause,
    String summary,
    List<String> recommendationIds,
    Trace trace) {

  public static final int SCHEMA_VERSION = 1;
}
