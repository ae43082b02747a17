package io.costwatch.topology;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertFactory.Published;

/** What the open-alert, waste and savings gauges show of a published alert. */
final class OpenAlertGauges {

  private OpenAlertGauges() {
  }

  /** An alert event just published: counted, and its gauges follow its status. */
  static void published(PipelineMetrics metrics, Published p) {
    AlertEvent a = p.alert();
    metrics.alertPublished(a.alertId(), a.type(), a.severity().name(), a.status().name(),
        a.impact().currency(), waste(a), action(p), savings(p));
  }

  /** An open alert read back from the alert state store when its task starts: its gauges only. */
  static void restored(PipelineMetrics metrics, Published p) {
    AlertEvent a = p.alert();
    metrics.alertRestored(a.alertId(), a.type(), a.severity().name(), a.impact().currency(), waste(a), action(p),
        savings(p));
  }

  private static double waste(AlertEvent a) {
    return "PT1H".equals(a.impact().period()) ? a.impact().amount().doubleValue() : 0;
  }

  private static String action(Published p) {
    return p.recommendations().isEmpty() ? "NONE" : p.recommendations().get(0).action();
  }

  private static double savings(Published p) {
    return p.recommendations().isEmpty() ? 0
        : p.recommendations().get(0).estimatedMonthlySavings().amount().doubleValue();
  }
}
