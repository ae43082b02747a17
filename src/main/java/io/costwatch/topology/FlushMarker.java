package io.costwatch.topology;

import io.costwatch.core.AzureResourceId;

/**
 * End-of-input marker for bounded runs ({@code replay}, {@code demo}). Kafka Streams closes a window only when
 * stream time passes its end plus grace, and stream time advances only with new records, per partition. At the end
 * of a replay the driver writes one record with this key and a far-future timestamp to every partition of both raw
 * topics; the parsers turn it into a marker of scope {@link #SCOPE} that flows through every window and aggregate,
 * closes them all, and is then filtered out before detection. Production runs never need it.
 */
public final class FlushMarker {

  public static final String KEY = "__costwatch_flush__";
  public static final AzureResourceId SCOPE = AzureResourceId.workspace(
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/costwatch"
          + "/providers/microsoft.machinelearningservices/workspaces/" + KEY);

  private FlushMarker() {
  }

  public static boolean isMarker(String key) {
    return KEY.equals(key);
  }

  public static boolean isMarker(AzureResourceId scope) {
    return scope != null && SCOPE.workspaceId().equals(scope.workspaceId());
  }
}
