package io.costwatch.topology;

import io.costwatch.core.CostRecord;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Set;

/**
 * What one export run covered in one export scope, as far as its rows show: the span from its first to its last
 * charge day, and the areas (subscription and resource group) its rows belong to. A run retracts only line items
 * inside its coverage, so a per-day file does not retract the month's other days and one subscription's export does
 * not retract another's rows of the same billing account.
 *
 * @param span the run's day span and its place in the task's sequence of run starts and ends
 * @param areas the areas of its rows
 */
record RunCoverage(RunSpan span, Set<String> areas) {

  boolean covers(LocalDate day, String area) {
    return span.first() != null && !day.isBefore(span.first()) && !day.isAfter(span.last()) && areas.contains(area);
  }

  /**
   * The small, often rewritten part of a run's coverage.
   *
   * @param startedAt the task's sequence number when the run's first row arrived
   * @param lastRowAt the task's sequence number when its latest row arrived: a run that sent nothing since another
   *     run started cannot be interleaved with it
   */
  record RunSpan(LocalDate first, LocalDate last, long startedAt, long lastRowAt) {

    static RunSpan startingAt(long sequence) {
      return new RunSpan(null, null, sequence, sequence);
    }

    /** This span widened to {@code day} and moved to {@code sequence}; itself when nothing changes. */
    RunSpan with(LocalDate day, long sequence) {
      boolean widen = first == null || day.isBefore(first) || day.isAfter(last);
      if (!widen && sequence == lastRowAt) {
        return this;
      }
      return new RunSpan(first == null || day.isBefore(first) ? day : first,
          last == null || day.isAfter(last) ? day : last, startedAt, sequence);
    }
  }

  static LocalDate dayOf(CostRecord row) {
    return LocalDate.ofInstant(row.periodStart(), ZoneOffset.UTC);
  }

  /** {@code /subscriptions/<id>/resourcegroups/<name>} of the row's resource, or less when the id has less. */
  static String areaOf(CostRecord row) {
    String id = row.resourceId() == null ? "" : row.resourceId().toLowerCase(Locale.ROOT);
    String[] parts = id.split("/");
    // "", "subscriptions", "<id>", "resourcegroups", "<name>", ...
    if (parts.length >= 5 && "subscriptions".equals(parts[1]) && "resourcegroups".equals(parts[3])) {
      return "/subscriptions/" + parts[2] + "/resourcegroups/" + parts[4];
    }
    if (parts.length >= 3 && "subscriptions".equals(parts[1])) {
      return "/subscriptions/" + parts[2];
    }
    return "";
  }
}
