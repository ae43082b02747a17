package io.costwatch.usage;

import io.costwatch.core.Versioned;
import java.time.Instant;

/**
 * How far one scope's telemetry has got: the small per-scope entry next to its open windows.
 *
 * @param watermark the latest event time seen for the scope (its own stream time)
 * @param closedThrough the end of the latest window closed for the scope (by its watermark, by the idle timeout or by
 *     the end of input), or null; a record of a window ending at or before it is late
 * @param lastSeen wall-clock time of the scope's latest record, from which its idle deadline is computed
 */
public record ScopeProgress(int schemaVersion, Instant watermark, Instant closedThrough, Instant lastSeen)
    implements Versioned<ScopeProgress> {

  /** 1: the first version (0 is never written). */
  public static final int SCHEMA_VERSION = 1;

  @Override
  public ScopeProgress upgraded() {
    return schemaVersion >= SCHEMA_VERSION ? this
        : new ScopeProgress(SCHEMA_VERSION, watermark, closedThrough, lastSeen);
  }
}
