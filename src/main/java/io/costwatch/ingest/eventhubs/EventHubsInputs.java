package io.costwatch.ingest.eventhubs;

import com.azure.messaging.eventhubs.CheckpointStore;
import io.costwatch.config.Redaction;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Kind;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Event Hubs inputs of {@code costwatch run}, each kept going on its own: one hub that does not answer at start
 * (a network or Event Hubs incident) must not take the Kafka pipeline down, or a container platform turns the
 * incident into a crash loop. Each input is started in the background and retried with exponential backoff (1 s
 * doubling to 60 s) until its hub answers; meanwhile {@link #down()} names it for {@code /ready} and
 * {@code costwatch_input_up}. A malformed setting is still refused at once by {@link #start}.
 *
 * <p>Only the start is supervised: once a processor runs, the SDK itself reconnects after connection losses.
 */
public final class EventHubsInputs implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventHubsInputs.class);
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration MAX_RETRY = Duration.ofSeconds(60);

  private final List<Input> inputs = new ArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);

  private EventHubsInputs() {
  }

  /**
   * Validates the configuration (no network), then starts each configured hub's bridge in the background.
   *
   * @throws IllegalArgumentException when a setting is malformed; the message names it, secrets masked
   */
  public static EventHubsInputs start(EventHubsBridgeConfig config, Map<String, Object> kafkaProducerConfig) {
    return start(config, kafkaProducerConfig, EventHubsBridge::checkpointStore, FIRST_RETRY);
  }

  static EventHubsInputs start(EventHubsBridgeConfig config, Map<String, Object> kafkaProducerConfig,
      Function<EventHubsBridgeConfig, CheckpointStore> checkpoints, Duration firstRetry) {
    EventHubsBridge.validate(config);
    EventHubsInputs supervisor = new EventHubsInputs();
    for (Source source : config.sources()) {
      Input input = supervisor.new Input(inputName(source.kind()), config.only(source.kind()), kafkaProducerConfig,
          checkpoints, firstRetry);
      supervisor.inputs.add(input);
      input.thread.start();
    }
    return supervisor;
  }

  /** {@code eventhubs-metrics} or {@code eventhubs-billing}: the {@code input} label of the metrics. */
  public static String inputName(Kind kind) {
    return "eventhubs-" + kind.name().toLowerCase(Locale.ROOT);
  }

  /** The configured inputs' names. */
  public List<String> names() {
    return inputs.stream().map(i -> i.name).toList();
  }

  /** Whether the input's bridge runs. */
  public boolean up(String name) {
    return inputs.stream().anyMatch(i -> i.name.equals(name) && i.bridge != null);
  }

  /** The inputs not running yet, each with the latest reason (masked), in configuration order. */
  public Map<String, String> down() {
    Map<String, String> down = new LinkedHashMap<>();
    for (Input input : inputs) {
      if (input.bridge == null) {
        down.put(input.name, input.lastError == null ? "starting" : input.lastError);
      }
    }
    return down;
  }

  /** What the running bridges have forwarded, per input. */
  public Map<String, BridgeCounters> counters() {
    Map<String, BridgeCounters> counters = new LinkedHashMap<>();
    inputs.stream().filter(i -> i.bridge != null).forEach(i -> counters.put(i.name, i.bridge.counters()));
    return counters;
  }

  @Override
  public void close() {
    closed.countDown();
    for (Input input : inputs) {
      try {
        input.thread.join(TimeUnit.SECONDS.toMillis(90));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (input) {
        if (input.bridge != null) {
          input.bridge.close();
          input.bridge = null;
        }
      }
    }
  }

  /** One hub: started on its own thread, retried until it answers or the inputs close. */
  private final class Input {
    private final String name;
    private final EventHubsBridgeConfig config;
    private final Map<String, Object> kafkaProducerConfig;
    private final Function<EventHubsBridgeConfig, CheckpointStore> checkpoints;
    private final Duration firstRetry;
    private final Thread thread;
    private volatile EventHubsBridge bridge;
    private volatile String lastError;

    Input(String name, EventHubsBridgeConfig config, Map<String, Object> kafkaProducerConfig,
        Function<EventHubsBridgeConfig, CheckpointStore> checkpoints, Duration firstRetry) {
      this.name = name;
      this.config = config;
      this.kafkaProducerConfig = kafkaProducerConfig;
      this.checkpoints = checkpoints;
      this.firstRetry = firstRetry;
      this.thread = new Thread(this::run, "costwatch-" + name + "-start");
      this.thread.setDaemon(true);
    }

    private void run() {
      Duration backoff = firstRetry;
      for (int attempt = 1; closed.getCount() > 0; attempt++) {
        try {
          EventHubsBridge started = EventHubsBridge.start(config, kafkaProducerConfig, checkpoints.apply(config));
          synchronized (this) {
            if (closed.getCount() == 0) {
              started.close();
              return;
            }
            bridge = started;
          }
          lastError = null;
          LOG.warn("Event Hubs input {} is up after {} attempt(s)", name, attempt);
          return;
        } catch (RuntimeException e) {
          lastError = Redaction.mask(String.valueOf(e.getMessage()));
          LOG.warn("Event Hubs input {} unavailable (attempt {}), the pipeline runs without it; retrying in {}: {}",
              name, attempt, backoff, lastError);
        }
        try {
          if (closed.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
      }
    }
  }
}
