package io.costwatch.ingest.eventhubs;

import io.costwatch.config.Durations;
import io.costwatch.config.Redaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the Event Hubs bridge needs, validated once at start-up. Built by {@link #fromEnv(Map)}; every
 * validation failure names the environment variable and, where there is a closed set, the allowed values.
 * Connection strings are secrets: they never appear in {@code toString()} or in any message.
 *
 * @param metrics the hub carrying Azure Monitor diagnostic-setting events, or null
 * @param billing the hub carrying billing rows, or null
 * @param loadBalancingInterval how often the processor re-balances partition ownership (SDK default 30 s)
 * @param exportsBlob where the billing hub's Event Grid {@code BlobCreated} notifications point (the export
 *     storage account), or null: notifications are then dead-lettered as unsupported
 */
public record EventHubsBridgeConfig(Source metrics, Source billing, String consumerGroup,
    StartPosition startPosition, int maxBatchSize, Duration maxWaitTime, LoadBalancing loadBalancing,
    Duration loadBalancingInterval, CheckpointStoreConfig checkpointStore, ExportsBlob exportsBlob) {

  public static final String PREFIX = "COSTWATCH_EVENTHUBS_";
  public static final String CONSUMER_GROUP = PREFIX + "CONSUMER_GROUP";
  public static final String START_POSITION = PREFIX + "START_POSITION";
  public static final String BATCH_SIZE = PREFIX + "BATCH_SIZE";
  public static final String MAX_WAIT = PREFIX + "MAX_WAIT";
  public static final String LOAD_BALANCING = PREFIX + "LOAD_BALANCING";
  public static final String LOAD_BALANCING_INTERVAL = PREFIX + "LOAD_BALANCING_INTERVAL";
  public static final String CHECKPOINT_STORE = "COSTWATCH_CHECKPOINT_STORE";
  public static final String CHECKPOINT_BLOB_CONNECTION_STRING = "COSTWATCH_CHECKPOINT_BLOB_CONNECTION_STRING";
  public static final String CHECKPOINT_BLOB_CONTAINER = "COSTWATCH_CHECKPOINT_BLOB_CONTAINER";
  public static final String CHECKPOINT_BLOB_CONTAINER_URL = "COSTWATCH_CHECKPOINT_BLOB_CONTAINER_URL";
  public static final String EXPORTS_BLOB_CONNECTION_STRING = "COSTWATCH_EXPORTS_BLOB_CONNECTION_STRING";
  public static final String EXPORTS_BLOB_ACCOUNT_URL = "COSTWATCH_EXPORTS_BLOB_ACCOUNT_URL";

  public static final String DEFAULT_CONSUMER_GROUP = "$Default";
  public static final int DEFAULT_BATCH_SIZE = 100;
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_LOAD_BALANCING_INTERVAL = Duration.ofSeconds(10);

  /** Which raw topic a hub feeds. */
  public enum Kind {
    METRICS, BILLING;

    String envPrefix() {
      return PREFIX + name() + "_";
    }
  }

  /** Where a processor starts on a partition that has no checkpoint yet. */
  public enum StartPosition {
    EARLIEST, LATEST
  }

  /** The processor's partition load-balancing strategy. */
  public enum LoadBalancing {
    BALANCED, GREEDY
  }

  /**
   * One hub to read. Exactly one of {@code connectionString} and {@code fullyQualifiedNamespace} is set; the latter
   * authenticates with {@code DefaultAzureCredential}.
   *
   * @param hub the event hub name; may be null when the connection string carries {@code EntityPath}
   */
  public record Source(Kind kind, String connectionString, String fullyQualifiedNamespace, String hub) {

    public Source {
      Objects.requireNonNull(kind, "kind");
      if ((connectionString == null) == (fullyQualifiedNamespace == null)) {
        throw new IllegalArgumentException("set exactly one of " + kind.envPrefix() + "CONNECTION_STRING and "
            + kind.envPrefix() + "NAMESPACE");
      }
      if (connectionString != null) {
        validateConnectionString(kind.envPrefix() + "CONNECTION_STRING", connectionString, hub);
      } else if (hub == null) {
        throw new IllegalArgumentException(kind.envPrefix() + "HUB is required with " + kind.envPrefix()
            + "NAMESPACE");
      }
    }

    public static Source ofConnectionString(Kind kind, String connectionString) {
      return new Source(kind, connectionString, null, null);
    }

    /** The name of the variable that configured this source's endpoint, for error messages. */
    public String setting() {
      return kind.envPrefix() + (connectionString != null ? "CONNECTION_STRING" : "NAMESPACE");
    }

    /** The hub name: {@code hub}, or the connection string's {@code EntityPath}. */
    public String hubName() {
      return hub != null ? hub : connectionStringPart(connectionString, "EntityPath");
    }

    @Override
    public String toString() {
      return "Source[kind=" + kind + ", " + (connectionString != null ? "connectionString=***"
          : "fullyQualifiedNamespace=" + fullyQualifiedNamespace) + ", hub=" + hubName() + "]";
    }
  }

  /** Where processors keep partition ownership and checkpoints. */
  public sealed interface CheckpointStoreConfig {
  }

  /** Checkpoints in this JVM's memory: lost on restart, so for tests and local development only. */
  public record MemoryCheckpoints() implements CheckpointStoreConfig {
  }

  /**
   * Checkpoints in an Azure Blob Storage container: either {@code connectionString} + {@code container}, or a
   * {@code containerUrl} reached with {@code DefaultAzureCredential}.
   */
  public record BlobCheckpoints(String connectionString, String container, String containerUrl)
      implements CheckpointStoreConfig {

    @Override
    public String toString() {
      return connectionString != null ? "BlobCheckpoints[connectionString=***, container=" + container + "]"
          : "BlobCheckpoints[containerUrl=" + Redaction.mask(containerUrl) + "]";
    }
  }

  /**
   * The storage account the cost exports are written to, read when the billing hub carries Event Grid
   * {@code Microsoft.Storage.BlobCreated} notifications. Exactly one of {@code connectionString} (a storage
   * connection string, secret) and {@code accountUrl} ({@code https://<account>.blob.core.windows.net}, reached with
   * {@code DefaultAzureCredential}; needs <i>Storage Blob Data Reader</i>) is set.
   */
  public record ExportsBlob(String connectionString, String accountUrl) {

    public ExportsBlob {
      if ((connectionString == null) == (accountUrl == null)) {
        throw new IllegalArgumentException("set exactly one of " + EXPORTS_BLOB_CONNECTION_STRING + " and "
            + EXPORTS_BLOB_ACCOUNT_URL);
      }
      if (connectionString != null) {
        boolean development = "true".equalsIgnoreCase(connectionStringPart(connectionString,
            "UseDevelopmentStorage"));
        boolean key = connectionStringPart(connectionString, "AccountName") != null
            && connectionStringPart(connectionString, "AccountKey") != null;
        boolean sas = connectionStringPart(connectionString, "SharedAccessSignature") != null
            && connectionStringPart(connectionString, "BlobEndpoint") != null;
        if (!development && !key && !sas) {
          throw new IllegalArgumentException(EXPORTS_BLOB_CONNECTION_STRING + " is not a storage connection string: "
              + "it needs AccountName and AccountKey, or BlobEndpoint and SharedAccessSignature");
        }
      } else {
        java.net.URI uri;
        try {
          uri = java.net.URI.create(accountUrl);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(EXPORTS_BLOB_ACCOUNT_URL + " is not a URL: '" + Redaction.mask(accountUrl)
              + "'", e);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())
            || uri.getHost() == null) {
          throw new IllegalArgumentException(EXPORTS_BLOB_ACCOUNT_URL
              + " must be the account's blob endpoint, https://<account>.blob.core.windows.net, got '"
              + Redaction.mask(accountUrl) + "'");
        }
      }
    }

    /** The name of the variable that configured the account, for error messages. */
    public String setting() {
      return connectionString != null ? EXPORTS_BLOB_CONNECTION_STRING : EXPORTS_BLOB_ACCOUNT_URL;
    }

    @Override
    public String toString() {
      return connectionString != null ? "ExportsBlob[connectionString=***]"
          : "ExportsBlob[accountUrl=" + Redaction.mask(accountUrl) + "]";
    }
  }

  /** The configuration without export storage: {@code BlobCreated} notifications are dead-lettered. */
  public EventHubsBridgeConfig(Source metrics, Source billing, String consumerGroup, StartPosition startPosition,
      int maxBatchSize, Duration maxWaitTime, LoadBalancing loadBalancing, Duration loadBalancingInterval,
      CheckpointStoreConfig checkpointStore) {
    this(metrics, billing, consumerGroup, startPosition, maxBatchSize, maxWaitTime, loadBalancing,
        loadBalancingInterval, checkpointStore, null);
  }

  public EventHubsBridgeConfig {
    if (metrics == null && billing == null) {
      throw new IllegalArgumentException("no Event Hubs source configured: set " + Kind.METRICS.envPrefix()
          + "CONNECTION_STRING (or " + Kind.METRICS.envPrefix() + "NAMESPACE and " + Kind.METRICS.envPrefix()
          + "HUB) and/or the " + Kind.BILLING.envPrefix() + "* equivalents");
    }
    if (metrics != null && metrics.kind() != Kind.METRICS || billing != null && billing.kind() != Kind.BILLING) {
      throw new IllegalArgumentException("metrics and billing sources must have kinds METRICS and BILLING");
    }
    requireText(CONSUMER_GROUP, consumerGroup);
    Objects.requireNonNull(startPosition, START_POSITION);
    Objects.requireNonNull(loadBalancing, LOAD_BALANCING);
    Objects.requireNonNull(checkpointStore, CHECKPOINT_STORE);
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException(BATCH_SIZE + " must be a positive integer, got " + maxBatchSize);
    }
    requirePositive(MAX_WAIT, maxWaitTime);
    requirePositive(LOAD_BALANCING_INTERVAL, loadBalancingInterval);
    if (exportsBlob != null && billing == null) {
      throw new IllegalArgumentException(exportsBlob.setting() + " is set but no billing hub is: blob "
          + "notifications are only read from " + Kind.BILLING.envPrefix() + "CONNECTION_STRING (or "
          + Kind.BILLING.envPrefix() + "NAMESPACE)");
    }
  }

  /** A configuration with the defaults and in-memory checkpoints, for tests and local development. */
  public static EventHubsBridgeConfig of(Source metrics, Source billing) {
    return new EventHubsBridgeConfig(metrics, billing, DEFAULT_CONSUMER_GROUP, StartPosition.EARLIEST,
        DEFAULT_BATCH_SIZE, DEFAULT_MAX_WAIT, LoadBalancing.BALANCED, DEFAULT_LOAD_BALANCING_INTERVAL,
        new MemoryCheckpoints(), null);
  }

  public EventHubsBridgeConfig withBatching(int batchSize, Duration maxWait) {
    return new EventHubsBridgeConfig(metrics, billing, consumerGroup, startPosition, batchSize, maxWait,
        loadBalancing, loadBalancingInterval, checkpointStore, exportsBlob);
  }

  public EventHubsBridgeConfig withLoadBalancing(LoadBalancing strategy, Duration interval) {
    return new EventHubsBridgeConfig(metrics, billing, consumerGroup, startPosition, maxBatchSize, maxWaitTime,
        strategy, interval, checkpointStore, exportsBlob);
  }

  public EventHubsBridgeConfig withStartPosition(StartPosition position) {
    return new EventHubsBridgeConfig(metrics, billing, consumerGroup, position, maxBatchSize, maxWaitTime,
        loadBalancing, loadBalancingInterval, checkpointStore, exportsBlob);
  }

  public EventHubsBridgeConfig withExportsBlob(ExportsBlob exports) {
    return new EventHubsBridgeConfig(metrics, billing, consumerGroup, startPosition, maxBatchSize, maxWaitTime,
        loadBalancing, loadBalancingInterval, checkpointStore, exports);
  }

  /** This configuration reading only the hub of {@code kind} (export storage goes with the billing hub). */
  public EventHubsBridgeConfig only(Kind kind) {
    return new EventHubsBridgeConfig(kind == Kind.METRICS ? metrics : null, kind == Kind.BILLING ? billing : null,
        consumerGroup, startPosition, maxBatchSize, maxWaitTime, loadBalancing, loadBalancingInterval,
        checkpointStore, kind == Kind.BILLING ? exportsBlob : null);
  }

  /** The configured sources, metrics first. */
  public List<Source> sources() {
    List<Source> sources = new ArrayList<>(2);
    if (metrics != null) {
      sources.add(metrics);
    }
    if (billing != null) {
      sources.add(billing);
    }
    return List.copyOf(sources);
  }

  /**
   * Reads the {@code COSTWATCH_EVENTHUBS_*}, {@code COSTWATCH_CHECKPOINT_*} and {@code COSTWATCH_EXPORTS_BLOB_*}
   * variables; blank means unset.
   */
  public static EventHubsBridgeConfig fromEnv(Map<String, String> env) {
    return new EventHubsBridgeConfig(
        source(env, Kind.METRICS),
        source(env, Kind.BILLING),
        get(env, CONSUMER_GROUP, DEFAULT_CONSUMER_GROUP),
        choice(env, START_POSITION, StartPosition.class, StartPosition.EARLIEST),
        positiveInt(env, BATCH_SIZE, DEFAULT_BATCH_SIZE),
        duration(env, MAX_WAIT, DEFAULT_MAX_WAIT),
        choice(env, LOAD_BALANCING, LoadBalancing.class, LoadBalancing.BALANCED),
        duration(env, LOAD_BALANCING_INTERVAL, DEFAULT_LOAD_BALANCING_INTERVAL),
        checkpointStore(env),
        exportsBlob(env));
  }

  private static ExportsBlob exportsBlob(Map<String, String> env) {
    String cs = get(env, EXPORTS_BLOB_CONNECTION_STRING, null);
    String url = get(env, EXPORTS_BLOB_ACCOUNT_URL, null);
    if (cs == null && url == null) {
      return null;
    }
    if (cs != null && url != null) {
      throw new IllegalArgumentException("set either " + EXPORTS_BLOB_CONNECTION_STRING + " or "
          + EXPORTS_BLOB_ACCOUNT_URL + ", not both");
    }
    return new ExportsBlob(cs, url);
  }

  private static Source source(Map<String, String> env, Kind kind) {
    String cs = get(env, kind.envPrefix() + "CONNECTION_STRING", null);
    String namespace = get(env, kind.envPrefix() + "NAMESPACE", null);
    String hub = get(env, kind.envPrefix() + "HUB", null);
    if (cs == null && namespace == null) {
      if (hub != null) {
        throw new IllegalArgumentException(kind.envPrefix() + "HUB is set but neither " + kind.envPrefix()
            + "CONNECTION_STRING nor " + kind.envPrefix() + "NAMESPACE is");
      }
      return null;
    }
    return new Source(kind, cs, namespace, hub);
  }

  private static CheckpointStoreConfig checkpointStore(Map<String, String> env) {
    String kind = get(env, CHECKPOINT_STORE, "blob").toLowerCase(Locale.ROOT);
    String cs = get(env, CHECKPOINT_BLOB_CONNECTION_STRING, null);
    String container = get(env, CHECKPOINT_BLOB_CONTAINER, null);
    String url = get(env, CHECKPOINT_BLOB_CONTAINER_URL, null);
    switch (kind) {
      case "memory":
        return new MemoryCheckpoints();
      case "blob":
        if (url != null && cs == null) {
          return new BlobCheckpoints(null, null, url);
        }
        if (cs == null || container == null) {
          throw new IllegalArgumentException(CHECKPOINT_STORE + "=blob needs " + CHECKPOINT_BLOB_CONNECTION_STRING
              + " and " + CHECKPOINT_BLOB_CONTAINER + ", or " + CHECKPOINT_BLOB_CONTAINER_URL
              + " (DefaultAzureCredential); use " + CHECKPOINT_STORE + "=memory for tests only");
        }
        if (url != null) {
          throw new IllegalArgumentException("set either " + CHECKPOINT_BLOB_CONNECTION_STRING + " or "
              + CHECKPOINT_BLOB_CONTAINER_URL + ", not both");
        }
        return new BlobCheckpoints(cs, container, null);
      default:
        throw new IllegalArgumentException(CHECKPOINT_STORE + " must be one of [blob, memory], got '" + kind + "'");
    }
  }

  static void validateConnectionString(String setting, String connectionString, String hub) {
    String endpoint = connectionStringPart(connectionString, "Endpoint");
    if (endpoint == null || endpoint.isBlank()) {
      throw new IllegalArgumentException(setting + " is not an Event Hubs connection string: it has no Endpoint=");
    }
    boolean hasKey = connectionStringPart(connectionString, "SharedAccessKeyName") != null
        && connectionStringPart(connectionString, "SharedAccessKey") != null;
    if (!hasKey && connectionStringPart(connectionString, "SharedAccessSignature") == null) {
      throw new IllegalArgumentException(setting + " must carry SharedAccessKeyName and SharedAccessKey (or "
          + "SharedAccessSignature)");
    }
    String entityPath = connectionStringPart(connectionString, "EntityPath");
    String prefix = setting.substring(0, setting.length() - "CONNECTION_STRING".length());
    if (entityPath == null && hub == null) {
      throw new IllegalArgumentException(setting + " has no EntityPath; set " + prefix + "HUB");
    }
    if (entityPath != null && hub != null && !entityPath.equals(hub)) {
      throw new IllegalArgumentException(prefix + "HUB '" + hub + "' differs from the EntityPath of " + setting);
    }
  }

  /** The value of {@code key} (case-insensitive) in a {@code k=v;k=v} connection string, or null. */
  static String connectionStringPart(String connectionString, String key) {
    for (String part : connectionString.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase(key)) {
        return part.substring(eq + 1).trim();
      }
    }
    return null;
  }

  private static String get(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static <E extends Enum<E>> E choice(Map<String, String> env, String name, Class<E> type, E fallback) {
    String value = get(env, name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> allowed = new ArrayList<>();
      for (E constant : type.getEnumConstants()) {
        allowed.add(constant.name().toLowerCase(Locale.ROOT));
      }
      throw new IllegalArgumentException(name + " must be one of " + allowed + ", got '" + value + "'", e);
    }
  }

  private static int positiveInt(Map<String, String> env, String name, int fallback) {
    String value = get(env, name, null);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= 1) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a positive integer, got '" + value + "'");
  }

  private static Duration duration(Map<String, String> env, String name, Duration fallback) {
    String value = get(env, name, null);
    if (value == null) {
      return fallback;
    }
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " must be a duration (" + Durations.FORMS + "), got '" + value
          + "'", e);
    }
  }

  private static void requireText(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
    }
  }
}
