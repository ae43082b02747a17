package io.costwatch.topology;

import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertFactory.Published;
import io.costwatch.alert.AlertStatus;
import io.costwatch.core.AzureResourceId;
import io.costwatch.detect.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * End-of-input marker for bounded runs ({@code replay}, {@code demo}). A telemetry window closes only when its own
 * scope's event time passes its end plus grace (or the scope has been idle for the idle timeout), and billing days
 * are judged by the spend detector's clock. At the end of a replay the driver writes one record with this key and a
 * far-future timestamp to the raw topics; the parsers turn it into a marker of scope {@link #SCOPE} that flows
 * through every window and aggregate and closes them all (the usage-window processor closes every scope of its task
 * when it sees the marker). A second metrics marker, one window and grace later, closes the first marker's own window; when
 * that reaches detection it becomes an acknowledgement on the control topic, which tells the driver that every real
 * window before it has been evaluated and published (same task, same partition, same or earlier transaction).
 * The billing marker is acknowledged by the spend detector after it evaluated every remaining day.
 * Production runs never need it.
 */
public final class FlushMarker {

  public static final String KEY = "__costwatch_flush__";
  public static final AzureResourceId SCOPE = AzureResourceId.workspace(
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/costwatch"
          + "/providers/microsoft.machinelearningservices/workspaces/" + KEY);

  /** Stage names written to the control topic once a path has flushed every window. */
  public static final String METRICS_DONE = "metrics-flushed";
  public static final String BILLING_DONE = "billing-flushed";

  private FlushMarker() {
  }

  /** The acknowledgement that travels in place of findings once the marker has passed a detector. */
  public static Published acknowledgement(String stage, Instant time) {
    AlertEvent ack = new AlertEvent(AlertEvent.SCHEMA_VERSION, KEY, stage, AlertStatus.OPEN, Severity.LOW,
        SCOPE.workspaceId(), SCOPE.resourceId(), SCOPE.scope(), time, time, Map.of(), Map.of(), null, null, stage,
        List.of(), null, null);
    return new Published(ack, List.of());
  }

  public static boolean isAcknowledgement(Published published) {
    return KEY.equals(published.alert().alertId());
  }

  public static boolean isMarker(String key) {
    return KEY.equals(key);
  }

  public static boolean isMarker(AzureResourceId scope) {
    return scope != null && SCOPE.workspaceId().equals(scope.workspaceId());
  }
}
