package io.costwatch.config;

import static io.costwatch.config.Setting.Type.AMOUNT;
import static io.costwatch.config.Setting.Type.AMOUNTS;
import static io.costwatch.config.Setting.Type.CHOICE;
import static io.costwatch.config.Setting.Type.DURATION;
import static io.costwatch.config.Setting.Type.FLAG;
import static io.costwatch.config.Setting.Type.INTEGER;
import static io.costwatch.config.Setting.Type.JSON;
import static io.costwatch.config.Setting.Type.LIST;
import static io.costwatch.config.Setting.Type.NUMBER;
import static io.costwatch.config.Setting.Type.PATH;
import static io.costwatch.config.Setting.Type.TEXT;
import static io.costwatch.config.Setting.Type.URL;

import io.costwatch.alert.delivery.AlertmanagerConfig;
import io.costwatch.alert.lifecycle.LifecycleRules;
import io.costwatch.alert.owners.OwnerTags;
import io.costwatch.core.Plausibility;
import io.costwatch.detect.BurnRateRules;
import io.costwatch.detect.DeploymentRules;
import io.costwatch.detect.GpuRules;
import io.costwatch.detect.SeverityTiers;
import io.costwatch.detect.SpendRules;
import io.costwatch.detect.spend.StorageRules;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig;
import io.costwatch.ingest.monitorapi.MetricsApiConfig;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every {@code COSTWATCH_*} setting, in one place: name, type, default, description and whether it is secret.
 * {@link ConfigSource} reads them (environment, then the properties file, then the default here) and rejects names
 * that are not listed; docs/configuration.md's reference table is rendered from this list and checked by a test.
 *
 * <p>To add a setting, add one line to its section below ({@code text}, {@code secret}, ...) and read it through
 * {@link ConfigSource}. Defaults of detector rules are taken from the rules' own {@code defaults()}, so they cannot
 * drift.
 */
public final class Settings {

  private static final Map<String, Setting> BY_NAME = new LinkedHashMap<>();
  private static String section;

  static {
    section("Process and Kafka Streams");
    text("COSTWATCH_CONFIG_FILE", PATH, "", "properties file with the same names as keys; the environment wins");
    text("COSTWATCH_APPLICATION_ID", TEXT, "costwatch", "Kafka Streams application id (prefix of internal topics)");
    text("COSTWATCH_STATE_DIR", PATH, ".costwatch/state", "RocksDB state");
    text("COSTWATCH_INSTANCE_ID", TEXT, "", "stable id of this instance for static group membership "
        + "(`group.instance.id`), 1-200 of `A-Za-z0-9._-`; unset: `<application id>-<host>-<crc32 of the state dir>`");
    text("COSTWATCH_EMBEDDED_DATA_DIR", PATH, ".costwatch/kafka", "data of the embedded broker of `run` (when "
        + "`KAFKA_BOOTSTRAP_SERVERS` is unset)");
    text("COSTWATCH_EMBEDDED_PORT", INTEGER, "9092", "port of the embedded broker of `run`");
    text("COSTWATCH_PROCESSING_GUARANTEE", CHOICE, "exactly_once_v2", "`exactly_once_v2` or `at_least_once`");
    text("COSTWATCH_HTTP_HOST", TEXT, "127.0.0.1", "address of `/metrics`, `/health`, `/ready` (`0.0.0.0` in a "
        + "container)");
    text("COSTWATCH_HTTP_PORT", INTEGER, "8080", "port of `/metrics`, `/health`, `/ready` (0: any free port)");
    text("COSTWATCH_WORKSPACE_LABEL_CAP", INTEGER, "50", "workspaces with their own metric label; the rest are "
        + "`other`");
    text("COSTWATCH_DEBUG", FLAG, "", "set to anything: print stack traces of failed commands");
    text("COSTWATCH_HOST_PORT", INTEGER, "8080", "docker compose only: the host port published for the HTTP "
        + "endpoint (not read by Costwatch)");

    section("Windows and input");
    duration("COSTWATCH_METRICS_WINDOW", "PT15M", "telemetry window");
    duration("COSTWATCH_METRICS_GRACE", "PT5M", "allowed lateness of telemetry");
    duration("COSTWATCH_METRICS_IDLE_TIMEOUT", "PT5M", "wall-clock quiet time after which a scope's open windows "
        + "close without its event time passing them");
    duration("COSTWATCH_METRICS_MAX_AHEAD", "PT1H", "telemetry stamped further after the wall clock is "
        + "dead-lettered (`future-of-wall-clock`)");
    duration("COSTWATCH_BILLING_LATENESS", "P2D", "how long after a day ends its spend is final");
    duration("COSTWATCH_BILLING_SETTLE", "PT5M", "how long no billing change must arrive before ready days are "
        + "judged and corrected days judged again; `run` only");
    text("COSTWATCH_SPEND_BASIS", CHOICE, "ACTUAL", "cost basis the spend detector watches: `ACTUAL` or "
        + "`AMORTIZED`; rows of the other basis are counted as ignored");
    text("COSTWATCH_COMPUTE_SKUS", LIST, "", "`workspace/compute=VM size,...` (deployments: "
        + "`workspace/endpoint/deployment=...`)");
    text("COSTWATCH_DEFAULT_VM_SIZE", TEXT, "Standard_NC24ads_A100_v4", "size assumed when neither config nor "
        + "billing says; stated in the alert");
    text("COSTWATCH_PRICES_FILE", PATH, "", "CSV overriding the shipped VM prices "
        + "(src/main/resources/prices/azure-vm-prices.csv)");
    text("COSTWATCH_STORAGE_PRICES_FILE", PATH, "", "CSV replacing the shipped Blob tier prices as a whole; "
        + "checked at start-up, errors name the file and line");
    amount("COSTWATCH_MAX_PLAUSIBLE_COST", Plausibility.DEFAULT_MAX_COST, "largest plausible absolute cost of one "
        + "billing row; beyond it the row is rejected (`implausible-value`)");
    number("COSTWATCH_MAX_PLAUSIBLE_COUNT", Plausibility.DEFAULT_MAX_COUNT, "largest plausible node or instance "
        + "count of one compute or deployment");
    text("COSTWATCH_SPEND_SCOPE_RULES", JSON, "", "spend thresholds per scope (JSON, below); unset: the "
        + "`COSTWATCH_SPEND_*` values everywhere");
    text("COSTWATCH_SPEND_SCOPE_RULES_FILE", PATH, "", "file holding `COSTWATCH_SPEND_SCOPE_RULES` (not both)");
    text("COSTWATCH_LINKED_RESOURCES", JSON, "", "resources billed outside a workspace's id that count as its "
        + "spend (JSON, below)");
    text("COSTWATCH_LINKED_RESOURCES_FILE", PATH, "", "file holding `COSTWATCH_LINKED_RESOURCES` (not both)");

    section("GPU, node and deployment rules");
    GpuRules gpu = GpuRules.defaults();
    number("COSTWATCH_GPU_MIN_ACTIVE_NODES", gpu.minActiveNodes(), "average active nodes a compute needs for a "
        + "GPU rule to apply");
    number("COSTWATCH_GPU_IDLE_UTILIZATION", gpu.idleUtilization(), "average GPU utilisation (%) below this is idle");
    number("COSTWATCH_GPU_IDLE_BUSY_MINUTE_SHARE", gpu.idleBusyMinuteShare(), "idle only if at most this share of "
        + "minutes is busy (0-1)");
    number("COSTWATCH_GPU_BUSY_MINUTE_UTILIZATION", gpu.busyMinuteUtilization(), "a minute at or above this GPU "
        + "utilisation (%) is busy");
    number("COSTWATCH_GPU_UNDER_UTILIZATION", gpu.underUtilization(), "average GPU utilisation (%) below this is "
        + "under-used");
    number("COSTWATCH_GPU_INPUT_BOUND_CPU", gpu.inputBoundCpu(), "CPU (%) at or above this while the GPU is "
        + "under-used: the job waits for input");
    number("COSTWATCH_GPU_OVERSIZED_MEMORY", gpu.oversizedGpuMemory(), "GPU memory (%) below this with low CPU: "
        + "the GPU is larger than the job needs");
    number("COSTWATCH_IDLE_NODES_MIN", gpu.minIdleNodes(), "average idle nodes over a window at or above this "
        + "raise `IDLE_NODES`");
    tiers("COSTWATCH_GPU_SEVERITY_TIERS", gpu.hourlyTiers(), "severity floors (medium,high,critical) of the waste "
        + "per hour");
    number("COSTWATCH_GPU_IDLE_EXIT_UTILIZATION", gpu.idleExitUtilization(), "hysteresis: an idle GPU stays idle "
        + "until its utilisation (%) reaches this (not below `COSTWATCH_GPU_IDLE_UTILIZATION`)");
    number("COSTWATCH_GPU_IDLE_EXIT_BUSY_MINUTE_SHARE", gpu.idleExitBusyMinuteShare(), "hysteresis: an idle GPU "
        + "stays idle until this share of minutes is busy (not below `COSTWATCH_GPU_IDLE_BUSY_MINUTE_SHARE`)");
    number("COSTWATCH_GPU_UNDER_EXIT_UTILIZATION", gpu.underExitUtilization(), "hysteresis: a compute in GPU waste "
        + "stays in it until its utilisation (%) reaches this (not below `COSTWATCH_GPU_UNDER_UTILIZATION`)");
    number("COSTWATCH_GPU_INPUT_BOUND_BUSY_CORES", gpu.inputBoundBusyCores(), "busy CPU cores per node (CPU % x the "
        + "VM size's vCPUs) from which an under-used GPU waits for input");
    number("COSTWATCH_GPU_INPUT_BOUND_EXIT_BUSY_CORES", gpu.inputBoundExitBusyCores(), "hysteresis: an input-bound "
        + "waste stays one until its busy cores fall below this (not above `COSTWATCH_GPU_INPUT_BOUND_BUSY_CORES`)");
    number("COSTWATCH_GPU_IDLE_CPU_BUSY_CORES", gpu.idleCpuBusyCores(), "below this many busy cores an idle GPU's "
        + "CPU does no work (a forgotten notebook)");
    DeploymentRules deployment = DeploymentRules.defaults();
    number("COSTWATCH_DEPLOYMENT_MIN_INSTANCES", deployment.minInstances(), "average instances a deployment needs "
        + "to be judged");
    number("COSTWATCH_DEPLOYMENT_IDLE_RPM", deployment.idleRequestsPerMinute(), "average requests per minute at or "
        + "below this is no traffic");
    number("COSTWATCH_DEPLOYMENT_IDLE_UTILIZATION", deployment.idleUtilization(), "without request telemetry: "
        + "average GPU (else CPU) utilisation (%) below this is idle");
    number("COSTWATCH_DEPLOYMENT_BUSY_MINUTE_UTILIZATION", deployment.busyMinuteUtilization(), "a minute at or "
        + "above this utilisation (%) is busy");
    number("COSTWATCH_DEPLOYMENT_IDLE_BUSY_MINUTE_SHARE", deployment.idleBusyMinuteShare(), "more busy minutes "
        + "than this share (0-1): the deployment is working");
    tiers("COSTWATCH_DEPLOYMENT_SEVERITY_TIERS", deployment.hourlyTiers(), "severity floors of the idle instances' "
        + "cost per hour");
    duration("COSTWATCH_SERVING_HORIZON", deployment.servingHorizon().toString(), "how far back an online "
        + "deployment's serving is judged (PT1M-P7D): idle when its GPUs' duty cycle stayed near zero without traffic "
        + "over all of it");

    section("Spend rules");
    SpendRules spend = SpendRules.defaults();
    integer("COSTWATCH_SPEND_LOOKBACK_DAYS", spend.lookbackDays(), "days of history the daily baseline uses (7-366)");
    integer("COSTWATCH_SPEND_MIN_HISTORY_DAYS", spend.minHistoryDays(), "fewer days of history: no spend alert");
    amount("COSTWATCH_SPEND_MIN_DELTA", spend.minDelta(), "minimum daily excess over the baseline, billing "
        + "currency");
    number("COSTWATCH_SPEND_MIN_PERCENT", spend.minPercent(), "minimum excess as a percentage of the baseline");
    number("COSTWATCH_SPEND_ROBUST_Z", spend.robustZ(), "minimum excess in units of 1.4826 x MAD");
    tiers("COSTWATCH_SPEND_SEVERITY_TIERS", spend.dailyTiers(), "severity floors of the daily excess");
    BurnRateRules burn = BurnRateRules.defaults();
    integer("COSTWATCH_BURN_HISTORY_WINDOWS", burn.historyCapacity(), "windows of burn-rate history kept per "
        + "workspace");
    duration("COSTWATCH_BURN_LOOKBACK", burn.lookback().toString(), "only history windows this close before the "
        + "evaluated one count");
    integer("COSTWATCH_BURN_MIN_HISTORY_WINDOWS", burn.minHistoryWindows(), "fewer usable history windows: no "
        + "baseline, no finding");
    amount("COSTWATCH_BURN_MIN_DELTA", burn.minDeltaPerHour(), "minimum excess burn rate per hour over the "
        + "baseline");
    number("COSTWATCH_BURN_MIN_RATIO", burn.minRatio(), "minimum current / baseline burn rate");
    tiers("COSTWATCH_BURN_SEVERITY_TIERS", burn.hourlyTiers(), "severity floors of the excess per hour");

    section("Storage and egress rules");
    StorageRules storage = StorageRules.defaults();
    spike("COSTWATCH_EGRESS_", storage.egress(), "`EGRESS_SPIKE`: one resource's daily data-transfer-out spend");
    spike("COSTWATCH_STORAGE_GROWTH_", storage.storageGrowth(), "`STORAGE_GROWTH`: one storage account's daily "
        + "Hot capacity spend");
    StorageRules.ColdData cold = storage.coldData();
    number("COSTWATCH_COLD_DATA_MAX_READ_FRACTION", cold.coolMaxReadFraction(), "share of stored GB read a month "
        + "at or under which Cool is recommended");
    number("COSTWATCH_COLD_DATA_ARCHIVE_MAX_READ_FRACTION", cold.archiveMaxReadFraction(), "... and Archive "
        + "(at most the Cool share)");
    amount("COSTWATCH_COLD_DATA_MB_PER_READ", cold.assumedMbPerRead(), "MB assumed per Hot read operation");
    amount("COSTWATCH_COLD_DATA_MIN_SAVINGS", cold.minMonthlySavings(), "no tiering recommendation under this "
        + "monthly saving");
    integer("COSTWATCH_COLD_DATA_MIN_OBSERVED_DAYS", cold.minObservedDays(), "days of Hot capacity needed (of "
        + cold.observationDays() + ")");
    integer("COSTWATCH_COLD_DATA_COOL_AFTER_DAYS", cold.coolAfterDays(), "the recommended policy's days since "
        + "modification before Cool");
    integer("COSTWATCH_COLD_DATA_ARCHIVE_AFTER_DAYS", cold.archiveAfterDays(), "... before Archive (more than the "
        + "Cool days)");
    tiers("COSTWATCH_COLD_DATA_SEVERITY_TIERS", cold.dailyTiers(), "severity floors of the daily saving");

    section("Alert lifecycle and delivery");
    LifecycleRules lifecycle = DetectorRules.lifecycleDefaults();
    duration("COSTWATCH_ALERT_MIN_DURATION", lifecycle.minDurationBeforeOpen().toString(), "how long a condition "
        + "must hold before its alert opens");
    duration("COSTWATCH_ALERT_CLEAR_BEFORE_RESOLVE", lifecycle.clearBeforeResolve().toString(), "how long it must "
        + "be clear before the alert resolves");
    duration("COSTWATCH_ALERT_QUIET_AFTER_RESOLVE", lifecycle.quietAfterResolve().toString(), "quiet time after a "
        + "resolve before the same alert opens a new episode");
    amount("COSTWATCH_ALERT_UPDATE_STEP_PERCENT", lifecycle.updateStepPercent(), "change of the impact (%) that "
        + "sends an update of an open alert");
    text("COSTWATCH_ALERTMANAGER_URL", URL, "", "push alerts to this Alertmanager's v2 API, e.g. "
        + "`http://alertmanager:9093`");
    text("COSTWATCH_OWNER_TAGS", TEXT, OwnerTags.DEFAULT_TEXT, "which resource tags name the owners that travel "
        + "into alerts and Alertmanager labels: `team=TAG,owner=TAG,costCenter=TAG|TAG` (alternatives with `|`, "
        + "matched ignoring case)");
    text("COSTWATCH_OWNER_TEAMS", TEXT, "", "team of resources without a team tag: "
        + "`workspace:NAME=TEAM,resource-group:NAME=TEAM`");
    text("COSTWATCH_RUNBOOK_BASE_URL", URL, AlertmanagerConfig.DEFAULT_RUNBOOK_BASE_URL,
        "prefix of the Alertmanager `runbook_url` (where your copy of docs/runbooks.md is served); the alert type "
        + "in kebab case is appended");
    text("COSTWATCH_WEBHOOK_URL", URL, "", "post signed alert events to this URL (needs a secret)");
    secret("COSTWATCH_WEBHOOK_SECRET", "HMAC key of the webhook signatures");
    text("COSTWATCH_WEBHOOK_SECRET_FILE", PATH, "", "file holding the webhook secret (instead of "
        + "`COSTWATCH_WEBHOOK_SECRET`)");

    section("Event Hubs input");
    for (EventHubsBridgeConfig.Kind kind : EventHubsBridgeConfig.Kind.values()) {
      String prefix = "COSTWATCH_EVENTHUBS_" + kind.name() + "_";
      String what = kind == EventHubsBridgeConfig.Kind.METRICS ? "the Azure Monitor metrics hub"
          : "the billing rows hub";
      secret(prefix + "CONNECTION_STRING", "connection string of " + what + " (or NAMESPACE)");
      text(prefix + "NAMESPACE", TEXT, "", "fully qualified namespace of " + what + ", reached with "
          + "DefaultAzureCredential");
      text(prefix + "HUB", TEXT, "", "hub name of " + what + " (needed unless the connection string has "
          + "`EntityPath`)");
    }
    text(EventHubsBridgeConfig.CONSUMER_GROUP, TEXT, EventHubsBridgeConfig.DEFAULT_CONSUMER_GROUP,
        "consumer group of both hubs");
    text(EventHubsBridgeConfig.START_POSITION, CHOICE, "earliest", "where a partition without checkpoint starts: "
        + "`earliest` or `latest`");
    integer(EventHubsBridgeConfig.BATCH_SIZE, EventHubsBridgeConfig.DEFAULT_BATCH_SIZE, "events per batch");
    duration(EventHubsBridgeConfig.MAX_WAIT, EventHubsBridgeConfig.DEFAULT_MAX_WAIT.toString(), "longest wait "
        + "for a batch to fill");
    text(EventHubsBridgeConfig.LOAD_BALANCING, CHOICE, "balanced", "partition load balancing: `balanced` or "
        + "`greedy`");
    duration(EventHubsBridgeConfig.LOAD_BALANCING_INTERVAL,
        EventHubsBridgeConfig.DEFAULT_LOAD_BALANCING_INTERVAL.toString(), "how often partition ownership is "
        + "re-balanced");
    text(EventHubsBridgeConfig.CHECKPOINT_STORE, CHOICE, "blob", "`blob` or `memory` (tests only: lost on "
        + "restart)");
    secret(EventHubsBridgeConfig.CHECKPOINT_BLOB_CONNECTION_STRING, "storage connection string of the "
        + "checkpoint container");
    text(EventHubsBridgeConfig.CHECKPOINT_BLOB_CONTAINER, TEXT, "", "checkpoint container (with the connection "
        + "string)");
    text(EventHubsBridgeConfig.CHECKPOINT_BLOB_CONTAINER_URL, URL, "", "checkpoint container URL, reached with "
        + "DefaultAzureCredential");
    secret(EventHubsBridgeConfig.EXPORTS_BLOB_CONNECTION_STRING, "storage connection string of the cost export "
        + "account, read on `BlobCreated` notifications");
    text(EventHubsBridgeConfig.EXPORTS_BLOB_ACCOUNT_URL, URL, "", "blob endpoint of the cost export account, "
        + "reached with DefaultAzureCredential");

    section("Azure Monitor Metrics API poller");
    text(MetricsApiConfig.RESOURCES, LIST, "", "workspace and deployment ids to poll (JSON array or separated by "
        + "commas or spaces); set this or WORKSPACES to start the poller");
    text(MetricsApiConfig.WORKSPACES, LIST, "", "workspace ids whose online deployments are discovered through "
        + "ARM");
    text(MetricsApiConfig.REGION, TEXT, "", "region of ids given without one");
    text(MetricsApiConfig.ENDPOINT, URL, MetricsApiConfig.DEFAULT_ENDPOINT, "metrics batch endpoint "
        + "(`{region}` is replaced)");
    text(MetricsApiConfig.ARM_ENDPOINT, URL, MetricsApiConfig.DEFAULT_ARM_ENDPOINT, "Azure Resource Manager, for "
        + "discovery");
    duration(MetricsApiConfig.POLL_INTERVAL, "PT1M", "time between polls");
    duration(MetricsApiConfig.LATENCY, "PT5M", "how long after a minute ends its values are complete");
    duration(MetricsApiConfig.BACKFILL, "PT1H", "how far back a resource without a high-water mark starts");
    duration(MetricsApiConfig.MAX_SPAN, "PT1H", "longest time range of one request");
    duration(MetricsApiConfig.DISCOVERY_INTERVAL, "PT1H", "time between ARM discoveries");
    integer(MetricsApiConfig.TOP, 100, "time series per metric and resource when split by a dimension");
  }

  private Settings() {
  }

  /** Every setting, in the order of the reference. */
  public static List<Setting> all() {
    return Collections.unmodifiableList(new ArrayList<>(BY_NAME.values()));
  }

  public static Optional<Setting> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The setting called {@code name}; reading an unlisted one is a bug, so it fails loudly. */
  public static Setting get(String name) {
    Setting s = BY_NAME.get(name);
    if (s == null) {
      throw new IllegalStateException(name + " is read but not listed in " + Settings.class.getName());
    }
    return s;
  }

  /** The listed name closest to {@code unknown} when it is plausibly a typo of it, else empty. */
  public static Optional<String> closest(String unknown) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String name : BY_NAME.keySet()) {
      int d = distance(unknown, name);
      if (d < bestDistance) {
        best = name;
        bestDistance = d;
      }
    }
    int allowed = Math.max(2, (unknown.length() - "COSTWATCH_".length()) / 4);
    return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static void section(String name) {
    section = name;
  }

  private static void add(Setting setting) {
    if (BY_NAME.putIfAbsent(setting.name(), setting) != null) {
      throw new IllegalStateException(setting.name() + " is listed twice");
    }
  }

  private static void text(String name, Setting.Type type, String defaultValue, String description) {
    add(new Setting(name, section, type, defaultValue, description, false));
  }

  private static void secret(String name, String description) {
    add(new Setting(name, section, TEXT, "", description, true));
  }

  private static void duration(String name, String defaultValue, String description) {
    add(new Setting(name, section, DURATION, defaultValue, description, false));
  }

  private static void number(String name, double defaultValue, String description) {
    String text = defaultValue == Math.rint(defaultValue) && Math.abs(defaultValue) < 1e15
        ? Long.toString((long) defaultValue) : Double.toString(defaultValue);
    add(new Setting(name, section, NUMBER, text, description, false));
  }

  private static void integer(String name, long defaultValue, String description) {
    add(new Setting(name, section, INTEGER, Long.toString(defaultValue), description, false));
  }

  private static void amount(String name, BigDecimal defaultValue, String description) {
    add(new Setting(name, section, AMOUNT, defaultValue.toPlainString(), description, false));
  }

  private static void tiers(String name, SeverityTiers defaults, String description) {
    add(new Setting(name, section, AMOUNTS, defaults.medium().toPlainString() + "," + defaults.high().toPlainString()
        + "," + defaults.critical().toPlainString(), description, false));
  }

  /** The four gates of a storage spike rule, {@code prefix} + MIN_DELTA, MIN_PERCENT, ROBUST_Z, SEVERITY_TIERS. */
  private static void spike(String prefix, SpendRules defaults, String rule) {
    amount(prefix + "MIN_DELTA", defaults.minDelta(), rule + ", minimum daily excess");
    number(prefix + "MIN_PERCENT", defaults.minPercent(), rule + ", minimum excess (%)");
    number(prefix + "ROBUST_Z", defaults.robustZ(), rule + ", minimum robust z");
    tiers(prefix + "SEVERITY_TIERS", defaults.dailyTiers(), rule + ", severity floors");
  }
}
