package io.costwatch.ingest.eventhubs;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerAsyncClient;
import com.azure.messaging.eventhubs.EventProcessorClient;
import com.azure.messaging.eventhubs.EventProcessorClientBuilder;
import com.azure.messaging.eventhubs.LoadBalancingStrategy;
import com.azure.messaging.eventhubs.checkpointstore.blob.BlobCheckpointStore;
import com.azure.messaging.eventhubs.models.ErrorContext;
import com.azure.messaging.eventhubs.models.EventBatchContext;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionContext;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.ingest.billing.ExportRunPublisher;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.BlobCheckpoints;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Kind;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.LoadBalancing;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.MemoryCheckpoints;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.Source;
import io.costwatch.ingest.eventhubs.EventHubsBridgeConfig.StartPosition;
import io.costwatch.ingest.eventhubs.EventTranslator.EventCoordinates;
import io.costwatch.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies events from Azure Event Hubs into Costwatch's raw Kafka topics: one {@link EventProcessorClient} per
 * configured hub, batches of up to {@code maxBatchSize} events.
 *
 * <p>Delivery is at-least-once. A batch is checkpointed only after Kafka acknowledged every record produced from
 * it; if Kafka fails, the batch is sent again (the partition waits) until Kafka takes it or the bridge closes, and
 * after a crash or close the next owner resumes from the last checkpoint. The topology downstream is idempotent on
 * the resulting duplicates. Events the
 * bridge cannot recognise go to the dead-letter topic (and are checkpointed like the rest), so one poison event
 * never blocks a partition.
 */
public final class EventHubsBridge implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventHubsBridge.class);
  /** Upper bound for the start-up reachability check of each hub. */
  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final Producer<String, byte[]> producer;
  private final List<EventProcessorClient> processors = new ArrayList<>();
  private final BridgeCounters counters = new BridgeCounters();
  private volatile boolean closing;
  private final CountDownLatch closed = new CountDownLatch(1);
  Duration retryBackoff = Duration.ofMillis(500);
  private static final Duration MAX_RETRY_BACKOFF = Duration.ofSeconds(30);

  /** Bounds the unacknowledged sends kept per batch, and so the memory used while streaming an export. */
  static final int MAX_IN_FLIGHT = 10_000;
  private final BlobExportReader exports;

  EventHubsBridge(Producer<String, byte[]> producer) {
    this(producer, null);
  }

  /** @param exports reads the exports that blob notifications announce, or null to dead-letter those */
  EventHubsBridge(Producer<String, byte[]> producer, BlobExportReader exports) {
    this.producer = producer;
    this.exports = exports;
  }

  /**
   * Checks that every configured hub is reachable, then starts one processor per hub.
   *
   * @param kafkaProducerConfig Kafka producer settings, at least {@code bootstrap.servers}; serializers are set here
   * @throws IllegalArgumentException when a hub cannot be reached or is misconfigured; the message names the setting
   */
  public static EventHubsBridge start(EventHubsBridgeConfig config, Map<String, Object> kafkaProducerConfig) {
    return start(config, kafkaProducerConfig, checkpointStore(config));
  }

  /** As {@link #start(EventHubsBridgeConfig, Map)}, with a checkpoint store chosen by the caller. */
  public static EventHubsBridge start(EventHubsBridgeConfig config, Map<String, Object> kafkaProducerConfig,
      CheckpointStore checkpointStore) {
    for (Source source : config.sources()) {
      verifyReachable(source);
    }
    return start(config, new KafkaProducer<>(producerConfig(kafkaProducerConfig)), checkpointStore);
  }

  static EventHubsBridge start(EventHubsBridgeConfig config, Producer<String, byte[]> producer,
      CheckpointStore checkpointStore) {
    BlobExportReader exports;
    try {
      exports = config.exportsBlob() == null ? null : BlobExportReader.create(config.exportsBlob());
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    EventHubsBridge bridge = new EventHubsBridge(producer, exports);
    try {
      for (Source source : config.sources()) {
        EventProcessorClient processor = bridge.processor(config, source, checkpointStore);
        bridge.processors.add(processor);
        processor.start();
        LOG.info("Event Hubs bridge reading {} into {}{}", source,
            source.kind() == Kind.METRICS ? Topics.METRICS_RAW.name() : Topics.BILLING_RAW.name(),
            source.kind() == Kind.BILLING && config.exportsBlob() != null
                ? ", reading exports announced by BlobCreated notifications from " + config.exportsBlob() : "");
      }
    } catch (RuntimeException e) {
      bridge.close();
      throw e;
    }
    return bridge;
  }

  public BridgeCounters counters() {
    return counters;
  }

  /** Stops the processors (in parallel: each stop can take the SDK's 10 s) and closes the Kafka producer. */
  @Override
  public void close() {
    closing = true;
    closed.countDown();
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (EventProcessorClient processor : processors) {
      stops.add(CompletableFuture.runAsync(() -> processor.stop(STOP_TIMEOUT)));
    }
    for (CompletableFuture<Void> stop : stops) {
      try {
        stop.join();
      } catch (RuntimeException e) {
        LOG.warn("Event Hubs processor did not stop cleanly: {}", e.toString());
      }
    }
    producer.close(Duration.ofSeconds(30));
  }

  private void onBatch(Kind kind, EventBatchContext context) {
    forward(kind, context.getPartitionContext(), context.getEvents(), context::updateCheckpoint);
  }

  /**
   * Forwards one batch and runs {@code checkpoint} only once Kafka has acknowledged every record of it, including
   * every row of the exports that the batch's blob notifications announce. A Kafka failure is retried here, the
   * whole batch again (blob notifications are read again), with backoff, until it succeeds or the bridge closes:
   * throwing from the callback would not make the SDK (5.21.5) re-read the batch; it ends the partition's pump
   * without a {@code processError} call and the partition stalls while this instance still owns it. Re-sending a
   * partly acknowledged batch creates duplicates, which at-least-once allows.
   *
   * @throws IllegalStateException when the bridge closes before Kafka acknowledged the batch (not checkpointed)
   */
  void forward(Kind kind, PartitionContext partition, List<EventData> events, Runnable checkpoint) {
    if (events.isEmpty()) {
      return;
    }
    List<Unit> units = new ArrayList<>(events.size());
    for (EventData event : events) {
      EventCoordinates at = new EventCoordinates(partition.getFullyQualifiedNamespace(),
          partition.getEventHubName(), partition.getPartitionId(),
          event.getSequenceNumber() == null ? -1 : event.getSequenceNumber(), event.getOffsetString(),
          event.getEnqueuedTime());
      if (kind == Kind.BILLING && exports != null && event.getBody() != null) {
        String text = new String(event.getBody(), StandardCharsets.UTF_8);
        List<BlobNotification> blobs = BlobNotification.parse(text);
        if (blobs != null) {
          units.add(new Unit(at, null, blobs, text));
          continue;
        }
      }
      units.add(new Unit(at, EventTranslator.translate(kind, at, event.getBody(), event.getProperties()), null,
          null));
    }
    Duration backoff = retryBackoff;
    while (true) {
      BatchSend send = new BatchSend();
      try {
        for (Unit unit : units) {
          if (unit.records() != null) {
            for (ProducerRecord<String, byte[]> record : unit.records()) {
              send.send(record, unit.at());
            }
          } else {
            for (BlobNotification notification : unit.blobs()) {
              exports.read(notification, send.sink(unit.at(), unit.text()));
            }
          }
        }
        send.complete();
      } catch (KafkaException e) {
        counters.kafkaFailure();
        LOG.warn("Kafka did not acknowledge a batch of {} record(s) from {}; not checkpointed, retrying in {}: {}",
            send.sent, describe(partition), backoff, e.toString());
        if (awaitClose(backoff)) {
          throw new IllegalStateException("bridge closed before Kafka acknowledged a batch from "
              + describe(partition) + "; not checkpointed, it will be read again", e);
        }
        backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY_BACKOFF) > 0 ? MAX_RETRY_BACKOFF
            : backoff.multipliedBy(2);
        continue;
      }
      checkpoint.run();
      counters.recordBatch(send.forwarded, send.deadLetters);
      counters.blobNotificationsIgnored(send.ignored);
      return;
    }
  }

  /** One event's work: records already translated, or blob notifications whose exports are read from storage. */
  private record Unit(EventCoordinates at, List<ProducerRecord<String, byte[]>> records,
      List<BlobNotification> blobs, String text) {
  }

  private record InFlight(ProducerRecord<String, byte[]> record, EventCoordinates at,
      Future<RecordMetadata> future) {
  }

  /**
   * One attempt at sending a batch. At most {@link #MAX_IN_FLIGHT} unresolved sends are kept (the oldest is awaited
   * beyond that), so an export of millions of rows is streamed in bounded memory.
   */
  private final class BatchSend {
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private final List<InFlight> refused = new ArrayList<>();
    long sent;
    long forwarded;
    long deadLetters;
    long ignored;

    void send(ProducerRecord<String, byte[]> record, EventCoordinates at) {
      inFlight.add(new InFlight(record, at, producer.send(record)));
      sent++;
      while (inFlight.size() > MAX_IN_FLIGHT) {
        resolve(inFlight.poll());
      }
    }

    /**
     * Flushes and waits for every acknowledgement; records Kafka refused as too large are replaced by dead letters
     * (retrying cannot help them) and only those are sent again.
     *
     * @throws KafkaException for any other failure, which is worth retrying
     */
    void complete() {
      while (true) {
        producer.flush();
        while (!inFlight.isEmpty()) {
          resolve(inFlight.poll());
        }
        if (refused.isEmpty()) {
          return;
        }
        List<InFlight> again = new ArrayList<>(refused);
        refused.clear();
        for (InFlight tooLarge : again) {
          send(tooLarge(tooLarge.record(), tooLarge.at()), tooLarge.at());
        }
      }
    }

    private void resolve(InFlight sending) {
      try {
        sending.future().get();
        if (sending.record().topic().equals(Topics.DEAD_LETTERS.name())) {
          deadLetters++;
        } else {
          forwarded++;
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RecordTooLargeException) {
          refused.add(sending);
        } else {
          throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaException("interrupted while waiting for Kafka", e);
      }
    }

    /** Publishes what the export reader finds for the notification in the event at {@code at}. */
    BlobExportReader.Sink sink(EventCoordinates at, String notification) {
      ExportRunPublisher runs = new ExportRunPublisher(new BillingRowParser(),
          (key, row) -> send(EventTranslator.billingRecord(key, row, at), at), this::complete,
          at.source() + "#" + java.util.UUID.randomUUID());
      return new BlobExportReader.Sink() {
        @Override
        public void row(RawBillingRow row) {
          runs.row(row);
        }

        @Override
        public void runEnd(String exportRun) {
          runs.runEnd(exportRun);
        }

        @Override
        public void deadLetter(String source, String reason, String detail) {
          LOG.warn("Blob notification {} from {}: {} {}", source, at.source(), reason, detail);
          send(EventTranslator.deadLetter(at, source, reason, detail + " (notification " + at.source() + ")",
              notification), at);
        }

        @Override
        public void ignored(BlobNotification blob) {
          LOG.debug("Ignoring BlobCreated for {}: not an export manifest", blob.url());
          ignored++;
        }
      };
    }
  }

  private static ProducerRecord<String, byte[]> tooLarge(ProducerRecord<String, byte[]> record,
      EventCoordinates at) {
    return EventTranslator.deadLetter(at, "too-large-for-kafka", "Kafka refused " + record.value().length
        + " bytes for " + record.topic() + " (max.request.size / max.message.bytes)",
        new String(record.value(), StandardCharsets.UTF_8));
  }

  /** Waits up to {@code timeout}; true if the bridge is closing. */
  private boolean awaitClose(Duration timeout) {
    try {
      return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private void onError(ErrorContext context) {
    counters.processorError();
    if (closing) {
      // stop() makes the SDK report "Scheduler unavailable" for every partition: shutdown noise, not a fault
      LOG.debug("Event Hubs processor error while stopping, on {}: {}", describe(context.getPartitionContext()),
          context.getThrowable().toString());
      return;
    }
    LOG.warn("Event Hubs processor error on {}: {}", describe(context.getPartitionContext()),
        context.getThrowable().toString());
  }

  private EventProcessorClient processor(EventHubsBridgeConfig config, Source source, CheckpointStore store) {
    EventProcessorClientBuilder builder = new EventProcessorClientBuilder();
    try {
      if (source.connectionString() != null) {
        builder.connectionString(source.connectionString(), source.hubName());
      } else {
        builder.credential(source.fullyQualifiedNamespace(), source.hub(),
            new DefaultAzureCredentialBuilder().build());
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(source.setting() + " is invalid: " + scrub(source, e.getMessage()), e);
    }
    EventPosition initial = config.startPosition() == StartPosition.EARLIEST ? EventPosition.earliest()
        : EventPosition.latest();
    return builder
        .consumerGroup(config.consumerGroup())
        .checkpointStore(store)
        .loadBalancingStrategy(config.loadBalancing() == LoadBalancing.GREEDY ? LoadBalancingStrategy.GREEDY
            : LoadBalancingStrategy.BALANCED)
        .loadBalancingUpdateInterval(config.loadBalancingInterval())
        .initialPartitionEventPosition(partitionId -> initial)
        .processEventBatch(context -> onBatch(source.kind(), context), config.maxBatchSize(), config.maxWaitTime())
        .processError(this::onError)
        .buildEventProcessorClient();
  }

  /**
   * Checks, without any network call, what can be checked of the configuration: each hub's connection string or
   * credential as the SDK reads it, and the checkpoint container's settings. {@code run} calls this at start, so a
   * malformed setting stops it at once while an unreachable namespace only degrades it.
   *
   * @throws IllegalArgumentException naming the setting, its secrets masked
   */
  public static void validate(EventHubsBridgeConfig config) {
    for (Source source : config.sources()) {
      probeClient(source).close();
    }
    if (config.checkpointStore() instanceof BlobCheckpoints blob) {
      container(blob);
    }
  }

  /** A client for one hub, built (no connection yet) with few retries, for the start-up check. */
  private static EventHubProducerAsyncClient probeClient(Source source) {
    EventHubClientBuilder builder = new EventHubClientBuilder()
        .retryOptions(new AmqpRetryOptions().setMaxRetries(1).setTryTimeout(Duration.ofSeconds(10)));
    try {
      if (source.connectionString() != null) {
        builder.connectionString(source.connectionString(), source.hubName());
      } else {
        builder.credential(source.fullyQualifiedNamespace(), source.hub(),
            new DefaultAzureCredentialBuilder().build());
      }
      return builder.buildAsyncProducerClient();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(source.setting() + " is invalid: " + scrub(source, e.getMessage()), e);
    }
  }

  /** Fails fast on a wrong endpoint, credential or hub name instead of letting the processor retry forever. */
  static void verifyReachable(Source source) {
    EventHubProducerAsyncClient client = probeClient(source);
    try {
      client.getEventHubProperties().block(STARTUP_TIMEOUT);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot read event hub '" + source.hubName() + "' configured by "
          + source.setting() + ": " + scrub(source, rootMessage(e)), e);
    } finally {
      client.close();
    }
  }

  static CheckpointStore checkpointStore(EventHubsBridgeConfig config) {
    if (config.checkpointStore() instanceof MemoryCheckpoints) {
      LOG.warn("{}=memory: checkpoints are lost on restart and every partition is re-read from its start "
          + "position; use blob outside tests and development", EventHubsBridgeConfig.CHECKPOINT_STORE);
      return new InMemoryCheckpointStore();
    }
    BlobCheckpoints blob = (BlobCheckpoints) config.checkpointStore();
    String setting = setting(blob);
    BlobContainerAsyncClient container = container(blob);
    Boolean exists;
    try {
      exists = container.exists().block(STARTUP_TIMEOUT);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot reach the checkpoint container configured by " + setting + ": "
          + e.getClass().getSimpleName() + " " + rootMessage(e), e);
    }
    if (!Boolean.TRUE.equals(exists)) {
      throw new IllegalArgumentException("checkpoint container '" + container.getBlobContainerName()
          + "' does not exist (" + setting + ", " + EventHubsBridgeConfig.CHECKPOINT_BLOB_CONTAINER
          + "); create it before starting the bridge");
    }
    return new BlobCheckpointStore(container);
  }

  private static String setting(BlobCheckpoints blob) {
    return blob.connectionString() != null ? EventHubsBridgeConfig.CHECKPOINT_BLOB_CONNECTION_STRING
        : EventHubsBridgeConfig.CHECKPOINT_BLOB_CONTAINER_URL;
  }

  /** The checkpoint container's client, built without a network call. */
  private static BlobContainerAsyncClient container(BlobCheckpoints blob) {
    try {
      BlobContainerClientBuilder builder = new BlobContainerClientBuilder();
      if (blob.connectionString() != null) {
        builder.connectionString(blob.connectionString()).containerName(blob.container());
      } else {
        builder.endpoint(blob.containerUrl()).credential(new DefaultAzureCredentialBuilder().build());
      }
      return builder.buildAsyncClient();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(setting(blob) + " is invalid: " + e.getClass().getSimpleName(), e);
    }
  }

  private static Map<String, Object> producerConfig(Map<String, Object> given) {
    Map<String, Object> config = new HashMap<>(given);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    config.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "costwatch-eventhubs-bridge");
    return config;
  }

  private static String describe(PartitionContext partition) {
    return partition == null ? "(no partition)" : "eventhubs://" + partition.getEventHubName() + "/"
        + partition.getPartitionId() + " (consumer group " + partition.getConsumerGroup() + ")";
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  /** Removes the secret parts of a connection string from an SDK message before it is logged or thrown. */
  static String scrub(Source source, String message) {
    if (message == null || source.connectionString() == null) {
      return io.costwatch.config.Redaction.mask(message);
    }
    String out = message.replace(source.connectionString(), "***");
    for (String key : List.of("SharedAccessKey", "SharedAccessSignature")) {
      String secret = EventHubsBridgeConfig.connectionStringPart(source.connectionString(), key);
      if (secret != null && !secret.isEmpty()) {
        out = out.replace(secret, "***");
      }
    }
    return io.costwatch.config.Redaction.mask(out);
  }
}
