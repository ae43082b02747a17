package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ScopeSamples;
import io.costwatch.core.SourceRef;
import io.costwatch.core.WorkspaceSamples;
import io.costwatch.usage.ScopeWindowing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The processor's cache of decoded scopes holds what its stores hold: the same random input (scopes interleaved,
 * records out of order, late and future ones, wall-clock gaps past the idle timeout) gives the same windows, dead
 * letters and store contents with no cache (every scope read from the stores), a cache of one scope (evicted on
 * every switch) and the default cache. And a workspace's samples of one body in one record ({@link
 * WorkspaceSamples}, format 3) give exactly what the same samples give as one record per scope ({@link ScopeSamples},
 * format 2, as repartitioned before) or one record each (format 1, as before that), in the same order.
 */
class UsageWindowCacheTest {

  private static final Duration IDLE = Duration.ofMinutes(10);
  private static final Instant WALL = Instant.parse("2026-11-02T12:00:00Z");
  private static final String PREFIX =
      "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/";

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void theCacheChangesNothingThatTheStoresWouldGive(long seed) {
    Run uncached = run(seed, 0, Input.WORKSPACES);
    Run one = run(seed, 1, Input.WORKSPACES);
    Run cached = run(seed, UsageWindowProcessor.CACHED_SCOPES, Input.WORKSPACES);
    assertTrue(uncached.out.size() > 20, "the input closes windows: " + uncached.out.size());
    assertTrue(uncached.out.stream().anyMatch(o -> o.startsWith("Rejected")), "and rejects some records");
    assertEquals(uncached.out, one.out);
    assertEquals(uncached.out, cached.out);
    assertEquals(uncached.stores, one.stores);
    assertEquals(uncached.stores, cached.stores);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void samplesInOneRecordGiveWhatTheyGiveOneByOne(long seed) {
    Run workspaces = run(seed, UsageWindowProcessor.CACHED_SCOPES, Input.WORKSPACES);
    Run scopes = run(seed, UsageWindowProcessor.CACHED_SCOPES, Input.SCOPES);
    Run single = run(seed, UsageWindowProcessor.CACHED_SCOPES, Input.SAMPLES);
    assertTrue(workspaces.records < scopes.records && scopes.records < single.records,
        workspaces.records + " records by workspace, " + scopes.records + " by scope, " + single.records + " samples");
    assertTrue(workspaces.multiScope > 0, "some records hold several scopes");
    assertTrue(workspaces.out.stream().anyMatch(o -> o.startsWith("Rejected")), "some samples are rejected");
    assertEquals(single.out, scopes.out);
    assertEquals(single.out, workspaces.out);
    assertEquals(single.stores, scopes.stores);
    assertEquals(single.stores, workspaces.stores);
  }

  /** How a body's samples reach the processor: the formats the repartition topic has carried. */
  private enum Input { WORKSPACES, SCOPES, SAMPLES }

  private record Run(List<String> out, List<String> stores, int records, int multiScope) {
  }

  /**
   * @param input each body's samples as one record per workspace, or the same samples in the same order as one
   *     record per scope or one record each
   */
  private static Run run(long seed, int cachedScopes, Input input) {
    Topology topology = new Topology();
    topology.addSource("in", Serdes.String().deserializer(), TelemetryCodecs.workspaceSamples().deserializer(),
        "in");
    topology.addProcessor("usage-windows", UsageWindowProcessor.supplier(new ScopeWindowing(Duration.ofMinutes(15),
        Duration.ofMinutes(5), Duration.ofHours(1)), IDLE, Duration.ofHours(2), PipelineMetrics.NONE, "raw",
        cachedScopes), "in");
    topology.addSink("out", "out", (t, w) -> w.toString().getBytes(), (t, r) -> r.toString().getBytes(),
        "usage-windows");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "usage-window-cache");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, WALL)) {
      TestInputTopic<String, byte[]> in = driver.createInputTopic("in", Serdes.String().serializer(),
          Serdes.ByteArray().serializer());
      TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic("out", Serdes.ByteArray().deserializer(),
          Serdes.ByteArray().deserializer());
      Random random = new Random(seed);
      Instant[] clock = new Instant[6];
      for (int s = 0; s < clock.length; s++) {
        clock[s] = Instant.parse("2026-11-02T09:00:00Z").plus(Duration.ofMinutes(random.nextInt(90)));
      }
      List<MetricSample> body = new ArrayList<>();
      int[] counts = new int[2]; // records, records of several scopes
      for (int i = 0; i < 1_500; i++) {
        int s = random.nextInt(clock.length);
        int step = random.nextInt(10);
        // mostly forward a minute, sometimes back (within or past the grace), rarely far ahead of the wall clock
        clock[s] = step < 7 ? clock[s].plusSeconds(60) : step < 9 ? clock[s] : clock[s].plusSeconds(300);
        Instant time = step == 9 ? clock[s].minus(Duration.ofMinutes(random.nextInt(40)))
            : random.nextInt(200) == 0 ? WALL.plus(Duration.ofHours(3)) : clock[s];
        String scope = PREFIX + "ws-" + (s % 3) + "/computes/gpu-" + s;
        body.add(sample(scope, time, random.nextInt(101), "node-" + random.nextInt(3), i));
        if (random.nextInt(8) == 0) {
          pipe(in, body, input, counts);
        }
        if (random.nextInt(100) < 3) {
          pipe(in, body, input, counts);
          driver.advanceWallClockTime(Duration.ofMinutes(random.nextInt(25)));
        }
      }
      pipe(in, body, input, counts);
      driver.advanceWallClockTime(Duration.ofHours(3)); // every scope idles out, then is forgotten
      List<String> emitted = out.readValuesToList().stream().map(String::new).toList();
      List<String> stores = new ArrayList<>();
      for (String name : List.of(UsageWindowProcessor.WINDOWS, UsageWindowProcessor.PROGRESS,
          UsageWindowProcessor.IDLE)) {
        KeyValueStore<String, Object> store = driver.getKeyValueStore(name);
        try (KeyValueIterator<String, Object> it = store.all()) {
          it.forEachRemaining((KeyValue<String, Object> kv) -> stores.add(name + " " + kv.key + " " + kv.value));
        }
      }
      return new Run(emitted, stores, counts[0], counts[1]);
    }
  }

  /**
   * The body's samples grouped by workspace, each group as one record, or in the same order each scope's samples or
   * each sample as one record, in the format of its time; the body is emptied.
   */
  private static void pipe(TestInputTopic<String, byte[]> in, List<MetricSample> body, Input input, int[] counts) {
    for (WorkspaceSamples workspace : WorkspaceSamples.byWorkspace(ScopeSamples.byScope(body))) {
      if (input == Input.WORKSPACES) {
        in.pipeInput(workspace.key(), TelemetryCodecs.workspaceSamples().serializer().serialize("in", workspace));
        counts[0]++;
        counts[1] += workspace.scopes().size() > 1 ? 1 : 0;
        continue;
      }
      for (ScopeSamples scope : workspace.scopes()) {
        String key = scope.scope().resourceId();
        if (input == Input.SCOPES) {
          in.pipeInput(key, TelemetryCodecs.scopeSamples().serializer().serialize("in", scope));
          counts[0]++;
          continue;
        }
        for (MetricSample sample : scope.samples()) {
          in.pipeInput(key, TelemetryCodecs.samples().serializer().serialize("in", sample));
          counts[0]++;
        }
      }
    }
    body.clear();
  }

  private static MetricSample sample(String scope, Instant time, double value, String node, int offset) {
    return new MetricSample(MetricSample.SCHEMA_VERSION, AzureResourceId.parse(scope).orElseThrow(),
        AzureMetric.GPU_UTILIZATION, time, value, value, value, value, 1, Map.of("nodeid", node),
        new SourceRef("raw/0", offset, 0));
  }
}
