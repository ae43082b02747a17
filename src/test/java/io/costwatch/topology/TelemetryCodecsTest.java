package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.SourceRef;
import io.costwatch.usage.ScopeProgress;
import io.costwatch.usage.UsageWindow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

/**
 * The compact values of the telemetry path: every field round-trips exactly, the JSON written by the previous
 * version (records left on the repartition topic, store changelogs) still reads as the same value, and unreadable
 * compact bytes are a dead letter on the topic and a reset key in a store.
 */
class TelemetryCodecsTest {

  private static final String WS = "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/"
      + "workspaces/ws-a";
  private static final Instant T = Instant.parse("2026-10-01T00:03:00Z");

  private final List<String> unreadable = new ArrayList<>();
  private final java.util.function.Consumer<String> counting = unreadable::add;

  private static MetricSample sample(Map<String, String> dimensions, SourceRef source) {
    return new MetricSample(MetricSample.SCHEMA_VERSION, AzureResourceId.parse(WS + "/computes/gpu-1").orElseThrow(),
        AzureMetric.GPU_UTILIZATION, T.plusNanos(123), 41.5, 0.0, 99.25, -3.0e-7, 7, dimensions, source);
  }

  private static UsageWindow window() {
    Map<String, String> node = new LinkedHashMap<>();
    node.put("instanceid", "Node-1");
    node.put("gpu", "0");
    UsageWindow w = UsageWindow.empty().in(Instant.parse("2026-10-01T00:00:00Z"),
        Instant.parse("2026-10-01T00:15:00Z"));
    w = w.add(sample(node, new SourceRef("azure.monitor-metrics.raw.v1/0", 17, 3)));
    w = w.add(new MetricSample(MetricSample.SCHEMA_VERSION, w.scope(), AzureMetric.GPU_ENERGY_JOULES,
        T.plusSeconds(60), 1, 1, 1, 5000, 1, Map.of("nodeid", "node-2"), SourceRef.line("file.json", 9)));
    return w;
  }

  @Test
  void samplesRoundTripExactlyWithAndWithoutDimensionsAndSource() {
    Serde<MetricSample> serde = TelemetryCodecs.samples();
    Map<String, String> dims = new LinkedHashMap<>();
    dims.put("instanceid", "i-1");
    dims.put("empty", "");
    for (MetricSample s : List.of(sample(dims, new SourceRef("raw/2", Long.MAX_VALUE, -1)), sample(null, null),
        sample(Map.of(), SourceRef.line("ü.json", 1)))) {
      byte[] bytes = serde.serializer().serialize("metrics-by-scope-repartition", s);
      assertEquals(CompactSerde.FORMAT_1, bytes[0]);
      assertEquals(s, serde.deserializer().deserialize("metrics-by-scope-repartition", bytes));
    }
  }

  @Test
  void aSampleWrittenAsJsonByThePreviousVersionReadsTheSame() {
    MetricSample s = sample(Map.of("instanceid", "i-1"), new SourceRef("raw/0", 5, 2));
    byte[] json = JsonSerde.of(MetricSample.class).serializer().serialize("t", s);
    assertEquals(s, TelemetryCodecs.samples().deserializer().deserialize("metrics-by-scope-repartition", json));
  }

  @Test
  void windowsAndProgressRoundTripExactlyThroughTheStoreSerdes() {
    Serde<UsageWindow> windows = TelemetryCodecs.windows(UsageWindowProcessor.WINDOWS, counting);
    UsageWindow w = window();
    assertEquals(2, w.instances().distinctInstances());
    UsageWindow back = windows.deserializer().deserialize("c", windows.serializer().serialize("c", w));
    assertEquals(w, back);
    assertArrayEquals(w.stats(AzureMetric.GPU_UTILIZATION).histogram(),
        back.stats(AzureMetric.GPU_UTILIZATION).histogram());
    assertEquals(w.firstSource(), back.firstSource());
    assertEquals(w.lastSource(), back.lastSource());
    assertEquals(UsageWindow.empty(), windows.deserializer().deserialize("c",
        windows.serializer().serialize("c", UsageWindow.empty())));

    Serde<ScopeProgress> progress = TelemetryCodecs.progress(UsageWindowProcessor.PROGRESS, counting);
    for (ScopeProgress p : List.of(new ScopeProgress(1, T, null, T.plusSeconds(9)),
        new ScopeProgress(1, T, T.minusSeconds(60), Instant.ofEpochSecond(-5, 7)))) {
      assertEquals(p, progress.deserializer().deserialize("c", progress.serializer().serialize("c", p)));
    }
    assertEquals(List.of(), unreadable);
  }

  @Test
  void storeValuesWrittenAsJsonByThePreviousVersionReadTheSame() {
    UsageWindow w = window();
    byte[] json = JsonSerde.of(UsageWindow.class).serializer().serialize("c", w);
    assertEquals(w, TelemetryCodecs.windows(UsageWindowProcessor.WINDOWS, counting).deserializer()
        .deserialize("c", json));

    // the oldest shape: no schemaVersion, no instances (as StoredValueVersionsTest writes it)
    UsageWindow old = TelemetryCodecs.windows(UsageWindowProcessor.WINDOWS, counting).deserializer().deserialize("c",
        ("{\"scope\":{\"workspaceId\":\"" + WS + "\"},\"windowStart\":\"2026-10-01T00:00:00Z\",\"windowEnd\":"
            + "\"2026-10-01T00:15:00Z\",\"metrics\":{\"GPU_UTILIZATION\":{\"count\":2,\"sum\":10.0,\"min\":4.0,"
            + "\"max\":6.0}},\"records\":2}").getBytes(StandardCharsets.UTF_8));
    assertEquals(UsageWindow.SCHEMA_VERSION, old.schemaVersion());
    assertEquals(5.0, old.average(AzureMetric.GPU_UTILIZATION), 1e-9);

    ScopeProgress p = new ScopeProgress(1, T, T, T.plusSeconds(1));
    assertEquals(p, TelemetryCodecs.progress(UsageWindowProcessor.PROGRESS, counting).deserializer()
        .deserialize("c", JsonSerde.of(ScopeProgress.class).serializer().serialize("c", p)));
    assertEquals(List.of(), unreadable);
  }

  @Test
  void truncatedCompactBytesFailOnTheTopicAndResetTheKeyInAStore() {
    byte[] full = TelemetryCodecs.samples().serializer().serialize("t", sample(Map.of(), null));
    byte[] cut = Arrays.copyOf(full, full.length - 3);
    assertThrows(SerializationException.class,
        () -> TelemetryCodecs.samples().deserializer().deserialize("metrics-by-scope-repartition", cut));

    Serde<UsageWindow> windows = TelemetryCodecs.windows(UsageWindowProcessor.WINDOWS, counting);
    byte[] stored = windows.serializer().serialize("c", window());
    assertNull(windows.deserializer().deserialize("c", Arrays.copyOf(stored, stored.length / 2)));
    byte[] trailing = Arrays.copyOf(stored, stored.length + 1);
    assertNull(windows.deserializer().deserialize("c", trailing));
    assertNull(windows.deserializer().deserialize("c", new byte[] {CompactSerde.FORMAT_1, 9, 9}));
    assertEquals(3, unreadable.size(), unreadable::toString);
    assertTrue(unreadable.stream().allMatch(u -> u.equals(UsageWindowProcessor.WINDOWS)));
  }

  @Test
  void keysAreZeroPaddedAsTheFormatterWroteThem() {
    for (long v : new long[] {0, 7, 1_764_547_200_000L, -5, Long.MAX_VALUE, Long.MIN_VALUE, -1_000_000_000_000L}) {
      assertEquals(String.format("%019d", v), UsageWindowProcessor.padded(v), () -> "value " + v);
    }
  }
}
