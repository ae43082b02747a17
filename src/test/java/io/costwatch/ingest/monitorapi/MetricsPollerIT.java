package io.costwatch.ingest.monitorapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpClient;
import io.costwatch.alert.AlertEvent;
import io.costwatch.config.AppConfig;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.SourceRef;
import io.costwatch.embedded.EmbeddedKafka;
import io.costwatch.embedded.TopicAdmin;
import io.costwatch.ingest.monitor.MetricPayloadParser;
import io.costwatch.testing.Poll;
import io.costwatch.topology.CostTopology;
import io.costwatch.topology.DeadLetter;
import io.costwatch.topology.FlushMarker;
import io.costwatch.topology.PipelineMetrics;
import io.costwatch.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poller against the local HTTPS Azure stand-in, through the real azure-core pipeline, into the in-process
 * broker (transactions, the compacted high-water-mark topic), and from there through the real topology to an alert.
 */
class MetricsPollerIT {

  static final String SUB = AzureRestClientTest.SUB;
  static final String WS = AzureRestClientTest.WS;
  static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  @TempDir
  static Path dir;
  static LocalHttps tls;
  static HttpClient client;
  static EmbeddedKafka kafka;
  static Map<String, Object> clientConfig;
  LocalAzure azure;
  final List<String> log = new ArrayList<>();
  final MovableClock clock = new MovableClock();

  @BeforeAll
  static void start() throws Exception {
    tls = LocalHttps.create(dir);
    client = tls.client();
    kafka = EmbeddedKafka.startTemporary();
    clientConfig = Map.of("bootstrap.servers", kafka.bootstrapServers());
    TopicAdmin.createMissing(clientConfig, Topics.all());
  }

  @AfterAll
  static void stopKafka() {
    kafka.close();
  }

  @BeforeEach
  void server() throws Exception {
    azure = new LocalAzure(tls);
  }

  @AfterEach
  void stop() {
    azure.close();
  }

  private static String deployment(String name) {
    return WS + "/onlineEndpoints/chat-api/deployments/" + name;
  }

  private MetricsPoller poller(String transactionalId, String... resources) {
    return poller(Map.of(), transactionalId, resources);
  }

  private MetricsPoller poller(Map<String, String> extra, String transactionalId, String... resources) {
    Map<String, String> env = new HashMap<>(extra);
    env.put(MetricsApiConfig.RESOURCES, String.join(",", resources));
    env.put(MetricsApiConfig.REGION, "eastus");
    env.put(MetricsApiConfig.ENDPOINT, azure.url());
    env.putIfAbsent(MetricsApiConfig.LATENCY, "PT5M");
    env.putIfAbsent(MetricsApiConfig.BACKFILL, "PT30M");
    return MetricsPollerService.poller(MetricsApiConfig.fromEnv(env), client, LocalHttps.fixedToken(),
        Duration.ofMillis(100), clientConfig, transactionalId, log::add, clock);
  }

  /** A deployment with two instances, no traffic except where {@code rpm} says, and a GPU duty cycle. */
  private void servingDeployment(String id, java.util.function.Function<Instant, Double> rpm, double gpu) {
    azure.series(id, "DeploymentCapacity", Map.of(), t -> 2.0)
        .series(id, "RequestsPerMinute", Map.of(), rpm)
        .series(id, "GpuUtilizationPercentage", Map.of("instanceId", "i-0"), t -> gpu)
        .series(id, "GpuUtilizationPercentage", Map.of("instanceId", "i-1"), t -> gpu);
  }

  @Test
  void restartResumesAfterTheLastMinuteAndGapsAdvanceTheMark() {
    String blue = deployment("blue");
    Instant gapFrom = T0.plusSeconds(10 * 60);
    Instant gapTo = T0.plusSeconds(13 * 60);
    servingDeployment(blue, t -> !t.isBefore(gapFrom) && t.isBefore(gapTo) ? null : 0.0, 1.0);
    clock.set(T0.plusSeconds(35 * 60));

    PollReport first;
    try (MetricsPoller poller = poller("poller-restart", blue)) {
      first = poller.pollOnce();
      assertEquals(T0.plusSeconds(29 * 60), poller.mark(blue), "the last complete minute, gap or not");
    }
    clock.set(T0.plusSeconds(45 * 60));
    PollReport second;
    try (MetricsPoller restarted = poller("poller-restart", blue)) {
      second = restarted.pollOnce();
      assertEquals(T0.plusSeconds(39 * 60), restarted.mark(blue));
    }

    assertEquals(30 + 27 + 2 * 30, first.records(), "30 capacity, 27 rpm (3 gap minutes), 2 x 30 GPU");
    assertEquals(10 * 4, second.records());
    List<LocalAzure.Seen> calls = azure.batchCalls();
    assertEquals(T0.plusSeconds(30 * 60).toString(), calls.get(calls.size() - 1).query().get("starttime"),
        "the restarted poller starts right after its committed mark");
    List<MetricSample> samples = samples(blue);
    assertEquals(first.records() + second.records(), samples.size());
    Set<String> distinct = new HashSet<>();
    samples.forEach(s -> distinct.add(s.metric() + "|" + s.dimensions() + "|" + s.time()));
    assertEquals(samples.size(), distinct.size(), "no minute published twice");
    List<Instant> capacityMinutes = samples.stream()
        .filter(s -> s.metric() == io.costwatch.core.AzureMetric.DEPLOYMENT_CAPACITY).map(MetricSample::time)
        .sorted().toList();
    assertEquals(40, capacityMinutes.size(), "no minute skipped across the restart");
    assertEquals(T0, capacityMinutes.get(0));
    assertEquals(T0.plusSeconds(39 * 60), capacityMinutes.get(39));
    assertTrue(samples.stream().noneMatch(s -> s.metric() == io.costwatch.core.AzureMetric.REQUESTS_PER_MINUTE
        && !s.time().isBefore(gapFrom) && s.time().isBefore(gapTo)), "gap minutes have no record, not a zero");
    assertEquals("i-1", samples.stream().filter(s -> s.dimensions().containsKey("instanceid"))
        .map(s -> s.dimensions().get("instanceid")).max(String::compareTo).orElseThrow());
  }

  @Test
  void aDeletedResourceIsLoggedOnceAndSkippedWhileTheOthersArePublished() {
    String kept = deployment("kept");
    String deleted = deployment("deleted");
    servingDeployment(kept, t -> 3.0, 40.0);
    azure.delete(deleted);
    clock.set(T0.plusSeconds(10 * 60));

    try (MetricsPoller poller = poller("poller-deleted", kept, deleted)) {
      PollReport first = poller.pollOnce();
      clock.set(T0.plusSeconds(12 * 60));
      PollReport second = poller.pollOnce();

      assertEquals(1, first.published());
      assertEquals(1, first.gone());
      assertEquals(0, first.failed());
      assertEquals(1, second.published());
      assertEquals(1, poller.counters().resourcesGone());
      assertEquals(T0.plusSeconds(6 * 60), poller.mark(kept));
      assertEquals(null, poller.mark(deleted), "no mark for a resource that published nothing");
    }
    assertEquals(1, log.stream().filter(l -> l.contains(deleted) && l.contains("no longer exists")).count(), log::toString);
    LocalAzure.Seen last = azure.batchCalls().get(azure.batchCalls().size() - 1);
    assertFalse(last.body().contains("deleted"), "the deleted deployment is not asked for again: " + last.body());
    assertFalse(samples(kept).isEmpty());
    assertTrue(samples(deleted).isEmpty());
  }

  @Test
  void discoveredWorkspaceAndDeploymentsArePolledWithTheirSplits() {
    String ws = WS.replace("ws-nlp", "ws-vision");
    String d1 = ws + "/onlineEndpoints/detect/deployments/d1";
    azure.workspace(ws, "eastus", Map.of("detect", List.of("d1")))
        .series(ws, "Active Nodes", Map.of("ClusterName", "gpu1"), t -> 2.0)
        .series(ws, "Idle Nodes", Map.of("ClusterName", "gpu1"), t -> 1.0)
        .series(ws, "GpuUtilization", Map.of("ClusterName", "gpu1"), t -> 4.0);
    servingDeployment(d1, t -> 5.0, 20.0);
    clock.set(T0.plusSeconds(10 * 60));
    Map<String, String> env = Map.of(MetricsApiConfig.WORKSPACES, ws, MetricsApiConfig.ENDPOINT, azure.url(),
        MetricsApiConfig.ARM_ENDPOINT, azure.url(), MetricsApiConfig.LATENCY, "PT5M", MetricsApiConfig.BACKFILL,
        "PT5M");

    try (MetricsPoller poller = MetricsPollerService.poller(MetricsApiConfig.fromEnv(env), client,
        LocalHttps.fixedToken(), Duration.ofMillis(100), clientConfig, "poller-discovery", log::add, clock)) {
      PollReport report = poller.pollOnce();

      assertEquals(2, report.published(), report::toString);
    }
    List<MetricSample> cluster = samples(ws);
    assertEquals(3 * 5, cluster.size());
    assertTrue(cluster.stream().allMatch(s -> "gpu1".equals(s.scope().compute())), "scoped to the cluster");
    assertEquals(5 * 4, samples(d1).size(), "capacity, rpm and two instances' GPU for 5 minutes");
    assertTrue(azure.batchCalls().stream().anyMatch(c -> "ClusterName eq '*'".equals(c.query().get("filter"))
        && c.query().get("metricnamespace").equals("Microsoft.MachineLearningServices/workspaces")));
  }

  @Test
  void aBatchRefusedAsAWholeIsRetriedResourceByResource() {
    String good = deployment("good");
    String bad = deployment("bad");
    servingDeployment(good, t -> 1.0, 30.0);
    azure.refuseBatchesWith(bad);
    clock.set(T0.plusSeconds(8 * 60));

    try (MetricsPoller poller = poller("poller-refused", good, bad)) {
      PollReport report = poller.pollOnce();

      assertEquals(1, report.published());
      assertEquals(1, report.failed());
      assertTrue(report.errors().get(0).startsWith(bad + ": Http400"), report.errors().toString());
      assertEquals(null, poller.mark(bad), "retried next poll from the same minute");
    }
    assertFalse(samples(good).isEmpty());
    assertTrue(log.stream().anyMatch(l -> l.contains("HTTP 400 BadRequest") && l.contains("one by one")),
        log::toString);
  }

  @Test
  void aMarkWrittenInAnAbortedTransactionIsNotSeen() {
    String red = deployment("red");
    servingDeployment(red, t -> 0.0, 0.0);
    Map<String, Object> producerConfig = new HashMap<>(clientConfig);
    producerConfig.put("transactional.id", "test-aborted-mark");
    try (org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer =
        new org.apache.kafka.clients.producer.KafkaProducer<>(producerConfig,
            new org.apache.kafka.common.serialization.StringSerializer(),
            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      MetricsWatermark mark = new MetricsWatermark(1, red.toLowerCase(Locale.ROOT), T0.plusSeconds(3600), T0);
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.METRICS_API_WATERMARKS.name(),
          mark.resourceId(), Topics.METRICS_API_WATERMARKS.valueSerde().serializer().serialize("t", mark)));
      producer.flush();
      producer.abortTransaction();
    }
    clock.set(T0.plusSeconds(10 * 60));

    try (MetricsPoller poller = poller("poller-aborted", red)) {
      assertEquals(null, poller.mark(red));
      poller.pollOnce();
    }
    assertEquals(T0.minusSeconds(25 * 60).toString(), azure.batchCalls().get(0).query().get("starttime"),
        "starts at the backfill horizon, not after the aborted mark");
  }

  @Test
  void aSecondPollerWithTheSameIdFencesTheFirst() {
    String solo = deployment("solo");
    servingDeployment(solo, t -> 1.0, 10.0);
    clock.set(T0.plusSeconds(8 * 60));

    try (MetricsPoller first = poller("poller-fenced", solo); MetricsPoller second = poller("poller-fenced", solo)) {
      RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, first::pollOnce);

      assertTrue(MetricsPollerService.fenced(e), "fenced: " + e);
      assertEquals(null, first.mark(solo));
      assertEquals(1, second.pollOnce().published());
    }
    assertEquals(30 * 4, samples(solo).size(), "30 backfilled minutes, once: only the second poller committed");
  }

  @Test
  void aPollerBehindCatchesUpSpanBySpanAndAFailingResourceDoesNotKeepItPolling() {
    String late = deployment("late");
    String failing = deployment("failing");
    servingDeployment(late, t -> 1.0, 10.0);
    azure.refuseBatchesWith(failing);
    clock.set(T0.plusSeconds(35 * 60));
    List<PollReport> reports = new ArrayList<>();

    try (MetricsPoller poller = poller(Map.of(MetricsApiConfig.MAX_SPAN, "PT10M"), "poller-late", late, failing)) {
      do {
        reports.add(poller.pollOnce());
      } while (reports.get(reports.size() - 1).behind() && reports.size() < 10);
      assertEquals(T0.plusSeconds(29 * 60), poller.mark(late));
    }

    assertEquals(List.of(true, true, false), reports.stream().map(PollReport::behind).toList());
    List<Instant> minutes = samples(late).stream()
        .filter(s -> s.metric() == io.costwatch.core.AzureMetric.DEPLOYMENT_CAPACITY).map(MetricSample::time)
        .sorted().toList();
    assertEquals(30, minutes.size());
    assertEquals(30, new HashSet<>(minutes).size(), "each minute once across the spans");
  }

  @Test
  void throttledPollWaitsAndPublishes() {
    String green = deployment("throttled");
    servingDeployment(green, t -> 0.0, 0.0);
    azure.throttleNext(1);
    clock.set(T0.plusSeconds(8 * 60));

    try (MetricsPoller poller = poller("poller-throttled", green)) {
      PollReport report = poller.pollOnce();
      assertEquals(1, report.published());
      assertEquals(0, report.failed());
    }
    assertEquals(3, azure.batchCalls().size(), "one 429 then its retry, then the per-instance query");
  }

  @Test
  void idleDeploymentFromTheMetricsApiRaisesAnAlert() {
    String idle = deployment("idle");
    servingDeployment(idle, t -> 0.0, 0.5);
    clock.set(T0.plusSeconds(35 * 60));
    try (MetricsPoller poller = poller("poller-e2e", idle)) {
      assertEquals(1, poller.pollOnce().published());
    }

    List<AlertEvent> alerts = throughTopology(rawRecords(idle));

    AlertEvent alert = alerts.stream().filter(a -> a.type().equals("IDLE_DEPLOYMENT")).findFirst()
        .orElseThrow(() -> new AssertionError("no IDLE_DEPLOYMENT in " + alerts));
    assertEquals(idle.toLowerCase(Locale.ROOT), alert.resourceId());
    assertEquals("NO_TRAFFIC", alert.cause());
    assertEquals(0, alert.observed().get("instancesAvg").compareTo(new java.math.BigDecimal("2")), alert::toString);
  }

  /** Feeds raw records, as the broker holds them, to the real topology, then closes every window. */
  private List<AlertEvent> throughTopology(List<ConsumerRecord<String, byte[]>> raw) {
    // 35 minutes of polled telemetry: a half-hour serving horizon, so the idle deployment is judged at all
    AppConfig config = io.costwatch.config.ConfigLoader.load(java.util.Map.of("COSTWATCH_COMPUTE_SKUS",
        "ws-a/gpu1=Standard_NC24ads_A100_v4", "COSTWATCH_SERVING_HORIZON", "PT30M"));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "costwatch-poller-e2e");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString());
    try (TopologyTestDriver driver = new TopologyTestDriver(CostTopology.build(config, PipelineMetrics.NONE),
        props)) {
      TestInputTopic<String, String> metrics = driver.createInputTopic(Topics.METRICS_RAW.name(),
          Serdes.String().serializer(), Serdes.String().serializer());
      TestOutputTopic<String, AlertEvent> alerts = driver.createOutputTopic(Topics.ALERTS.name(),
          Serdes.String().deserializer(), Topics.ALERTS.valueSerde().deserializer());
      TestOutputTopic<String, DeadLetter> deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(),
          Serdes.String().deserializer(), Topics.DEAD_LETTERS.valueSerde().deserializer());
      raw.forEach(r -> metrics.pipeInput(r.key(), new String(r.value(), StandardCharsets.UTF_8),
          Instant.ofEpochMilli(r.timestamp())));
      Instant far = T0.plus(Duration.ofDays(1));
      metrics.pipeInput(FlushMarker.KEY, null, far);
      metrics.pipeInput(FlushMarker.KEY, null, far.plusSeconds(21 * 60));
      assertTrue(deadLetters.isEmpty(), "the poller's records parse: " + deadLetters.readValuesToList());
      return alerts.readValuesToList();
    }
  }

  private List<MetricSample> samples(String resourceId) {
    MetricPayloadParser parser = new MetricPayloadParser();
    List<MetricSample> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : rawRecords(resourceId)) {
      for (ParseResult<MetricSample> p : parser.parse(new String(r.value(), StandardCharsets.UTF_8),
          new SourceRef("test", r.offset(), -1))) {
        if (p instanceof ParseResult.Parsed<MetricSample> parsed) {
          out.add(parsed.value());
        } else if (p instanceof ParseResult.Rejected<MetricSample> rejected) {
          throw new AssertionError("rejected: " + rejected.detail());
        }
      }
    }
    return out;
  }

  /** The committed raw records of one resource (the key is its lower-cased id). */
  private static List<ConsumerRecord<String, byte[]>> rawRecords(String resourceId) {
    String topic = Topics.METRICS_RAW.name();
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put("isolation.level", "read_committed");
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // the high watermark, not this consumer's end (the last stable offset): a transaction's commit marker is written
      // after commitTransaction returns, and until then the last stable offset stops before the committed records
      Map<TopicPartition, Long> end = highWatermarks(partitions);
      Poll.await(Duration.ofSeconds(60), () -> {
        consumer.poll(Duration.ofMillis(100)).forEach(out::add);
        return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
      }, () -> "reading " + topic + " to " + end);
    }
    String key = resourceId.toLowerCase(Locale.ROOT);
    return out.stream().filter(r -> key.equals(r.key())).toList();
  }

  private static Map<TopicPartition, Long> highWatermarks(List<TopicPartition> partitions) {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(clientConfig, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      return consumer.endOffsets(partitions);
    }
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.EPOCH);

    void set(Instant instant) {
      now.set(instant);
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
