package io.costwatch.usage;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.Versioned;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The cost of one workspace's compute on one UTC day as estimated from telemetry: the sum over closed windows of
 * (active + idle nodes) x hourly price x window hours. Maintained with add and subtract, so a window published again
 * replaces its old estimate. Keyed like {@link DailySpend} ({@code workspaceId|currency|day}) so the two join.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}; 0 in state written before the field existed
 */
public record DailyEstimate(int schemaVersion, AzureResourceId workspace, String currency, LocalDate day,
    BigDecimal amount, long windows, java.time.Instant firstWindow, java.time.Instant lastWindow)
    implements Versioned<DailyEstimate> {

  /** 1: the field exists; version 0 has the same fields and reads unchanged. */
  public static final int SCHEMA_VERSION = 1;

  @Override
  public DailyEstimate upgraded() {
    return schemaVersion >= SCHEMA_VERSION ? this : new DailyEstimate(SCHEMA_VERSION, workspace, currency, day,
        amount, windows, firstWindow, lastWindow);
  }

  /**
   * One window's estimate, the unit {@link DailyEstimate} sums.
   *
   * @param schemaVersion {@link #SCHEMA_VERSION}; 0 in state written before the field existed
   */
  public record WindowCost(int schemaVersion, AzureResourceId workspace, String currency,
      java.time.Instant windowStart, BigDecimal amount) implements Versioned<WindowCost> {

    /** 1: the field exists; version 0 has the same fields and reads unchanged. */
    public static final int SCHEMA_VERSION = 1;

    @Override
    public WindowCost upgraded() {
      return schemaVersion >= SCHEMA_VERSION ? this : new WindowCost(SCHEMA_VERSION, workspace, currency, windowStart,
          amount);
    }

    public String dayKey() {
      return workspace.workspaceId() + "|" + currency + "|" + LocalDate.ofInstant(windowStart, ZoneOffset.UTC);
    }
  }

  public static DailyEstimate empty() {
    return new DailyEstimate(SCHEMA_VERSION, null, null, null, BigDecimal.ZERO, 0, null, null);
  }

  public DailyEstimate add(WindowCost w) {
    java.time.Instant first = firstWindow == null || w.windowStart().isBefore(firstWindow) ? w.windowStart()
        : firstWindow;
    java.time.Instant last = lastWindow == null || w.windowStart().isAfter(lastWindow) ? w.windowStart()
        : lastWindow;
    return new DailyEstimate(SCHEMA_VERSION, AzureResourceId.workspace(w.workspace().workspaceId()), w.currency(),
        LocalDate.ofInstant(w.windowStart(), ZoneOffset.UTC), amount.add(w.amount()), windows + 1, first, last);
  }

  /** Replacing a window's value keeps the span: a subtraction is always followed by the add of its new value. */
  public DailyEstimate subtract(WindowCost w) {
    return new DailyEstimate(SCHEMA_VERSION, workspace, currency, day, amount.subtract(w.amount()), windows - 1,
        firstWindow, lastWindow);
  }

  /**
   * True when telemetry covers the whole day (first to last window spanning at least 23 hours): a bill covers the
   * whole day, so a partial estimate would make the ratio meaningless.
   */
  public boolean coversDay(java.time.Duration window) {
    return firstWindow != null && java.time.Duration.between(firstWindow, lastWindow).plus(window)
        .compareTo(java.time.Duration.ofHours(23)) >= 0;
  }
}
