package io.costwatch.config;

import io.costwatch.alert.lifecycle.LifecycleRules;
import io.costwatch.core.CostBasis;
import io.costwatch.core.Plausibility;
import io.costwatch.core.ResourceLinks;
import io.costwatch.detect.BurnRateRules;
import io.costwatch.detect.DeploymentRules;
import io.costwatch.detect.GpuRules;
import io.costwatch.detect.ScopedSpendRules;
import io.costwatch.detect.SeverityTiers;
import io.costwatch.detect.SpendRules;
import io.costwatch.detect.spend.StorageRules;
import io.costwatch.recommend.BlobTierPrices;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Builds {@link AppConfig} from environment variables, optionally layered over a properties file named by
 * {@code COSTWATCH_CONFIG_FILE} (same variable names as keys; the environment wins). {@code KAFKA_*} variables become
 * Kafka client properties ({@code KAFKA_BOOTSTRAP_SERVERS -> bootstrap.servers}); {@code COSTWATCH_*} are ours.
 * Every value is validated here, and an error names the variable and the values it accepts.
 */
public final class ConfigLoader {

  private static final Set<String> GUARANTEES = Set.of("exactly_once_v2", "at_least_once");

  private final Map<String, String> vars;

  private ConfigLoader(Map<String, String> vars) {
    this.vars = vars;
  }

  public static AppConfig fromEnvironment() {
    return load(System.getenv());
  }

  public static AppConfig load(Map<String, String> env) {
    Map<String, String> merged = new HashMap<>();
    String file = env.get("COSTWATCH_CONFIG_FILE");
    if (file != null && !file.isBlank()) {
      merged.putAll(readFile(Path.of(file)));
    }
    merged.putAll(env);
    return new ConfigLoader(merged).build();
  }

  private AppConfig build() {
    Map<String, Object> kafka = new LinkedHashMap<>();
    vars.forEach((k, v) -> {
      if (k.startsWith("KAFKA_") && !v.isBlank()) {
        kafka.put(k.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
      }
    });
    String guarantee = string("COSTWATCH_PROCESSING_GUARANTEE", "exactly_once_v2");
    if (!GUARANTEES.contains(guarantee)) {
      throw new ConfigException("COSTWATCH_PROCESSING_GUARANTEE=" + guarantee + " is not one of " + GUARANTEES);
    }
    String instance = string("COSTWATCH_INSTANCE_ID", "");
    if (!instance.isEmpty()) {
      if (!instance.matches("[A-Za-z0-9._-]{1,200}")) {
        throw new ConfigException("COSTWATCH_INSTANCE_ID=" + instance
            + " must be 1 to 200 letters, digits, '.', '_' or '-'");
      }
      // static membership of the Streams main consumer only (Kafka Streams appends the thread index)
      kafka.put("main.consumer.group.instance.id", instance);
    }
    GpuRules gpuDefaults = GpuRules.defaults();
    double idleGpu = number("COSTWATCH_GPU_IDLE_UTILIZATION", gpuDefaults.idleUtilization(), 0, 100);
    double idleShare = number("COSTWATCH_GPU_IDLE_BUSY_MINUTE_SHARE", gpuDefaults.idleBusyMinuteShare(), 0, 1);
    double underGpu = number("COSTWATCH_GPU_UNDER_UTILIZATION", gpuDefaults.underUtilization(), 0, 100);
    double inputBoundCores = number("COSTWATCH_GPU_INPUT_BOUND_BUSY_CORES", gpuDefaults.inputBoundBusyCores(), 0,
        10_000);
    // each exit threshold (hysteresis) may not lie inside its entry threshold: the minimum/maximum is the entry value
    GpuRules gpu = new GpuRules(
        number("COSTWATCH_GPU_MIN_ACTIVE_NODES", gpuDefaults.minActiveNodes(), 0, 10_000),
        idleGpu,
        idleShare,
        number("COSTWATCH_GPU_BUSY_MINUTE_UTILIZATION", gpuDefaults.busyMinuteUtilization(), 0, 100),
        underGpu,
        number("COSTWATCH_GPU_INPUT_BOUND_CPU", gpuDefaults.inputBoundCpu(), 0, 100),
        number("COSTWATCH_GPU_OVERSIZED_MEMORY", gpuDefaults.oversizedGpuMemory(), 0, 100),
        number("COSTWATCH_IDLE_NODES_MIN", gpuDefaults.minIdleNodes(), 0, 10_000),
        tiers("COSTWATCH_GPU_SEVERITY_TIERS", gpuDefaults.hourlyTiers()),
        number("COSTWATCH_GPU_IDLE_EXIT_UTILIZATION", Math.max(idleGpu, gpuDefaults.idleExitUtilization()), idleGpu,
            100),
        number("COSTWATCH_GPU_IDLE_EXIT_BUSY_MINUTE_SHARE",
            Math.max(idleShare, gpuDefaults.idleExitBusyMinuteShare()), idleShare, 1),
        number("COSTWATCH_GPU_UNDER_EXIT_UTILIZATION", Math.max(underGpu, gpuDefaults.underExitUtilization()),
            underGpu, 100),
        inputBoundCores,
        number("COSTWATCH_GPU_INPUT_BOUND_EXIT_BUSY_CORES",
            Math.min(inputBoundCores, gpuDefaults.inputBoundExitBusyCores()), 0, inputBoundCores),
        number("COSTWATCH_GPU_IDLE_CPU_BUSY_CORES", gpuDefaults.idleCpuBusyCores(), 0, 10_000));
    SpendRules spendDefaults = SpendRules.defaults();
    SpendRules spend = new SpendRules(
        (int) number("COSTWATCH_SPEND_LOOKBACK_DAYS", spendDefaults.lookbackDays(), 7, 366),
        (int) number("COSTWATCH_SPEND_MIN_HISTORY_DAYS", spendDefaults.minHistoryDays(), 1, 366),
        BigDecimal.valueOf(number("COSTWATCH_SPEND_MIN_DELTA", spendDefaults.minDelta().doubleValue(), 0, 1e12)),
        number("COSTWATCH_SPEND_MIN_PERCENT", spendDefaults.minPercent(), 0, 1e6),
        number("COSTWATCH_SPEND_ROBUST_Z", spendDefaults.robustZ(), 0, 100),
        tiers("COSTWATCH_SPEND_SEVERITY_TIERS", spendDefaults.dailyTiers()));
    DeploymentRules deploymentDefaults = DeploymentRules.defaults();
    DeploymentRules deployment = new DeploymentRules(
        number("COSTWATCH_DEPLOYMENT_MIN_INSTANCES", deploymentDefaults.minInstances(), 0, 10_000),
        number("COSTWATCH_DEPLOYMENT_IDLE_RPM", deploymentDefaults.idleRequestsPerMinute(), 0, 1e9),
        number("COSTWATCH_DEPLOYMENT_IDLE_UTILIZATION", deploymentDefaults.idleUtilization(), 0, 100),
        number("COSTWATCH_DEPLOYMENT_BUSY_MINUTE_UTILIZATION", deploymentDefaults.busyMinuteUtilization(), 0, 100),
        number("COSTWATCH_DEPLOYMENT_IDLE_BUSY_MINUTE_SHARE", deploymentDefaults.idleBusyMinuteShare(), 0, 1),
        tiers("COSTWATCH_DEPLOYMENT_SEVERITY_TIERS", deploymentDefaults.hourlyTiers()));
    BurnRateRules burnDefaults = BurnRateRules.defaults();
    int historyWindows = (int) number("COSTWATCH_BURN_HISTORY_WINDOWS", burnDefaults.historyCapacity(), 1, 10_000);
    BurnRateRules burn = new BurnRateRules(historyWindows,
        duration("COSTWATCH_BURN_LOOKBACK", burnDefaults.lookback()),
        (int) number("COSTWATCH_BURN_MIN_HISTORY_WINDOWS", burnDefaults.minHistoryWindows(), 1, historyWindows),
        BigDecimal.valueOf(number("COSTWATCH_BURN_MIN_DELTA", burnDefaults.minDeltaPerHour().doubleValue(), 0, 1e9)),
        number("COSTWATCH_BURN_MIN_RATIO", burnDefaults.minRatio(), 1, 1e6),
        tiers("COSTWATCH_BURN_SEVERITY_TIERS", burnDefaults.hourlyTiers()));
    LifecycleRules lifecycleDefaults = DetectorRules.lifecycleDefaults();
    LifecycleRules lifecycle = new LifecycleRules(
        duration("COSTWATCH_ALERT_MIN_DURATION", lifecycleDefaults.minDurationBeforeOpen()),
        duration("COSTWATCH_ALERT_CLEAR_BEFORE_RESOLVE", lifecycleDefaults.clearBeforeResolve()),
        duration("COSTWATCH_ALERT_QUIET_AFTER_RESOLVE", lifecycleDefaults.quietAfterResolve()),
        BigDecimal.valueOf(number("COSTWATCH_ALERT_UPDATE_STEP_PERCENT",
            lifecycleDefaults.updateStepPercent().doubleValue(), 0, 1e6)));
    ScopedSpendRules spendScopes = jsonSetting("COSTWATCH_SPEND_SCOPE_RULES",
        (source, json) -> JsonSettings.spendScopes(source, json, spend), ScopedSpendRules.of(spend));
    ResourceLinks links = jsonSetting("COSTWATCH_LINKED_RESOURCES", JsonSettings::links, ResourceLinks.none());
    StorageRules storage = storageRules();
    String prices = string("COSTWATCH_PRICES_FILE", "");
    return new AppConfig(
        Map.copyOf(kafka),
        string("COSTWATCH_APPLICATION_ID", "costwatch"),
        Path.of(string("COSTWATCH_STATE_DIR", ".costwatch/state")),
        Path.of(string("COSTWATCH_EMBEDDED_DATA_DIR", ".costwatch/kafka")),
        (int) number("COSTWATCH_EMBEDDED_PORT", 9092, 0, 65535),
        guarantee,
        duration("COSTWATCH_METRICS_WINDOW", Duration.ofMinutes(15)),
        duration("COSTWATCH_METRICS_GRACE", Duration.ofMinutes(5)),
        duration("COSTWATCH_BILLING_LATENESS", Duration.ofDays(2)),
        duration("COSTWATCH_BILLING_SETTLE", Duration.ofMinutes(5)),
        basis(string("COSTWATCH_SPEND_BASIS", "ACTUAL")),
        new DetectorRules(gpu, deployment, burn, spend, lifecycle, storage),
        skus(string("COSTWATCH_COMPUTE_SKUS", "")),
        string("COSTWATCH_DEFAULT_VM_SIZE", "Standard_NC24ads_A100_v4"),
        prices.isBlank() ? null : Path.of(prices),
        storagePricesFile(),
        string("COSTWATCH_HTTP_HOST", "127.0.0.1"),
        (int) number("COSTWATCH_HTTP_PORT", 8080, 0, 65535),
        (int) number("COSTWATCH_WORKSPACE_LABEL_CAP", 50, 1, 10_000),
        spendScopes,
        links,
        new Plausibility(decimal("COSTWATCH_MAX_PLAUSIBLE_COST", Plausibility.DEFAULT_MAX_COST, 1, 1e15),
            number("COSTWATCH_MAX_PLAUSIBLE_COUNT", Plausibility.DEFAULT_MAX_COUNT, 1, 1e9)),
        duration("COSTWATCH_METRICS_IDLE_TIMEOUT", Duration.ofMinutes(5)),
        duration("COSTWATCH_METRICS_MAX_AHEAD", Duration.ofHours(1)));
  }

  /**
   * {@code COSTWATCH_EGRESS_*}, {@code COSTWATCH_STORAGE_GROWTH_*} and {@code COSTWATCH_COLD_DATA_*}. The lookback and
   * observation windows stay at their defaults: the spend history keeps {@code COSTWATCH_SPEND_LOOKBACK_DAYS} + 7 days,
   * so a longer window would silently see less.
   */
  private StorageRules storageRules() {
    StorageRules defaults = StorageRules.defaults();
    SpendRules egress = storageSpike("COSTWATCH_EGRESS_", defaults.egress());
    SpendRules growth = storageSpike("COSTWATCH_STORAGE_GROWTH_", defaults.storageGrowth());
    StorageRules.ColdData cold = defaults.coldData();
    double coolFraction = number("COSTWATCH_COLD_DATA_MAX_READ_FRACTION", cold.coolMaxReadFraction(), 0, 1);
    double archiveFraction = number("COSTWATCH_COLD_DATA_ARCHIVE_MAX_READ_FRACTION", cold.archiveMaxReadFraction(), 0,
        1);
    if (archiveFraction > coolFraction) {
      throw new ConfigException("COSTWATCH_COLD_DATA_ARCHIVE_MAX_READ_FRACTION=" + archiveFraction + " is above "
          + "COSTWATCH_COLD_DATA_MAX_READ_FRACTION=" + coolFraction + " (data read too often for Cool cannot suit "
          + "Archive)");
    }
    int coolAfter = (int) number("COSTWATCH_COLD_DATA_COOL_AFTER_DAYS", cold.coolAfterDays(), 0, 36_500);
    int archiveAfter = (int) number("COSTWATCH_COLD_DATA_ARCHIVE_AFTER_DAYS", cold.archiveAfterDays(), 0, 36_500);
    if (archiveAfter <= coolAfter) {
      throw new ConfigException("COSTWATCH_COLD_DATA_ARCHIVE_AFTER_DAYS=" + archiveAfter + " must be greater than "
          + "COSTWATCH_COLD_DATA_COOL_AFTER_DAYS=" + coolAfter + " (a lifecycle policy tiers to Cool before Archive)");
    }
    StorageRules.ColdData coldData = new StorageRules.ColdData(cold.observationDays(),
        (int) number("COSTWATCH_COLD_DATA_MIN_OBSERVED_DAYS", cold.minObservedDays(), 1, cold.observationDays()),
        coolFraction, archiveFraction,
        decimal("COSTWATCH_COLD_DATA_MB_PER_READ", cold.assumedMbPerRead(), 0, 1e6),
        decimal("COSTWATCH_COLD_DATA_MIN_SAVINGS", cold.minMonthlySavings(), 0, 1e12),
        coolAfter, archiveAfter,
        tiers("COSTWATCH_COLD_DATA_SEVERITY_TIERS", cold.dailyTiers()));
    return new StorageRules(egress, growth, coldData);
  }

  /** The gates of one storage spike rule, {@code prefix} + MIN_DELTA, MIN_PERCENT, ROBUST_Z, SEVERITY_TIERS. */
  private SpendRules storageSpike(String prefix, SpendRules defaults) {
    return new SpendRules(defaults.lookbackDays(), defaults.minHistoryDays(),
        decimal(prefix + "MIN_DELTA", defaults.minDelta(), 0, 1e12),
        number(prefix + "MIN_PERCENT", defaults.minPercent(), 0, 1e6),
        number(prefix + "ROBUST_Z", defaults.robustZ(), 0, 100),
        tiers(prefix + "SEVERITY_TIERS", defaults.dailyTiers()));
  }

  /** {@code COSTWATCH_STORAGE_PRICES_FILE}, read once here so a broken table stops start-up, naming file and line. */
  private Path storagePricesFile() {
    String name = "COSTWATCH_STORAGE_PRICES_FILE";
    String value = string(name, "");
    if (value.isEmpty()) {
      return null;
    }
    Path file = Path.of(value);
    try {
      BlobTierPrices.fromFile(file);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new ConfigException(name + ": " + e.getMessage());
    }
    return file;
  }

  private String string(String name, String fallback) {
    String v = vars.get(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  /**
   * A JSON-valued setting given inline as {@code name} or in a file named by {@code name_FILE} (never both), parsed
   * by {@code parser} with a source text that names the variable (and the file) in its errors.
   */
  private <T> T jsonSetting(String name, BiFunction<String, String, T> parser, T fallback) {
    String inline = string(name, "");
    String file = string(name + "_FILE", "");
    if (!inline.isEmpty() && !file.isEmpty()) {
      throw new ConfigException("set only one of " + name + " and " + name + "_FILE");
    }
    if (!file.isEmpty()) {
      String source = name + "_FILE=" + file;
      try {
        return parser.apply(source, Files.readString(Path.of(file)));
      } catch (IOException e) {
        throw new ConfigException(source + " cannot be read: " + e.getMessage());
      }
    }
    return inline.isEmpty() ? fallback : parser.apply(name, inline);
  }

  private double number(String name, double fallback, double min, double max) {
    String v = vars.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (!(d >= min && d <= max)) {
        throw new ConfigException(name + "=" + v + " is outside " + fmt(min) + ".." + fmt(max));
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ConfigException(name + "=" + v + " is not a number (allowed " + fmt(min) + ".." + fmt(max) + ")");
    }
  }

  /** Like {@link #number} but exact: the value as written (or {@code fallback} unchanged). */
  private BigDecimal decimal(String name, BigDecimal fallback, double min, double max) {
    String v = vars.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      BigDecimal d = new BigDecimal(v.trim());
      if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
        throw new ConfigException(name + "=" + v + " is outside " + fmt(min) + ".." + fmt(max));
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ConfigException(name + "=" + v + " is not a number (allowed " + fmt(min) + ".." + fmt(max) + ")");
    }
  }

  private Duration duration(String name, Duration fallback) {
    String v = vars.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      Duration d = Duration.parse(v.trim());
      if (d.isNegative() || d.isZero()) {
        throw new ConfigException(name + "=" + v + " must be a positive ISO-8601 duration such as PT15M");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new ConfigException(name + "=" + v + " is not an ISO-8601 duration (e.g. PT15M, PT1H, P2D)");
    }
  }

  private SeverityTiers tiers(String name, SeverityTiers fallback) {
    String v = vars.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    String[] parts = v.split(",");
    try {
      if (parts.length != 3) {
        throw new NumberFormatException();
      }
      return new SeverityTiers(new BigDecimal(parts[0].trim()), new BigDecimal(parts[1].trim()),
          new BigDecimal(parts[2].trim()));
    } catch (NumberFormatException e) {
      throw new ConfigException(name + "=" + v + " must be three amounts 'medium,high,critical', e.g. 5,25,100");
    }
  }

  private static CostBasis basis(String value) {
    try {
      return CostBasis.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("COSTWATCH_SPEND_BASIS=" + value + " is not one of ACTUAL, AMORTIZED");
    }
  }

  private static Map<String, String> skus(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text.isBlank()) {
      return out;
    }
    for (String pair : text.split(",")) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2 || !kv[0].contains("/") || kv[1].isBlank()) {
        throw new ConfigException("COSTWATCH_COMPUTE_SKUS entry '" + pair
            + "' must look like workspace/compute=Standard_NC24ads_A100_v4");
      }
      out.put(kv[0].trim().toLowerCase(Locale.ROOT), kv[1].trim());
    }
    return out;
  }

  private static Map<String, String> readFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new ConfigException("COSTWATCH_CONFIG_FILE=" + file + " cannot be read: " + e.getMessage());
    }
    Map<String, String> out = new HashMap<>();
    p.forEach((k, v) -> out.put(k.toString(), v.toString()));
    return out;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
