package io.costwatch.ingest.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's input, generated: a fixed story with seeded noise, so every run (and every test) sees the same records
 * and the alerts it should raise are known from how the data was made.
 *
 * <p>The story, for three workspaces of one subscription ({@code ws-vision}, {@code ws-nlp}, {@code ws-forecast}):
 * <ul>
 *   <li>14 days of daily EA (2024-08-01 schema) actual-cost rows, weekdays busier than weekends, with one spend
 *       spike in {@code ws-nlp} on the last-but-one day (about four times its weekday baseline), one large
 *       reservation {@code Purchase} that is not usage and must not be called a spike, and one negative
 *       {@code Refund};</li>
 *   <li>then the last 6 hours of per-minute telemetry per cluster (see {@link #CLUSTER_SKUS}): {@code gpu-a100}
 *       idle on 2 active nodes, {@code gpu-train} busy, {@code gpu-t4} input-bound, {@code gpu-v100} oversized,
 *       {@code cpu-pool} holding 2 idle nodes; plus workspace-level records without dimensions;</li>
 *   <li>three deliberately bad inputs for the dead-letter topic: a truncated body, a record with a {@code "NaN"}
 *       average and one with a misspelt metric name.</li>
 * </ul>
 * Pure: no clock, no I/O; the start instant and the seed are the only inputs.
 */
public final class DemoScenario {

  public static final long DEFAULT_SEED = 20250615L;
  public static final String SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000001";
  public static final String RESOURCE_GROUP = "rg-ml";
  public static final int BILLING_DAYS = 14;
  /** 0-based billing day of the ws-nlp spend spike: the last but one. */
  public static final int SPIKE_DAY = BILLING_DAYS - 2;
  public static final int TELEMETRY_MINUTES = 6 * 60;

  /** The workspaces by short name, with their ARM ids as Cost Management spells them. */
  public static final Map<String, String> WORKSPACES = ordered(
      "ws-vision", workspaceId("ws-vision"),
      "ws-nlp", workspaceId("ws-nlp"),
      "ws-forecast", workspaceId("ws-forecast"));

  /** The VM size the demo assumes for each cluster, keyed {@code workspace/cluster}, in a stable order. */
  public static final Map<String, String> CLUSTER_SKUS = ordered(
      "ws-vision/gpu-a100", "Standard_NC24ads_A100_v4",
      "ws-vision/gpu-train", "Standard_ND96asr_v4",
      "ws-nlp/gpu-t4", "Standard_NC4as_T4_v3",
      "ws-forecast/gpu-v100", "Standard_NC6s_v3",
      "ws-forecast/cpu-pool", "Standard_D4s_v3");

  /**
   * The VM sizes of the scopes of {@link DemoExtras}: a sweep cluster that fans out to 40 nodes, and an idle online
   * deployment (keyed {@code workspace/endpoint/deployment}).
   */
  public static final Map<String, String> EXTRA_SKUS = ordered(
      "ws-vision/gpu-sweep", "Standard_NC24ads_A100_v4",
      "ws-nlp/chat-api/blue", "Standard_NC4as_T4_v3");

  private final long seed;

  public DemoScenario(long seed) {
    this.seed = seed;
  }

  public static DemoScenario withDefaultSeed() {
    return new DemoScenario(DEFAULT_SEED);
  }

  /**
   * All demo input ordered by time (ties keep billing before metrics, then generation order).
   *
   * @param start the start of billing day 0; telemetry covers the 6 hours before {@code start + 14 days}, on
   *     whole minutes
   */
  public List<DemoEvent> events(Instant start) {
    List<DemoEvent> events = new ArrayList<>(new DemoBilling(seed).events(start));
    events.addAll(new DemoTelemetry(seed).events(start));
    events.addAll(new DemoExtras(seed).events(start));
    events.sort(Comparator.comparing(DemoEvent::time));
    return Collections.unmodifiableList(events);
  }

  static String workspaceId(String name) {
    return "/subscriptions/" + SUBSCRIPTION_ID + "/resourceGroups/" + RESOURCE_GROUP
        + "/providers/Microsoft.MachineLearningServices/workspaces/" + name;
  }

  static String key(String workspaceName) {
    return WORKSPACES.get(workspaceName).toLowerCase(Locale.ROOT);
  }

  private static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }
}
