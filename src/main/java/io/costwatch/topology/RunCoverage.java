package io.costwatch.topology;

import io.costwatch.core.CostRecord;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one export run covered in one export scope, as far as its rows show: how many rows, the first and last charge
 * day, and the areas (subscription and resource group) they belong to. A run retracts only line items inside its
 * coverage, so a per-day file does not retract the month's other days and one subscription's export does not retract
 * another's rows of the same billing account.
 */
record RunCoverage(long rows, LocalDate first, LocalDate last, Set<String> areas, long startedAt) {

  /** A run not seen yet; {@code startedAt} orders it among the run starts and ends of its task. */
  static RunCoverage startingAt(long sequence) {
    return new RunCoverage(0, null, null, Set.of(), sequence);
  }

  RunCoverage with(CostRecord row) {
    LocalDate day = dayOf(row);
    Set<String> next = new TreeSet<>(areas);
    next.add(areaOf(row));
    return new RunCoverage(rows + 1, first == null || day.isBefore(first) ? day : first,
        last == null || day.isAfter(last) ? day : last, next, startedAt);
  }

  boolean covers(LocalDate day, String area) {
    return first != null && !day.isBefore(first) && !day.isAfter(last) && areas.contains(area);
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
