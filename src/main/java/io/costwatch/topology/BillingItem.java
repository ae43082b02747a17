package io.costwatch.topology;

import io.costwatch.core.CostRecord;
import io.costwatch.ingest.ExportRunEnd;

/**
 * What the raw billing topic carries once parsed: a line item with the export run it came in (null when its source
 * names none), or the end of an export run for one scope.
 */
record BillingItem(CostRecord row, String exportRun, ExportRunEnd runEnd) {

  static BillingItem of(CostRecord row, String exportRun) {
    return new BillingItem(row, exportRun, null);
  }

  static BillingItem end(ExportRunEnd end) {
    return new BillingItem(null, end.exportRun(), end);
  }

  boolean isRow() {
    return row != null;
  }
}
