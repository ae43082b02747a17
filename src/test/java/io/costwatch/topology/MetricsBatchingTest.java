package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.ScopeSamples;
import io.costwatch.core.SourceRef;
import io.costwatch.core.WorkspaceSamples;
import io.costwatch.testing.Fixtures;
import io.costwatch.usage.ScopeWindowing;
import io.costwatch.usage.UsageWindow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * A body's valid samples leave the parser as one value per workspace (its scopes' samples grouped by scope), after its
 * failures, which leave one by one as before; the window processor takes a value's scopes one by one and each scope's
 * samples one by one, so a late sample among them is a dead letter of its own with its own coordinates while its
 * neighbours count.
 */
class MetricsBatchingTest {

  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  private static final Instant WALL = Instant.parse("2026-11-02T12:00:00Z");
  private static final String WS = Fixtures.workspaceId("ws-a").toLowerCase(java.util.Locale.ROOT);

  private static Properties props(String app) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    return props;
  }

  /** The parser alone; every result it forwards, with its key and record time, in order. */
  private static List<Record<String, ParseResult<WorkspaceSamples>>> parse(List<Record<String, String>> raw) {
    List<Record<String, ParseResult<WorkspaceSamples>>> out = new ArrayList<>();
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("raw", Consumed.with(Serdes.String(), Serdes.String()))
        .processValues(() -> new MetricsParseProcessor(PipelineMetrics.NONE, "raw",
            new RangeChecks(Fixtures.config().plausibility())))
        .process(() -> new Processor<String, ParseResult<WorkspaceSamples>, Void, Void>() {
          @Override
          public void process(Record<String, ParseResult<WorkspaceSamples>> record) {
            out.add(record);
          }
        });
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props("metrics-batching"), WALL)) {
      TestInputTopic<String, String> in = driver.createInputTopic("raw", Serdes.String().serializer(),
          Serdes.String().serializer());
      for (Record<String, String> r : raw) {
        in.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(r.key(), r.value(), r.headers(),
            Instant.ofEpochMilli(r.timestamp())));
      }
    }
    return out;
  }

  private static String gpu(String cluster, Instant t, double value) {
    return Fixtures.dcrRecord("ws-a", cluster, "GpuUtilization", t, value);
  }

  @Test
  void aBodysSamplesLeaveAsOneValuePerWorkspaceAfterItsFailuresEachOnItsOwn() {
    // Given a body interleaving two clusters of ws-a and one of ws-b, with an out-of-range value and an unused metric
    String body = Fixtures.body(List.of(
        gpu("gpu-a", T0, 50),
        gpu("gpu-b", T0.plusSeconds(60), 10),
        gpu("gpu-a", T0.plusSeconds(60), 150),
        Fixtures.dcrRecord("ws-a", "gpu-a", "Active Nodes", T0.plusSeconds(120), 2),
        Fixtures.dcrRecord("ws-a", "gpu-a", "Completed Runs", T0, 1),
        Fixtures.dcrRecord("ws-b", "gpu-b", "Idle Nodes", T0, 1),
        gpu("gpu-b", T0, 20),
        Fixtures.dcrRecord("ws-a", "gpu-a", "Idle Nodes", T0.minusSeconds(60), 0)));

    // When
    List<Record<String, ParseResult<WorkspaceSamples>>> out = parse(List.of(
        new Record<>("k", body, WALL.toEpochMilli())));

    // Then the rejection and the ignored record first, each with its own item, then one value per workspace
    assertEquals(4, out.size(), out::toString);
    ParseResult.Rejected<WorkspaceSamples> rejected =
        assertInstanceOf(ParseResult.Rejected.class, out.get(0).value());
    assertEquals("out-of-range", rejected.reason());
    assertEquals(new SourceRef("raw/0", 0, 2), rejected.source());
    ParseResult.Ignored<WorkspaceSamples> ignored = assertInstanceOf(ParseResult.Ignored.class, out.get(1).value());
    assertEquals(new SourceRef("raw/0", 0, 4), ignored.source());

    WorkspaceSamples wsA = ((ParseResult.Parsed<WorkspaceSamples>) out.get(2).value()).value();
    assertEquals(WS, wsA.key());
    assertEquals(2, wsA.scopes().size(), "its two clusters, in the order of their first sample");
    ScopeSamples a = wsA.scopes().get(0);
    ScopeSamples b = wsA.scopes().get(1);
    assertEquals(WS + "/computes/gpu-a", a.scope().resourceId());
    assertEquals(List.of(0, 3, 7), a.samples().stream().map(s -> s.source().item()).toList(), "body order");
    assertEquals(List.of(AzureMetric.GPU_UTILIZATION, AzureMetric.ACTIVE_NODES, AzureMetric.IDLE_NODES),
        a.samples().stream().map(MetricSample::metric).toList());
    assertEquals(WS + "/computes/gpu-b", b.scope().resourceId());
    assertEquals(List.of(1, 6), b.samples().stream().map(s -> s.source().item()).toList());
    WorkspaceSamples wsB = ((ParseResult.Parsed<WorkspaceSamples>) out.get(3).value()).value();
    assertEquals(1, wsB.scopes().size());
    ScopeSamples other = wsB.scopes().get(0);
    assertEquals(List.of(5), other.samples().stream().map(s -> s.source().item()).toList(),
        "another workspace's cluster of the same name is another scope, in another value");
    assertTrue(other.scope().workspaceId().endsWith("ws-b"));
    assertEquals(other.scope().workspaceId(), wsB.key());

    // each value stamped with its newest sample's time; the failures keep the body's time; every one keeps its key
    assertEquals(List.of(WALL, WALL, T0.plusSeconds(120), T0),
        out.stream().map(r -> Instant.ofEpochMilli(r.timestamp())).toList());
    assertTrue(out.stream().allMatch(r -> r.key().equals("k")));
  }

  @Test
  void aMarkerIsAValueOfItsOwnAfterTheBodiesBeforeIt() {
    Instant far = Instant.parse("2027-12-01T00:00:00Z");
    RecordHeaders headers = new RecordHeaders();
    headers.add(FlushMarker.PARTITIONS_HEADER, "3".getBytes(StandardCharsets.UTF_8));
    List<Record<String, ParseResult<WorkspaceSamples>>> out = parse(List.of(
        new Record<>("k", Fixtures.body(List.of(gpu("gpu-a", T0, 1), gpu("gpu-a", T0.plusSeconds(60), 2))),
            WALL.toEpochMilli()),
        new Record<>(FlushMarker.KEY, null, far.toEpochMilli(), headers),
        new Record<>("k", Fixtures.body(List.of(gpu("gpu-a", T0, 400))), WALL.toEpochMilli())));

    assertEquals(3, out.size(), out::toString);
    assertEquals(2, ((ParseResult.Parsed<WorkspaceSamples>) out.get(0).value()).value().scopes().get(0).samples()
        .size());
    WorkspaceSamples markerValue = ((ParseResult.Parsed<WorkspaceSamples>) out.get(1).value()).value();
    assertEquals(1, markerValue.scopes().size(), "a value of its own");
    ScopeSamples marker = markerValue.scopes().get(0);
    assertTrue(FlushMarker.isMarker(marker.scope()));
    assertEquals(1, marker.samples().size());
    assertEquals(3, marker.samples().get(0).average(), "the partition count the marker carries");
    assertEquals(far.toEpochMilli(), out.get(1).timestamp());
    assertInstanceOf(ParseResult.Rejected.class, out.get(2).value(), "a body of failures only sends no value");
  }

  @Test
  void aLateSampleAmongItsScopesSamplesIsADeadLetterOfItsOwn() {
    // Given the window processor with 15 min windows and 5 min grace
    Topology topology = new Topology();
    topology.addSource("in", Serdes.String().deserializer(), TelemetryCodecs.workspaceSamples().deserializer(), "in");
    topology.addProcessor("usage-windows", UsageWindowProcessor.supplier(new ScopeWindowing(Duration.ofMinutes(15),
        Duration.ofMinutes(5), Duration.ofHours(1)), Duration.ofMinutes(10), PipelineMetrics.NONE, "raw"), "in");
    List<Record<Windowed<String>, ParseResult<UsageWindow>>> out = new ArrayList<>();
    topology.addProcessor("capture", () -> new Processor<Windowed<String>, ParseResult<UsageWindow>, Void, Void>() {
      @Override
      public void process(Record<Windowed<String>, ParseResult<UsageWindow>> record) {
        out.add(record);
      }
    }, "usage-windows");
    String scope = WS + "/computes/gpu-a";
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props("late-in-batch"), WALL)) {
      TestInputTopic<String, WorkspaceSamples> in = driver.createInputTopic("in", Serdes.String().serializer(),
          TelemetryCodecs.workspaceSamples().serializer());

      // When a first body closes [10:00, 10:15) and a second carries a sample of that window between two on time,
      // each body with another cluster of the workspace, whose samples are all on time
      String quiet = WS + "/computes/gpu-q";
      in.pipeInput(WS, new WorkspaceSamples(WorkspaceSamples.SCHEMA_VERSION,
          List.of(samples(scope, 40, 0, 5, 21), samples(quiet, 40, 1))));
      in.pipeInput(WS, new WorkspaceSamples(WorkspaceSamples.SCHEMA_VERSION,
          List.of(samples(quiet, 41, 2), samples(scope, 41, 22, 7, 23))));
      driver.advanceWallClockTime(Duration.ofMinutes(11)); // the scopes idle out: their open windows close

      // Then the first window, the late sample on its own, the second window with the samples on time, and the
      // other cluster's window, closed by the idle timeout after the second (its deadline key sorts after), with both
      // its samples
      assertEquals(4, out.size(), out::toString);
      UsageWindow other = ((ParseResult.Parsed<UsageWindow>) out.get(3).value()).value();
      assertEquals(quiet, out.get(3).key().key());
      assertEquals(2, other.records());
      assertEquals(new SourceRef("raw/0", 41, 0), other.lastSource());
      UsageWindow first = ((ParseResult.Parsed<UsageWindow>) out.get(0).value()).value();
      assertEquals(2, first.records());
      ParseResult.Rejected<UsageWindow> late = assertInstanceOf(ParseResult.Rejected.class, out.get(1).value());
      assertEquals("late-for-scope", late.reason());
      assertEquals(new SourceRef("raw/0", 41, 1), late.source(), "the late sample's own coordinates");
      assertEquals(T0.plusSeconds(7 * 60).toEpochMilli(), out.get(1).timestamp(), "at its own event time");
      assertEquals(T0.toEpochMilli(), out.get(1).key().window().start());
      UsageWindow second = ((ParseResult.Parsed<UsageWindow>) out.get(2).value()).value();
      assertEquals(T0.plusSeconds(15 * 60), second.windowStart());
      assertEquals(3, second.records(), "10:21 from the first body, 10:22 and 10:23 from the second");
      assertEquals(new SourceRef("raw/0", 41, 2), second.lastSource());
    }
  }

  /** One value of {@code scope}'s samples at the given minutes after T0, from body {@code position}, items 0.. */
  private static ScopeSamples samples(String scope, long position, int... minutes) {
    AzureResourceId id = AzureResourceId.parse(scope).orElseThrow();
    return new ScopeSamples(ScopeSamples.SCHEMA_VERSION, id, IntStream.range(0, minutes.length)
        .mapToObj(i -> new MetricSample(MetricSample.SCHEMA_VERSION, id, AzureMetric.GPU_UTILIZATION,
            T0.plusSeconds(60L * minutes[i]), 50, 50, 50, 50, 1, Map.of(), new SourceRef("raw/0", position, i)))
        .toList());
  }
}
