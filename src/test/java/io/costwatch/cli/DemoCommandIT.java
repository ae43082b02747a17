package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.costwatch.contract.EventContract;
import io.costwatch.core.Json;
import io.costwatch.topology.Topics;
import io.costwatch.testing.Poll;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's first command: the demo, end to end on the embedded broker, with what it must find; and
 * {@code costwatch alerts} listing its open alerts while it lingers.
 */
class DemoCommandIT {

  /** What the demo scenario was made to show: the type of alert each wasteful scope opens. */
  static final Map<String, String> OPENED = Map.of(
      "ws-vision/computes/gpu-a100", "GPU_IDLE",
      "ws-nlp/computes/gpu-t4", "GPU_UNDERUTILIZED",
      "ws-forecast/computes/gpu-v100", "GPU_UNDERUTILIZED",
      "ws-forecast/computes/cpu-pool", "IDLE_NODES",
      "ws-nlp/onlineendpoints/chat-api/deployments/blue", "IDLE_DEPLOYMENT",
      "ws-vision/computes/gpu-sweep", "BURN_RATE_SPIKE",
      "ws-nlp", "SPEND_SPIKE");

  @TempDir
  static Path out;

  static List<JsonNode> alerts;
  static List<JsonNode> recommendations;

  /** What `costwatch alerts --json` and the table printed while the demo lingered. */
  static String listedJson;
  static String listedTable;

  /**
   * The demo with {@code --linger}: once its outputs are written (the scenario is done), {@code costwatch alerts}
   * asks its {@code /alerts} while it lingers; then it exits on its own.
   */
  @BeforeAll
  static void runDemo() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    AtomicInteger exit = new AtomicInteger(Integer.MIN_VALUE);
    Thread demo = new Thread(() -> exit.set(Costwatch.execute("demo", "--http-port", String.valueOf(port),
        "--linger", "PT10S", "--out", out.toString())), "costwatch-demo");
    demo.start();
    Poll.await(Duration.ofMinutes(5), () -> Files.exists(out.resolve("dead-letters.jsonl")) || !demo.isAlive(),
        () -> "the demo's outputs");
    String url = "http://127.0.0.1:" + port;
    listedJson = alertsCommand("--url", url, "--json");
    listedTable = alertsCommand("--url", url);
    demo.join(Duration.ofMinutes(2).toMillis());
    assertEquals(0, exit.get(), "demo exit code");
    alerts = ReplayCommandIT.lines(out.resolve("alerts.jsonl"));
    recommendations = ReplayCommandIT.lines(out.resolve("recommendations.jsonl"));
  }

  /**
   * The demo's billing rows tag every resource {@code owner: ml-platform}: learnt into the owners topic and joined
   * into alerts by the real runtime (an alert judged before its owners arrive has none yet, so not every one).
   */
  @Test
  void ownerTagsOfTheBillingRowsReachTheAlerts() {
    assertTrue(alerts.stream().anyMatch(a -> "ml-platform".equals(a.path("owners").path("owner").asText())),
        () -> alerts.stream().map(a -> a.path("owners").toString()).toList().toString());
    assertTrue(alerts.stream().allMatch(a -> a.path("owners").isObject()));
  }

  private static String alertsCommand(String... args) {
    StringWriter text = new StringWriter();
    int code = new CommandLine(new AlertsCommand()).setOut(new PrintWriter(text)).execute(args);
    assertEquals(0, code, "costwatch alerts " + String.join(" ", args) + ": " + text);
    return text.toString();
  }

  @Test
  void theAlertsCommandListsTheDemosOpenAlerts() throws IOException {
    Map<String, JsonNode> last = new TreeMap<>();
    alerts.forEach(a -> last.put(a.get("alertId").asText(), a));
    Set<String> open = last.values().stream().filter(a -> !a.get("status").asText().equals("RESOLVED"))
        .map(a -> a.get("alertId").asText()).collect(Collectors.toCollection(TreeSet::new));
    assertFalse(open.isEmpty(), "the demo ends with open alerts");
    Set<String> listed = new TreeSet<>();
    for (JsonNode a : Json.MAPPER.readTree(listedJson)) {
      listed.add(a.get("alertId").asText());
      // the published shape: valid against the alert topic's schema
      EventContract.assertValid(Topics.ALERTS.name(), Json.MAPPER.writeValueAsBytes(a));
    }
    assertEquals(open, listed);
    open.forEach(id -> assertTrue(listedTable.contains(id), id + " in the table:\n" + listedTable));
    assertTrue(listedTable.contains(open.size() + " open alert"), listedTable);
  }

  @Test
  void eachWastefulScopeOpensTheRightAlertAndTheHealthyClustersNone() {
    Map<String, String> opened = ReplayCommandIT.openedByScope(alerts);
    assertEquals(OPENED, opened);
    assertTrue(alerts.stream().noneMatch(a -> a.get("resourceId").asText().endsWith("/gpu-train")),
        "the busy training cluster raises nothing");
  }

  @Test
  void underUseIsClassifiedIntoTheRemedyAndEveryTelemetryAlertHasPricedRecommendations() {
    Map<String, String> actions = recommendations.stream().collect(Collectors.toMap(
        r -> AlertPrinter.shortScope(r.get("resourceId").asText()) + " " + r.get("action").asText(),
        r -> r.at("/estimatedMonthlySavings/currency").asText(), (a, b) -> a, TreeMap::new));
    Set<String> expected = Set.of("ws-vision/computes/gpu-a100 ENABLE_IDLE_SHUTDOWN",
        "ws-nlp/computes/gpu-t4 FIX_INPUT_PIPELINE", "ws-forecast/computes/gpu-v100 RIGHTSIZE_SKU",
        "ws-forecast/computes/cpu-pool SET_MIN_NODES_ZERO", "ws-vision/computes/gpu-sweep USE_LOW_PRIORITY");
    assertTrue(actions.keySet().containsAll(expected), actions::toString);
    assertTrue(actions.keySet().stream().anyMatch(k -> k.startsWith("ws-nlp/onlineendpoints/chat-api/deployments/blue")),
        actions::toString);
    recommendations.forEach(r -> assertTrue(r.at("/estimatedMonthlySavings/amount").decimalValue().signum() > 0,
        r::toString));
  }

  @Test
  void theBurnRateSpikeOpensInTheFirstWindowAfterTheFanOut() {
    JsonNode spike = alerts.stream().filter(a -> a.get("type").asText().equals("BURN_RATE_SPIKE")).findFirst()
        .orElseThrow();
    JsonNode busy = alerts.stream().filter(a -> a.get("type").asText().equals("GPU_IDLE")).findFirst().orElseThrow();
    // telemetry starts at the first window of GPU_IDLE; the sweep fans out 300 minutes later
    assertEquals(java.time.Instant.parse(busy.get("windowStart").asText()).plusSeconds(300 * 60),
        java.time.Instant.parse(spike.get("windowStart").asText()));
  }
}
