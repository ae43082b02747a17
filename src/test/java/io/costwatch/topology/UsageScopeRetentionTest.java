package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ScopeSamples;
import io.costwatch.core.SourceRef;
import io.costwatch.core.WorkspaceSamples;
import io.costwatch.usage.ScopeProgress;
import io.costwatch.usage.ScopeWindowing;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The per-scope progress store keeps the scopes of the retention period only: a scope quiet for longer than the
 * retention, with nothing open, loses its progress entry at a wall-clock punctuation; when it returns it starts again
 * as a new scope and its windows close as before. A scope seen within the retention keeps its entry.
 */
class UsageScopeRetentionTest {

  private static final Duration IDLE = Duration.ofMinutes(10);
  private static final Duration RETENTION = Duration.ofHours(6);
  private static final Instant WALL = Instant.parse("2026-11-02T12:00:00Z");
  private static final String PREFIX =
      "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/";

  @Test
  void aStaleScopeIsForgottenAndAReturningScopeStartsAgain() {
    Topology topology = new Topology();
    topology.addSource("in", Serdes.String().deserializer(), TelemetryCodecs.workspaceSamples().deserializer(),
        "in");
    topology.addProcessor("usage-windows", UsageWindowProcessor.supplier(new ScopeWindowing(Duration.ofMinutes(15),
        Duration.ofMinutes(5), Duration.ofHours(1)), IDLE, RETENTION, PipelineMetrics.NONE, "raw"), "in");
    topology.addSink("out", "out", (t, w) -> w.toString().getBytes(),
        (t, r) -> r.toString().getBytes(), "usage-windows");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scope-retention");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, props, WALL)) {
      TestInputTopic<String, WorkspaceSamples> in = driver.createInputTopic("in", Serdes.String().serializer(),
          TelemetryCodecs.workspaceSamples().serializer());
      TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic("out", Serdes.ByteArray().deserializer(),
          Serdes.ByteArray().deserializer());
      KeyValueStore<String, ScopeProgress> progress = driver.getKeyValueStore(UsageWindowProcessor.PROGRESS);
      String stale = PREFIX + "ws-stale";
      String busy = PREFIX + "ws-busy";
      Instant t0 = Instant.parse("2026-11-02T09:00:00Z");

      in.pipeInput(stale, sample(stale, t0, 1));
      in.pipeInput(busy, sample(busy, t0, 1));
      driver.advanceWallClockTime(IDLE.plusMinutes(1));
      assertEquals(2, out.readValuesToList().size(), "both scopes' windows closed by the idle timeout");
      assertNotNull(progress.get(stale), "a closed scope keeps its progress within the retention");

      // the busy scope keeps sending; the stale one is silent for longer than the retention
      for (int hour = 1; hour <= 7; hour++) {
        driver.advanceWallClockTime(Duration.ofHours(1));
        in.pipeInput(busy, sample(busy, t0.plus(Duration.ofHours(hour)), 1));
      }
      driver.advanceWallClockTime(Duration.ofMinutes(1));

      assertNull(progress.get(stale), "a scope quiet for longer than the retention is forgotten");
      assertNotNull(progress.get(busy), "a scope seen within the retention is kept");
      out.readValuesToList();

      // the stale scope returns with an earlier event time than its forgotten watermark would allow: a new scope
      Instant back = t0.plus(Duration.ofMinutes(30));
      in.pipeInput(stale, sample(stale, back, 1));
      assertEquals(back, progress.get(stale).watermark());
      driver.advanceWallClockTime(IDLE.plusMinutes(1));
      List<byte[]> closed = out.readValuesToList();
      assertTrue(closed.stream().map(String::new).anyMatch(v -> v.startsWith("Parsed") && v.contains("ws-stale")),
          "the returning scope's window closes and is emitted: " + closed.stream().map(String::new).toList());
    }
  }

  private static WorkspaceSamples sample(String scope, Instant time, double value) {
    return WorkspaceSamples.of(ScopeSamples.of(new MetricSample(MetricSample.SCHEMA_VERSION, AzureResourceId.parse(scope).orElseThrow(),
        AzureMetric.GPU_UTILIZATION, time, value, value, value, value, 1, Map.of(),
        new SourceRef("test/0", time.getEpochSecond(), 0))));
  }
}
