package io.costwatch.config;

import io.costwatch.alert.lifecycle.LifecycleRules;
import io.costwatch.alert.owners.OwnerDefaults;
import io.costwatch.alert.owners.OwnerSettings;
import io.costwatch.alert.owners.OwnerTags;
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
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Builds {@link AppConfig} from a {@link ConfigSource}: environment variables layered over a properties file named by
 * {@code COSTWATCH_CONFIG_FILE} (same variable names as keys; the environment wins), over the defaults listed in
 * {@link Settings}. {@code KAFKA_*} variables become Kafka client properties ({@code KAFKA_BOOTSTRAP_SERVERS ->
 * bootstrap.servers}); {@code COSTWATCH_*} are ours. Every value is validated here, and an error names the variable
 * and the values it accepts.
 */
public final class ConfigLoader {

  private static final Set<String> GUARANTEES = Set.of("exactly_once_v2", "at_least_once");

  private final ConfigSource source;

  private ConfigLoader(ConfigSource source) {
    this.source = source;
  }

  public static AppConfig fromEnvironment() {
    return load(System.getenv());
  }

  /** The configuration of {@code env} layered over the file it names ({@link ConfigSource#of}). */
  public static AppConfig load(Map<String, String> env) {
    return load(ConfigSource.of(env));
  }

  public static AppConfig load(ConfigSource source) {
    return new ConfigLoader(source).build();
  }

  private AppConfig build() {
    Map<String, Object> kafka = new LinkedHashMap<>();
    source.values().forEach((k, v) -> {
      if (k.startsWith("KAFKA_") && !v.isBlank()) {
        kafka.put(k.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
      }
    });
    String guarantee = string("COSTWATCH_PROCESSING_GUARANTEE");
    if (!GUARANTEES.contains(guarantee)) {
      throw new ConfigException("COSTWATCH_PROCESSING_GUARANTEE=" + guarantee + " is not one of " + GUARANTEES);
    }
    String instance = string("COSTWATCH_INSTANCE_ID");
    if (!instance.isEmpty()) {
      if (!instance.matches("[A-Za-z0-9._-]{1,200}")) {
        throw new ConfigException("COSTWATCH_INSTANCE_ID=" + instance
            + " must be 1 to 200 letters, digits, '.', '_' or '-'");
      }
      // static membership of the Streams main consumer only (Kafka Streams appends the thread index)
      kafka.put("main.consumer.group.instance.id", instance);
    }
    double idleGpu = number("COSTWATCH_GPU_IDLE_UTILIZATION", 0, 100);
    double idleShare = number("COSTWATCH_GPU_IDLE_BUSY_MINUTE_SHARE", 0, 1);
    double underGpu = number("COSTWATCH_GPU_UNDER_UTILIZATION", 0, 100);
    double inputBoundCores = number("COSTWATCH_GPU_INPUT_BOUND_BUSY_CORES", 0, 10_000);
    GpuRules gpu = new GpuRules(
        number("COSTWATCH_GPU_MIN_ACTIVE_NODES", 0, 10_000),
        idleGpu,
        idleShare,
        number("COSTWATCH_GPU_BUSY_MINUTE_UTILIZATION", 0, 100),
        underGpu,
        number("COSTWATCH_GPU_INPUT_BOUND_CPU", 0, 100),
        number("COSTWATCH_GPU_OVERSIZED_MEMORY", 0, 100),
        number("COSTWATCH_IDLE_NODES_MIN", 0, 10_000),
        tiers("COSTWATCH_GPU_SEVERITY_TIERS"),
        exitAtOrAbove("COSTWATCH_GPU_IDLE_EXIT_UTILIZATION", "COSTWATCH_GPU_IDLE_UTILIZATION", idleGpu, 100),
        exitAtOrAbove("COSTWATCH_GPU_IDLE_EXIT_BUSY_MINUTE_SHARE", "COSTWATCH_GPU_IDLE_BUSY_MINUTE_SHARE", idleShare, 1),
        exitAtOrAbove("COSTWATCH_GPU_UNDER_EXIT_UTILIZATION", "COSTWATCH_GPU_UNDER_UTILIZATION", underGpu, 100),
        inputBoundCores,
        exitAtOrBelow("COSTWATCH_GPU_INPUT_BOUND_EXIT_BUSY_CORES", "COSTWATCH_GPU_INPUT_BOUND_BUSY_CORES",
            inputBoundCores),
        number("COSTWATCH_GPU_IDLE_CPU_BUSY_CORES", 0, 10_000));
    SpendRules spend = new SpendRules(
        (int) number("COSTWATCH_SPEND_LOOKBACK_DAYS", 7, 366),
        (int) number("COSTWATCH_SPEND_MIN_HISTORY_DAYS", 1, 366),
        BigDecimal.valueOf(number("COSTWATCH_SPEND_MIN_DELTA", 0, 1e12)),
        number("COSTWATCH_SPEND_MIN_PERCENT", 0, 1e6),
        number("COSTWATCH_SPEND_ROBUST_Z", 0, 100),
        tiers("COSTWATCH_SPEND_SEVERITY_TIERS"));
    DeploymentRules deployment = new DeploymentRules(
        number("COSTWATCH_DEPLOYMENT_MIN_INSTANCES", 0, 10_000),
        number("COSTWATCH_DEPLOYMENT_IDLE_RPM", 0, 1e9),
        number("COSTWATCH_DEPLOYMENT_IDLE_UTILIZATION", 0, 100),
        number("COSTWATCH_DEPLOYMENT_BUSY_MINUTE_UTILIZATION", 0, 100),
        number("COSTWATCH_DEPLOYMENT_IDLE_BUSY_MINUTE_SHARE", 0, 1),
        tiers("COSTWATCH_DEPLOYMENT_SEVERITY_TIERS"),
        servingHorizon("COSTWATCH_SERVING_HORIZON"));
    int historyWindows = (int) number("COSTWATCH_BURN_HISTORY_WINDOWS", 1, 10_000);
    BurnRateRules burn = new BurnRateRules(historyWindows,
        duration("COSTWATCH_BURN_LOOKBACK"),
        (int) number("COSTWATCH_BURN_MIN_HISTORY_WINDOWS", 1, historyWindows),
        BigDecimal.valueOf(number("COSTWATCH_BURN_MIN_DELTA", 0, 1e9)),
        number("COSTWATCH_BURN_MIN_RATIO", 1, 1e6),
        tiers("COSTWATCH_BURN_SEVERITY_TIERS"));
    LifecycleRules lifecycle = new LifecycleRules(
        duration("COSTWATCH_ALERT_MIN_DURATION"),
        duration("COSTWATCH_ALERT_CLEAR_BEFORE_RESOLVE"),
        duration("COSTWATCH_ALERT_QUIET_AFTER_RESOLVE"),
        BigDecimal.valueOf(number("COSTWATCH_ALERT_UPDATE_STEP_PERCENT", 0, 1e6)));
    ScopedSpendRules spendScopes = jsonSetting("COSTWATCH_SPEND_SCOPE_RULES",
        (source, json) -> JsonSettings.spendScopes(source, json, spend), ScopedSpendRules.of(spend));
    ResourceLinks links = jsonSetting("COSTWATCH_LINKED_RESOURCES", JsonSettings::links, ResourceLinks.none());
    StorageRules storage = storageRules();
    String prices = string("COSTWATCH_PRICES_FILE");
    return new AppConfig(
        Map.copyOf(kafka),
        string("COSTWATCH_APPLICATION_ID"),
        Path.of(string("COSTWATCH_STATE_DIR")),
        Path.of(string("COSTWATCH_EMBEDDED_DATA_DIR")),
        (int) number("COSTWATCH_EMBEDDED_PORT", 0, 65535),
        guarantee,
        duration("COSTWATCH_METRICS_WINDOW"),
        duration("COSTWATCH_METRICS_GRACE"),
        duration("COSTWATCH_BILLING_LATENESS"),
        duration("COSTWATCH_BILLING_SETTLE"),
        basis(string("COSTWATCH_SPEND_BASIS")),
        new DetectorRules(gpu, deployment, burn, spend, lifecycle, storage),
        skus(string("COSTWATCH_COMPUTE_SKUS")),
        string("COSTWATCH_DEFAULT_VM_SIZE"),
        prices.isBlank() ? null : Path.of(prices),
        storagePricesFile(),
        string("COSTWATCH_HTTP_HOST"),
        (int) number("COSTWATCH_HTTP_PORT", 0, 65535),
        (int) number("COSTWATCH_WORKSPACE_LABEL_CAP", 1, 10_000),
        spendScopes,
        links,
        new Plausibility(decimal("COSTWATCH_MAX_PLAUSIBLE_COST", 1, 1e15),
            number("COSTWATCH_MAX_PLAUSIBLE_COUNT", 1, 1e9)),
        duration("COSTWATCH_METRICS_IDLE_TIMEOUT"),
        duration("COSTWATCH_METRICS_MAX_AHEAD"),
        owners());
  }

  /** {@code COSTWATCH_OWNER_TAGS} (which tags name the owners) and {@code COSTWATCH_OWNER_TEAMS} (untagged ones). */
  private OwnerSettings owners() {
    String tags = string("COSTWATCH_OWNER_TAGS");
    String teams = string("COSTWATCH_OWNER_TEAMS");
    OwnerTags tagNames;
    try {
      tagNames = OwnerTags.parse(tags);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("COSTWATCH_OWNER_TAGS=" + tags + ": " + e.getMessage());
    }
    try {
      return new OwnerSettings(tagNames, OwnerDefaults.parse(teams));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("COSTWATCH_OWNER_TEAMS=" + teams + ": " + e.getMessage());
    }
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
    double coolFraction = number("COSTWATCH_COLD_DATA_MAX_READ_FRACTION", 0, 1);
    double archiveFraction = number("COSTWATCH_COLD_DATA_ARCHIVE_MAX_READ_FRACTION", 0, 1);
    if (archiveFraction > coolFraction) {
      throw new ConfigException("COSTWATCH_COLD_DATA_ARCHIVE_MAX_READ_FRACTION=" + archiveFraction + " is above "
          + "COSTWATCH_COLD_DATA_MAX_READ_FRACTION=" + coolFraction + " (data read too often for Cool cannot suit "
          + "Archive)");
    }
    int coolAfter = (int) number("COSTWATCH_COLD_DATA_COOL_AFTER_DAYS", 0, 36_500);
    int archiveAfter = (int) number("COSTWATCH_COLD_DATA_ARCHIVE_AFTER_DAYS", 0, 36_500);
    if (archiveAfter <= coolAfter) {
      throw new ConfigException("COSTWATCH_COLD_DATA_ARCHIVE_AFTER_DAYS=" + archiveAfter + " must be greater than "
          + "COSTWATCH_COLD_DATA_COOL_AFTER_DAYS=" + coolAfter + " (a lifecycle policy tiers to Cool before Archive)");
    }
    StorageRules.ColdData coldData = new StorageRules.ColdData(cold.observationDays(),
        (int) number("COSTWATCH_COLD_DATA_MIN_OBSERVED_DAYS", 1, cold.observationDays()),
        coolFraction, archiveFraction,
        decimal("COSTWATCH_COLD_DATA_MB_PER_READ", 0, 1e6),
        decimal("COSTWATCH_COLD_DATA_MIN_SAVINGS", 0, 1e12),
        coolAfter, archiveAfter,
        tiers("COSTWATCH_COLD_DATA_SEVERITY_TIERS"));
    return new StorageRules(egress, growth, coldData);
  }

  /** The gates of one storage spike rule, {@code prefix} + MIN_DELTA, MIN_PERCENT, ROBUST_Z, SEVERITY_TIERS. */
  private SpendRules storageSpike(String prefix, SpendRules defaults) {
    return new SpendRules(defaults.lookbackDays(), defaults.minHistoryDays(),
        decimal(prefix + "MIN_DELTA", 0, 1e12),
        number(prefix + "MIN_PERCENT", 0, 1e6),
        number(prefix + "ROBUST_Z", 0, 100),
        tiers(prefix + "SEVERITY_TIERS"));
  }

  /** {@code COSTWATCH_STORAGE_PRICES_FILE}, read once here so a broken table stops start-up, naming file and line. */
  private Path storagePricesFile() {
    String name = "COSTWATCH_STORAGE_PRICES_FILE";
    String value = string(name);
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

  private String string(String name) {
    return source.text(name);
  }

  /**
   * A JSON-valued setting given inline as {@code name} or in a file named by {@code name_FILE} (never both), parsed
   * by {@code parser} with a source text that names the variable (and the file) in its errors.
   */
  private <T> T jsonSetting(String name, BiFunction<String, String, T> parser, T fallback) {
    String inline = string(name);
    String file = string(name + "_FILE");
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

  /**
   * A hysteresis exit threshold, which may not lie inside its entry threshold: unset, the registry default moved up to
   * the entry; set below the entry, an error naming both.
   */
  private double exitAtOrAbove(String name, String entryName, double entry, double max) {
    double exit = number(name, 0, max);
    if (!source.isSet(name)) {
      return Math.max(entry, exit);
    }
    if (exit < entry) {
      throw new ConfigException(name + "=" + source.text(name) + " is outside " + plain(entry) + ".." + plain(max)
          + ": below " + entryName + " a compute would leave the band before it could enter it");
    }
    return exit;
  }

  private static String plain(double d) {
    return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** As {@link #exitAtOrAbove} for a threshold that is left downwards. */
  private double exitAtOrBelow(String name, String entryName, double entry) {
    double exit = number(name, 0, 10_000);
    if (!source.isSet(name)) {
      return Math.min(entry, exit);
    }
    if (exit > entry) {
      throw new ConfigException(name + "=" + source.text(name) + " is outside 0.." + plain(entry) + ": above "
          + entryName + " a job would leave the band before it could enter it");
    }
    return exit;
  }

  private double number(String name, double min, double max) {
    return source.number(name, min, max);
  }

  private BigDecimal decimal(String name, double min, double max) {
    return source.decimal(name, min, max);
  }

  /** The serving horizon of the idle-deployment rule: at least a minute, at most a week. */
  private Duration servingHorizon(String name) {
    Duration horizon = duration(name);
    if (horizon.compareTo(Duration.ofMinutes(1)) < 0 || horizon.compareTo(Duration.ofDays(7)) > 0) {
      throw new ConfigException(name + "=" + source.text(name) + " must be between PT1M and P7D");
    }
    return horizon;
  }

  private Duration duration(String name) {
    return source.duration(name);
  }

  private SeverityTiers tiers(String name) {
    return source.tiers(name);
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

}
