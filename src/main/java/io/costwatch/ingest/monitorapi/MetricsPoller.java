package io.costwatch.ingest.monitorapi;

import io.costwatch.topology.Sources;
import io.costwatch.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Polls the Azure Monitor metrics batch API for Azure ML workspaces and online deployments and publishes minute
 * records to the raw metrics topic, resource by resource, with high-water marks that make restarts exact.
 *
 * <p><b>Which minutes.</b> A minute is complete once it ended at least {@code latency} ago (Azure Monitor's
 * ingestion delay). Each poll asks, per resource, for {@code [mark + 1 min, last complete minute]} (at most
 * {@code maxSpan}; a resource without a mark starts {@code backfill} ago). A minute with no value in that range is a
 * gap: no record is written, and the mark still advances past it, since it is complete; values Azure publishes
 * later than {@code latency} are therefore not fetched (raise {@code latency} to trade freshness for completeness).
 *
 * <p><b>Exactly once.</b> A resource's records and its new mark are written in one Kafka transaction (a
 * transactional producer, fenced by its {@code transactional.id} if a second poller starts); the marks are read
 * back with {@code read_committed}. A crash before the commit aborts both, so the next start fetches the same minutes
 * again; after the commit, it starts after them. Nothing is skipped and nothing is published twice.
 *
 * <p><b>Partial failures.</b> A resource the batch answers with a not-found error (a deleted deployment) is logged
 * once, counted and left out until the next discovery; other per-resource errors are logged and retried next poll;
 * neither stops the other resources of the batch ({@link BatchFetcher} isolates a resource that makes a whole batch
 * fail).
 */
public final class MetricsPoller implements AutoCloseable {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  /** A failed discovery is retried sooner than the regular interval: until it succeeds nothing new is polled. */
  private static final Duration DISCOVERY_RETRY = Duration.ofMinutes(5);

  private final MetricsApiConfig config;
  private final BatchFetcher fetcher;
  private final ArmDiscovery discovery;
  private final KafkaProducer<String, byte[]> producer;
  private final Map<String, Instant> marks;
  private final Consumer<String> log;
  private final Clock clock;
  private final PollerCounters counters = new PollerCounters();
  private final Set<String> gone = new HashSet<>();
  private final Set<String> reported = new HashSet<>();
  private List<PolledResource> discovered = List.of();
  private Instant nextDiscovery = Instant.MIN;

  /**
   * Reads the committed marks and opens the transactional producer.
   *
   * @param discovery ARM discovery, or null when only listed resources are polled
   * @param transactionalId unique per poller; a second poller with the same id fences the first
   */
  public MetricsPoller(MetricsApiConfig config, MetricsBatchClient batch, ArmDiscovery discovery,
      Map<String, Object> kafkaClientConfig, String transactionalId, Consumer<String> log, Clock clock) {
    this.config = config;
    this.fetcher = new BatchFetcher(batch, counters, log);
    this.discovery = discovery;
    this.log = log;
    this.clock = clock;
    this.marks = new HashMap<>(WatermarkStore.load(kafkaClientConfig, Duration.ofMinutes(1)));
    Map<String, Object> producerConfig = new HashMap<>(kafkaClientConfig);
    producerConfig.put("enable.idempotence", true);
    producerConfig.put("acks", "all");
    producerConfig.put("transactional.id", transactionalId);
    producerConfig.put("linger.ms", 20);
    this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
    producer.initTransactions();
    log.accept("metrics poller: " + marks.size() + " high-water mark(s) read from "
        + Topics.METRICS_API_WATERMARKS.name());
  }

  public PollerCounters counters() {
    return counters;
  }

  /** The committed high-water mark of a resource, or null. */
  public Instant mark(String resourceId) {
    return marks.get(resourceId.toLowerCase(Locale.ROOT));
  }

  /** One poll over every resource; {@link PollReport#behind()} asks for another one right away. */
  public PollReport pollOnce() {
    Instant now = clock.instant();
    Instant end = now.minus(config.latency()).truncatedTo(ChronoUnit.MINUTES);
    refreshDiscovery(now);
    PollReport.Builder report = new PollReport.Builder(end);
    Map<Group, List<PolledResource>> groups = new LinkedHashMap<>();
    for (PolledResource r : resources()) {
      if (gone.contains(r.key())) {
        continue;
      }
      Instant mark = marks.get(r.key());
      Instant start = mark != null ? mark.plus(MINUTE) : end.minus(config.backfill()).truncatedTo(ChronoUnit.MINUTES);
      if (!start.isBefore(end)) {
        report.upToDate++;
        continue;
      }
      Instant until = start.plus(config.maxSpan()).isBefore(end) ? start.plus(config.maxSpan()) : end;
      groups.computeIfAbsent(new Group(r.subscription(), r.region(), r.kind(), start, until), g -> new ArrayList<>())
          .add(r);
    }
    groups.forEach((group, members) -> {
      for (int i = 0; i < members.size(); i += MetricsBatchClient.MAX_RESOURCES) {
        pollChunk(group, members.subList(i, Math.min(members.size(), i + MetricsBatchClient.MAX_RESOURCES)), report);
      }
    });
    counters.polls.incrementAndGet();
    PollReport done = report.build();
    log.accept("metrics poller: " + done);
    return done;
  }

  private List<PolledResource> resources() {
    Map<String, PolledResource> all = new LinkedHashMap<>();
    config.resources().forEach(r -> all.putIfAbsent(r.key(), r));
    discovered.forEach(r -> all.putIfAbsent(r.key(), r));
    return List.copyOf(all.values());
  }

  private void refreshDiscovery(Instant now) {
    if (now.isBefore(nextDiscovery)) {
      return;
    }
    nextDiscovery = now.plus(config.discoveryInterval());
    gone.clear();
    if (discovery == null || config.workspaces().isEmpty()) {
      return;
    }
    Map<String, PolledResource> found = new LinkedHashMap<>();
    for (String workspace : config.workspaces()) {
      try {
        discovery.discover(workspace, log).forEach(r -> found.putIfAbsent(r.key(), r));
      } catch (RuntimeException e) {
        counters.callErrors.incrementAndGet();
        Duration retry = DISCOVERY_RETRY.compareTo(config.discoveryInterval()) < 0 ? DISCOVERY_RETRY
            : config.discoveryInterval();
        nextDiscovery = now.plus(retry);
        log.accept("metrics poller: discovery failed, keeping the previous list for " + workspace
            + " and trying again in " + retry + ": " + e.getMessage());
        discovered.stream().filter(r -> r.key().startsWith(workspace.toLowerCase(Locale.ROOT)))
            .forEach(r -> found.putIfAbsent(r.key(), r));
      }
    }
    discovered = List.copyOf(found.values());
  }

  /** Fetches every query of one chunk, then publishes the resources that answered them all, in one transaction. */
  private void pollChunk(Group group, List<PolledResource> chunk, PollReport.Builder report) {
    Map<String, List<BatchResult.Series>> series = new LinkedHashMap<>();
    chunk.forEach(r -> series.put(r.key(), new ArrayList<>()));
    Map<String, PolledResource> byKey = new HashMap<>();
    chunk.forEach(r -> byKey.put(r.key(), r));
    for (MetricQuery query : MetricQuery.forKind(group.kind())) {
      List<PolledResource> pending = chunk.stream().filter(r -> series.containsKey(r.key())).toList();
      if (pending.isEmpty()) {
        break;
      }
      for (BatchResult.ResourceResult result : fetcher.fetch(group.subscription(), group.region(), group.kind(),
          query, group.start(), group.end(), pending)) {
        String key = result.resourceId() == null ? null : result.resourceId().toLowerCase(Locale.ROOT);
        if (key == null || !series.containsKey(key)) {
          continue;
        }
        if (result.failed()) {
          series.remove(key);
          resourceFailed(byKey.get(key), result, report);
        } else {
          series.get(key).addAll(result.series());
        }
      }
    }
    publish(group, series, report);
  }

  private void resourceFailed(PolledResource resource, BatchResult.ResourceResult result,
      PollReport.Builder report) {
    String id = resource == null ? result.resourceId() : resource.id();
    if (result.gone()) {
      gone.add(id.toLowerCase(Locale.ROOT));
      report.gone++;
      counters.resourcesGone.incrementAndGet();
      if (reported.add("gone|" + id.toLowerCase(Locale.ROOT))) {
        log.accept("metrics poller: " + id + " no longer exists (" + result.errorCode() + ": "
            + result.errorMessage() + "); skipped until the next discovery");
      }
      return;
    }
    report.failed++;
    counters.resourceErrors.incrementAndGet();
    report.errors.add(id + ": " + result.errorCode() + (result.errorMessage() == null ? "" : " "
        + result.errorMessage()));
    if (reported.add(result.errorCode() + "|" + id.toLowerCase(Locale.ROOT))) {
      log.accept("metrics poller: " + id + " failed: " + result.errorCode() + (result.errorMessage() == null ? ""
          : ": " + result.errorMessage()) + "; retried every poll from the same minute (logged once per code)");
    }
  }

  /** The answered resources' records and new marks, in one transaction; marks move only after the commit. */
  private void publish(Group group, Map<String, List<BatchResult.Series>> series, PollReport.Builder report) {
    if (series.isEmpty()) {
      return;
    }
    Instant lastMinute = group.end().minus(MINUTE);
    Instant now = clock.instant();
    int records = 0;
    int bodies = 0;
    producer.beginTransaction();
    try {
      for (Map.Entry<String, List<BatchResult.Series>> e : series.entrySet()) {
        for (DcrRecords.Body body : DcrRecords.of(e.getKey(), e.getValue())) {
          ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.METRICS_RAW.name(), null,
              body.lastMinute().toEpochMilli(), e.getKey(), body.json().getBytes(StandardCharsets.UTF_8));
          record.headers().add(Sources.ORIGIN, ("metrics-api:" + e.getKey()).getBytes(StandardCharsets.UTF_8));
          record.headers().add(Sources.POSITION, Long.toString(group.start().getEpochSecond() / 60)
              .getBytes(StandardCharsets.UTF_8));
          producer.send(record);
          records += body.records();
          bodies++;
        }
        MetricsWatermark mark = new MetricsWatermark(MetricsWatermark.SCHEMA_VERSION, e.getKey(), lastMinute, now);
        producer.send(new ProducerRecord<>(Topics.METRICS_API_WATERMARKS.name(), e.getKey(),
            Topics.METRICS_API_WATERMARKS.valueSerde().serializer().serialize(
                Topics.METRICS_API_WATERMARKS.name(), mark)));
      }
      producer.commitTransaction();
    } catch (KafkaException e) {
      abortQuietly();
      throw e;
    }
    series.keySet().forEach(k -> marks.put(k, lastMinute));
    report.behind |= group.end().isBefore(report.completeUntil);
    report.published += series.size();
    report.records += records;
    report.bodies += bodies;
    counters.records.addAndGet(records);
    counters.bodies.addAndGet(bodies);
  }

  private void abortQuietly() {
    try {
      producer.abortTransaction();
    } catch (KafkaException ignored) {
      // fenced or closed: the transaction is aborted by the broker anyway
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }

  /** Resources that share a batch call: same subscription, region, type and time range. */
  private record Group(String subscription, String region, PolledResource.Kind kind, Instant start, Instant end) {
  }
}
