package io.costwatch.detect;

import java.time.Instant;
import java.util.Objects;

/**
 * What the GPU-waste rule concluded about one compute's latest window in waste: the state its hysteresis needs. Kept
 * per compute (the topology's {@code gpu-waste-state-store}), absent when the latest window was not waste.
 *
 * @param windowStart start of the window it describes
 * @param windowEnd end of that window; the memory only applies to the window that follows it (one missing window
 *     tolerated): a compute that stopped reporting starts afresh
 * @param type the finding type of that window
 * @param cause the finding's cause of that window
 */
public record GpuWasteMemory(int schemaVersion, Instant windowStart, Instant windowEnd, FindingType type,
    String cause) {

  public static final int SCHEMA_VERSION = 1;

  public GpuWasteMemory {
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(windowEnd, "windowEnd");
  }

  static GpuWasteMemory of(Finding finding) {
    return new GpuWasteMemory(SCHEMA_VERSION, finding.windowStart(), finding.windowEnd(), finding.type(),
        finding.cause());
  }
}
