package io.costwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.costwatch.alert.AlertEvent;
import io.costwatch.alert.AlertStatus;
import io.costwatch.core.Json;
import io.costwatch.metrics.AlertsEndpoint;
import io.costwatch.config.AppConfig;
import io.costwatch.config.ConfigLoader;
import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.embedded.TopicAdmin;
import io.costwatch.testing.Fixtures;
import io.costwatch.testing.Poll;
import io.costwatch.topology.DeadLetter;
import io.costwatch.topology.PipelineMetrics;
import io.costwatch.topology.Topics;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real topology on 6 partitions of the in-process broker: a backlog whose scopes are skewed by 30 minutes loses
 * nothing; two instances publish the same alerts as one, also when one of them is stopped mid-stream without cleanup
 * and the other takes over from its standby replicas; and either of two instances lists all open alerts on
 * {@code GET /alerts}, merging the other's partitions of the lifecycle store.
 *
 * <p>In the default run (tag {@code scaleout}). Telemetry only (the billing path's end-of-input
 * contract is still per partition). Scopes are keyed by resource id, as the bridge writes them, so each scope is in
 * order on its partition while the scopes sharing a task progress at different speeds.
 */
@Tag("scaleout")
class ScaleOutIT {

  /**
   * Recent event times. The raw metrics topic keeps a week ({@code retention.ms}) and the broker checks retention
   * 30 s after it starts, then every 5 minutes; with a fixed date a month back, the survivor of the take-over case
   * found its fetch position (offset 150) out of range and reset to the log start, so the raw partitions' committed
   * offsets stayed at 150 of 240 for good; the stalls of whichever run was first (slowest) in the JVM fit the same
   * cause.
   */
  private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(4));
  private static final int SCOPES = 8;
  private static final int MINUTES = 120;
  private static final Duration WITHIN = Duration.ofMinutes(4);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;
  private EmbeddedKafka broker;
  private Map<String, Object> client;
  private final List<KafkaStreams> running = new ArrayList<>();
  private final List<HttpServer> servers = new ArrayList<>();
  /** The /alerts ports of the instances of the latest {@link #run}. */
  private final List<Integer> endpoints = new ArrayList<>();

  @BeforeEach
  void start() {
    broker = EmbeddedKafka.startTemporary();
    client = Map.of("bootstrap.servers", broker.bootstrapServers());
    TopicAdmin.createMissing(client, Topics.all());
    awaitLeaders();
  }

  /**
   * Every partition of every topic answers a list-offsets request, i.e. the broker leads it. Creating a topic
   * returns once the controller has committed it, possibly before the broker leads its partitions. Without this wait
   * the first produce of a run once hung: the broker had appended the last batch of a partition (its producer state
   * showed the last sequence) while the partition's high watermark stayed 13 records behind, so the acks=all batch
   * expired after the 120 s delivery timeout. That was seen while the input was a month old (see {@link #T0}), so
   * the retention check may have caused it as well; the wait is cheap and kept.
   */
  private void awaitLeaders() {
    try (Admin admin = Admin.create(client)) {
      Map<TopicPartition, OffsetSpec> all = new HashMap<>();
      Topics.all().forEach(t -> {
        for (int p = 0; p < t.partitions(); p++) {
          all.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
        }
      });
      Poll.await(Duration.ofMinutes(1), () -> {
        try {
          admin.listOffsets(all).all().get();
          return true;
        } catch (Exception e) {
          return false;
        }
      }, () -> "leaders of the new topics");
    }
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
    running.forEach(s -> s.close(Duration.ofSeconds(20)));
    broker.close();
  }

  @Test
  void twoInstancesPublishTheSameAlertsAsOne() throws Exception {
    produce(0, MINUTES, Duration.ZERO);
    List<String> one = run("one", 1, null);
    Map<TopicPartition, Long> from = endOffsets(Topics.ALERTS.name());
    List<String> two = run("two", 2, null);
    assertTrue(one.size() >= SCOPES, "every scope raised and resolved alerts: " + one);
    assertEquals(one, two);
    bothInstancesListTheSameOpenAlerts(from);
  }

  /**
   * {@code GET /alerts} of either instance lists every alert whose last published event is not RESOLVED, though
   * each instance holds only its own partitions of the lifecycle store (its {@code scope=local} answer).
   */
  private void bothInstancesListTheSameOpenAlerts(Map<TopicPartition, Long> from) throws Exception {
    Map<String, AlertEvent> last = new TreeMap<>();
    read(Topics.ALERTS.name(), from, AlertEvent.class).forEach(a -> last.put(a.alertId(), a));
    Set<String> open = last.values().stream().filter(a -> a.status() != AlertStatus.RESOLVED)
        .map(AlertEvent::alertId).collect(Collectors.toCollection(TreeSet::new));
    assertFalse(open.isEmpty(), "the input leaves alerts open: " + last.keySet());
    List<Set<String>> local = new ArrayList<>();
    List<Set<String>> partitions = new ArrayList<>();
    for (int port : endpoints) {
      HttpResponse<String> all = get(port, "/alerts");
      assertEquals(200, all.statusCode(), all::body);
      assertEquals(open, ids(all.body()), "instance on port " + port);
      HttpResponse<String> mine = get(port, "/alerts?scope=local");
      local.add(ids(mine.body()));
      partitions.add(Set.of(mine.headers().firstValue(AlertsEndpoint.PARTITIONS_HEADER).orElse("").split(",")));
    }
    assertTrue(Collections.disjoint(partitions.get(0), partitions.get(1)), partitions::toString);
    assertTrue(Collections.disjoint(local.get(0), local.get(1)), local::toString);
    assertTrue(!local.get(0).isEmpty() && !local.get(1).isEmpty(), "each instance holds some open alerts: " + local);
    AlertEvent first = last.get(open.iterator().next());
    String workspace = first.workspaceId().substring(first.workspaceId().lastIndexOf('/') + 1);
    Set<String> sameTypeAndWorkspace = last.values().stream().filter(a -> open.contains(a.alertId())
        && a.type().equals(first.type()) && a.workspaceId().equals(first.workspaceId()))
        .map(AlertEvent::alertId).collect(Collectors.toCollection(TreeSet::new));
    HttpResponse<String> filtered = get(endpoints.get(1), "/alerts?type=" + first.type().toLowerCase(Locale.ROOT)
        + "&workspace=" + workspace);
    assertEquals(200, filtered.statusCode(), filtered::body);
    assertEquals(sameTypeAndWorkspace, ids(filtered.body()));
    String id = open.iterator().next();
    HttpResponse<String> one = get(endpoints.get(0), "/alerts/" + id);
    assertEquals(200, one.statusCode(), one::body);
    assertEquals(id, Json.MAPPER.readTree(one.body()).path("alertId").asText());
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Set<String> ids(String body) throws Exception {
    Set<String> ids = new TreeSet<>();
    Json.MAPPER.readTree(body).forEach(a -> ids.add(a.path("alertId").asText()));
    return ids;
  }

  @Test
  void whenOneOfTwoInstancesDiesTheOtherTakesOverWithTheSameAlerts() throws Exception {
    produce(0, 75, Duration.ZERO);
    List<String> failover = run("failover", 2, instances -> {
      instances.get(0).close(Duration.ZERO); // no clean-up, no wait: its tasks move to the survivor's standbys
      produce(75, MINUTES - 75, Duration.ZERO);
    });
    List<String> one = run("one", 1, null);
    assertTrue(one.size() >= SCOPES, one::toString);
    assertEquals(one, failover);
  }

  @Test
  void aBacklogWithScopesSkewedByThirtyMinutesDropsNothing() throws Exception {
    produce(0, MINUTES, Duration.ofMinutes(30));
    Map<String, AtomicLong> windows = new ConcurrentHashMap<>();
    List<String> alerts = run("skewed", 1, null, windows);
    assertFalse(alerts.isEmpty());
    assertEquals(List.of(), read(Topics.DEAD_LETTERS.name(), Map.of(), DeadLetter.class).stream()
        .map(DeadLetter::reason).toList(), "no sample is late for its own scope");
    // each scope closes by its own event time every window that ends at least the grace before its last minute
    long expected = (MINUTES - 5) / 15;
    Map<String, Long> closed = new TreeMap<>();
    windows.forEach((scope, n) -> closed.put(scope, n.get()));
    Map<String, Long> want = new TreeMap<>();
    for (int s = 0; s < SCOPES; s++) {
      want.put("ws-" + s, expected);
    }
    assertEquals(want, closed);
  }

  /** Something done to the instances once they published their first alerts. */
  interface MidStream {
    void act(List<KafkaStreams> instances);
  }

  private List<String> run(String name, int instances, MidStream midStream) throws Exception {
    return run(name, instances, midStream, new ConcurrentHashMap<>());
  }

  /**
   * Runs {@code instances} instances of the real topology under application id {@code name}, waits until every input
   * and repartition record is processed and committed, and returns the alerts it published, sorted.
   */
  private List<String> run(String name, int instances, MidStream midStream, Map<String, AtomicLong> windows)
      throws Exception {
    Map<TopicPartition, Long> from = endOffsets(Topics.ALERTS.name());
    String app = "costwatch-scaleout-" + name;
    AppConfig config = ConfigLoader.load(Map.of("COSTWATCH_METRICS_IDLE_TIMEOUT", "PT1H"))
        .withKafka(client).withApplication(app, dir.resolve(name));
    List<KafkaStreams> group = new ArrayList<>();
    endpoints.clear();
    for (int i = 0; i < instances; i++) {
      // each instance serves /alerts and advertises it, as `run` does, so the instances can merge their answers
      AtomicReference<KafkaStreams> started = new AtomicReference<>();
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      String self = "127.0.0.1:" + http.getAddress().getPort();
      http.createContext("/alerts", new AlertsEndpoint(started::get, AlertsEndpoint.hostInfo(self)));
      http.start();
      servers.add(http);
      endpoints.add(http.getAddress().getPort());
      Properties props = new Properties();
      props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self);
      props.putAll(client);
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
      props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.processingGuarantee());
      props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createDirectories(dir.resolve(name + "-" + i)).toString());
      props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
      props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
      // a member closed without leaving the group is removed after the session timeout: 10 s instead of 45 s keeps
      // the take-over case short (what a deployment would tune with KAFKA_SESSION_TIMEOUT_MS)
      props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 10_000);
      KafkaStreams streams = new KafkaStreams(StreamsRuntime.topology(config, counting(windows)), props);
      started.set(streams);
      streams.start();
      group.add(streams);
      running.add(streams);
    }
    Poll.await(WITHIN, () -> group.stream().allMatch(s -> s.state() == KafkaStreams.State.RUNNING),
        () -> name + " running");
    if (midStream != null) {
      Poll.await(WITHIN, everySecond(() -> !read(Topics.ALERTS.name(), from, AlertEvent.class).isEmpty()),
          () -> name + ": first alerts before the mid-stream event");
      midStream.act(group);
    }
    awaitCaughtUp(app);
    return read(Topics.ALERTS.name(), from, AlertEvent.class).stream()
        .map(a -> a.alertId() + " " + a.type() + " " + a.status() + " " + a.windowEnd()).sorted().toList();
  }

  /**
   * An idle, busy, idle, busy day part of {@link #MINUTES} minutes per scope, one body per scope and minute, keyed
   * by the scope's workspace id, two scopes per partition; odd scopes start {@code skew} earlier and are written
   * after the even ones, so each partition holds a scope half an hour behind the scope before it.
   */
  private void produce(int fromMinute, int minutes, Duration skew) {
    AtomicReference<Exception> failed = new AtomicReference<>();
    Map<String, Object> config = new HashMap<>(client);
    config.put("enable.idempotence", true);
    config.put("acks", "all");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
        new StringSerializer())) {
      for (int parity : new int[] {0, 1}) {
        for (int m = fromMinute; m < fromMinute + minutes; m++) {
          for (int s = parity; s < SCOPES; s += 2) {
            Instant t = T0.plus(Duration.ofMinutes(m)).minus(s % 2 == 1 ? skew : Duration.ZERO);
            double gpu = m % 75 < 40 ? 0.5 : 90;
            String body = Fixtures.body(Fixtures.cluster("ws-" + s, "gpu1", t, 1, gpu, 1 + s % 3, s % 2));
            producer.send(new ProducerRecord<>(Topics.METRICS_RAW.name(), (s / 2) % 6, t.toEpochMilli(),
                Fixtures.workspaceId("ws-" + s), body), (metadata, e) -> {
                  if (e != null) {
                    failed.compareAndSet(null, e);
                  }
                });
          }
        }
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new AssertionError("the broker rejected input", failed.get());
    }
  }

  /** Every record of the raw and repartition topics processed and committed, twice in a row. */
  private void awaitCaughtUp(String app) {
    int[] stable = {0};
    String[] lag = {"not checked"};
    try (Admin admin = Admin.create(client)) {
      Poll.await(WITHIN, everySecond(() -> {
        lag[0] = lagging(admin, app);
        stable[0] = lag[0].isEmpty() ? stable[0] + 1 : 0;
        return stable[0] >= 2;
      }), () -> app + " caught up with its input; lagging: " + lag[0]);
    }
  }

  /** The condition checked at most once a second (each check costs broker round trips). */
  private static java.util.function.BooleanSupplier everySecond(java.util.function.BooleanSupplier check) {
    long[] next = {0};
    return () -> {
      if (System.nanoTime() < next[0]) {
        return false;
      }
      next[0] = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      return check.getAsBoolean();
    };
  }

  /** The partitions whose committed offset is behind their end, or empty when none is. */
  private String lagging(Admin admin, String app) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(app)
          .partitionsToOffsetAndMetadata().get();
      Set<String> topics = admin.listTopics().names().get().stream()
          .filter(t -> t.equals(Topics.METRICS_RAW.name()) || t.startsWith(app + "-") && t.endsWith("-repartition"))
          .collect(Collectors.toSet());
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin.describeTopics(topics).allTopicNames().get().forEach((t, d) -> d.partitions()
          .forEach(p -> latest.put(new TopicPartition(t, p.partition()), OffsetSpec.latest())));
      StringBuilder out = new StringBuilder();
      for (var e : admin.listOffsets(latest).all().get().entrySet()) {
        long end = e.getValue().offset();
        OffsetAndMetadata at = committed.get(e.getKey());
        // repartition topics are written in transactions: their last offset is a commit marker, never a record
        long need = e.getKey().topic().equals(Topics.METRICS_RAW.name()) ? end : end - 1;
        if (end > 0 && (at == null || at.offset() < need)) {
          out.append(e.getKey()).append(" at ").append(at == null ? "-" : at.offset()).append(" of ").append(end)
              .append("; ");
        }
      }
      return out.toString();
    } catch (Exception e) {
      return e.toString();
    }
  }

  private Map<TopicPartition, Long> endOffsets(String topic) {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      return consumer.endOffsets(partitions);
    }
  }

  /** Everything committed on {@code topic} after {@code from} (read_committed). */
  private <T> List<T> read(String topic, Map<TopicPartition, Long> from, Class<T> type) {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      partitions.forEach(p -> consumer.seek(p, from.getOrDefault(p, 0L)));
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<T> out = new ArrayList<>();
      var serde = io.costwatch.topology.JsonSerde.of(type);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(serde.deserializer().deserialize(topic, r.value()));
        }
      }
      return out;
    }
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Map<String, Object> config = new HashMap<>(client);
    config.put("isolation.level", "read_committed");
    config.put("enable.auto.commit", false);
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Pipeline metrics that count closed windows per workspace and ignore everything else. */
  private static PipelineMetrics counting(Map<String, AtomicLong> windows) {
    return (PipelineMetrics) Proxy.newProxyInstance(PipelineMetrics.class.getClassLoader(),
        new Class<?>[] {PipelineMetrics.class}, (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.getName().equals("equals") ? proxy == args[0]
                : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "counting metrics";
          }
          if (method.getName().equals("usageWindow")) {
            String workspace = String.valueOf(args[0]);
            windows.computeIfAbsent(workspace.substring(workspace.lastIndexOf('/') + 1), k -> new AtomicLong())
                .incrementAndGet();
          }
          return method.getReturnType() == boolean.class ? false : null;
        });
  }
}
