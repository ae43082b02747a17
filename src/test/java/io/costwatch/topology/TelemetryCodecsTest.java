package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ScopeSamples;
import io.costwatch.core.SourceRef;
import io.costwatch.core.WorkspaceSamples;
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

  /** Samples of one scope from one body: shared, changing and absent sources, edge values. */
  private static ScopeSamples body() {
    AzureResourceId scope = AzureResourceId.parse(WS + "/computes/gpu-1").orElseThrow();
    Map<String, String> dims = new LinkedHashMap<>();
    dims.put("instanceid", "Node-ü");
    dims.put("", "");
    String raw = "azure.monitor-metrics.raw.v1/3";
    return new ScopeSamples(ScopeSamples.SCHEMA_VERSION, scope, List.of(
        new MetricSample(1, scope, AzureMetric.GPU_UTILIZATION, T.plusNanos(1), 41.5, -0.0, Double.MIN_VALUE,
            Double.MAX_VALUE, 0, dims, new SourceRef(raw, 17, 0)),
        new MetricSample(1, scope, AzureMetric.ACTIVE_NODES, T, Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, 0.1, Long.MAX_VALUE, Map.of(), new SourceRef(raw, 17, 1)),
        new MetricSample(0, scope, null, null, 0, 0, 0, 0, -1, null, null),
        new MetricSample(7, scope, AzureMetric.IDLE_NODES, Instant.ofEpochSecond(-62_135_596_800L, 999_999_999), 1,
            1, 1, 1, 1, null, new SourceRef(raw, 17, Integer.MAX_VALUE)),
        new MetricSample(1, scope, AzureMetric.IDLE_NODES, Instant.MAX, 1, 1, 1, 1, 1, null,
            new SourceRef(raw, Long.MIN_VALUE, -1)),
        new MetricSample(1, scope, AzureMetric.IDLE_NODES, T, 1, 1, 1, 1, 1, null,
            new SourceRef("raw/3", Long.MIN_VALUE, -1)),
        new MetricSample(1, scope, AzureMetric.IDLE_NODES, T, 1, 1, 1, 1, 1, null, new SourceRef(null, 0, 5)),
        new MetricSample(1, scope, AzureMetric.IDLE_NODES, T, 1, 1, 1, 1, 1, null, new SourceRef(null, 0, 6))));
  }

  /** A resource-level scope spelt by two ids (the resource names the scope, whatever workspace it came with). */
  private static ScopeSamples twoSpellings() {
    AzureResourceId resource = new AzureResourceId(WS, null, null, null, "/subscriptions/s/x/y");
    AzureResourceId sameResource = new AzureResourceId(WS + "-other", "c", "e", "d", "/subscriptions/s/x/y");
    return new ScopeSamples(ScopeSamples.SCHEMA_VERSION, resource, List.of(
        new MetricSample(1, resource, AzureMetric.GPU_ENERGY_JOULES, T, 1, 1, 1, 1, 1, null, SourceRef.line("f", 1)),
        new MetricSample(1, sameResource, AzureMetric.GPU_ENERGY_JOULES, T, 2, 2, 2, 2, 1, Map.of("k", "v"),
            SourceRef.line("f", 1)),
        new MetricSample(1, resource, AzureMetric.GPU_ENERGY_JOULES, T, 3, 3, 3, 3, 1, null, SourceRef.line("f", 2))));
  }

  @Test
  void aScopesSamplesRoundTripExactlyInOrderWithEdgeValues() {
    Serde<ScopeSamples> serde = TelemetryCodecs.scopeSamples();
    for (ScopeSamples value : List.of(body(), twoSpellings(), ScopeSamples.of(sample(null, null)))) {
      byte[] bytes = serde.serializer().serialize("metrics-by-scope-repartition", value);
      assertEquals(TelemetryCodecs.SCOPE_SAMPLES_FORMAT, bytes[0]);
      ScopeSamples back = serde.deserializer().deserialize("metrics-by-scope-repartition", bytes);
      assertEquals(value, back);
      for (int i = 0; i < value.samples().size(); i++) {
        assertEquals(value.samples().get(i).scope(), back.samples().get(i).scope(), "sample " + i + "'s own id");
        assertEquals(value.samples().get(i).source(), back.samples().get(i).source(), "sample " + i + "'s source");
      }
    }
  }

  @Test
  void aScopesSamplesTakeLessRoomTogetherThanOneByOne() {
    Serde<ScopeSamples> serde = TelemetryCodecs.scopeSamples();
    Serde<MetricSample> single = TelemetryCodecs.samples();
    List<MetricSample> samples = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      samples.add(sample(Map.of("clustername", "gpu-1"), new SourceRef("azure.monitor-metrics.raw.v1/0", 99, i)));
    }
    int together = serde.serializer().serialize("t", ScopeSamples.byScope(samples).get(0)).length;
    int apart = samples.stream().mapToInt(s -> single.serializer().serialize("t", s).length).sum();
    assertTrue(together < apart * 0.6, together + " bytes together, " + apart + " one by one");
  }

  @Test
  void aSampleWrittenByThePreviousVersionReadsAsASampleOfItsOwn() {
    MetricSample s = sample(Map.of("instanceid", "i-1"), new SourceRef("raw/0", 5, 2));
    byte[] compact = TelemetryCodecs.samples().serializer().serialize("t", s);
    byte[] json = JsonSerde.of(MetricSample.class).serializer().serialize("t", s);
    for (byte[] older : List.of(compact, json)) {
      assertEquals(ScopeSamples.of(s), TelemetryCodecs.scopeSamples().deserializer()
          .deserialize("metrics-by-scope-repartition", older));
    }
    assertNull(TelemetryCodecs.scopeSamples().deserializer().deserialize("metrics-by-scope-repartition", null));
  }

  @Test
  void unreadableScopeSamplesFailOnTheTopic() {
    Serde<ScopeSamples> serde = TelemetryCodecs.scopeSamples();
    AzureResourceId workspace = AzureResourceId.workspace(WS);
    byte[] ok = serde.serializer().serialize("t", ScopeSamples.of(new MetricSample(1, workspace,
        AzureMetric.GPU_UTILIZATION, T, 1, 1, 1, 1, 1, null, new SourceRef("raw/0", 1, 0))));
    // format, version, the scope (present, workspace, four nulls), one sample: up to its flags byte
    byte[] header = new CompactOutput(64).writeByte(TelemetryCodecs.SCOPE_SAMPLES_FORMAT).writeVarInt(1)
        .writeByte(1).writeString(WS).writeString(null).writeString(null).writeString(null).writeString(null)
        .writeVarInt(1).toByteArray();
    assertArrayEquals(header, Arrays.copyOf(ok, header.length), "the layout this test breaks");
    assertEquals(0, ok[header.length], "the flags of a sample of the value's scope with a source of its own");

    byte[] full = serde.serializer().serialize("t", body());
    List<byte[]> broken = new ArrayList<>();
    broken.add(Arrays.copyOf(full, full.length - 3));
    broken.add(Arrays.copyOf(full, full.length + 1));
    broken.add(new byte[] {TelemetryCodecs.SCOPE_SAMPLES_FORMAT});
    broken.add(new byte[] {TelemetryCodecs.SCOPE_SAMPLES_FORMAT, 1, 0, 1}); // no scope
    for (int flags : new int[] {4, 2}) { // an unknown flag; "the previous sample's source" on the first sample
      byte[] bad = ok.clone();
      bad[header.length] = (byte) flags;
      broken.add(bad);
    }
    byte[] otherScope = ok.clone(); // "its own scope follows", and what follows is not a scope
    otherScope[header.length] = 1;
    broken.add(otherScope);
    for (byte[] bytes : broken) {
      assertThrows(SerializationException.class,
          () -> serde.deserializer().deserialize("metrics-by-scope-repartition", bytes), () -> Arrays.toString(bytes));
    }
  }

  /** The workspace's own scope and two of its computes (one the edge-value body), as the parser groups them. */
  private static WorkspaceSamples workspaceBody() {
    AzureResourceId workspace = AzureResourceId.workspace(WS);
    AzureResourceId other = AzureResourceId.parse(WS + "/computes/gpu-2").orElseThrow();
    String raw = "azure.monitor-metrics.raw.v1/3";
    return new WorkspaceSamples(WorkspaceSamples.SCHEMA_VERSION, List.of(
        new ScopeSamples(ScopeSamples.SCHEMA_VERSION, other, List.of(
            new MetricSample(1, other, AzureMetric.GPU_UTILIZATION, T, 3, 3, 3, 3, 1, Map.of(), new SourceRef(raw, 17,
                8)))),
        body(),
        new ScopeSamples(ScopeSamples.SCHEMA_VERSION, workspace, List.of(
            new MetricSample(1, workspace, AzureMetric.ACTIVE_NODES, T, 1, 1, 1, 1, 1, null, new SourceRef(raw, 17,
                9)),
            new MetricSample(1, workspace, AzureMetric.IDLE_NODES, T, 0, 0, 0, 0, 1, null, new SourceRef(raw, 17,
                10))))));
  }

  @Test
  void aWorkspacesSamplesRoundTripExactlyInOrder() {
    Serde<WorkspaceSamples> serde = TelemetryCodecs.workspaceSamples();
    for (WorkspaceSamples value : List.of(workspaceBody(), WorkspaceSamples.of(twoSpellings()),
        WorkspaceSamples.of(ScopeSamples.of(sample(null, null))))) {
      byte[] bytes = serde.serializer().serialize("metrics-by-workspace-repartition", value);
      assertEquals(TelemetryCodecs.WORKSPACE_SAMPLES_FORMAT, bytes[0]);
      WorkspaceSamples back = serde.deserializer().deserialize("metrics-by-workspace-repartition", bytes);
      assertEquals(value, back);
      for (int i = 0; i < value.scopes().size(); i++) {
        List<MetricSample> samples = value.scopes().get(i).samples();
        for (int j = 0; j < samples.size(); j++) {
          MetricSample read = back.scopes().get(i).samples().get(j);
          assertEquals(samples.get(j).scope(), read.scope(), "scope " + i + " sample " + j + "'s own id");
          assertEquals(samples.get(j).source(), read.source(), "scope " + i + " sample " + j + "'s source");
        }
      }
    }
  }

  @Test
  void valuesWrittenByEarlierVersionsReadAsAValueOfOneScope() {
    // Given a scope's samples in format 2 and a single sample in format 1 and in JSON, as left in flight
    ScopeSamples scope = body();
    MetricSample s = sample(Map.of("instanceid", "i-1"), new SourceRef("raw/0", 5, 2));
    byte[] format2 = TelemetryCodecs.scopeSamples().serializer().serialize("t", scope);
    byte[] format1 = TelemetryCodecs.samples().serializer().serialize("t", s);
    byte[] json = JsonSerde.of(MetricSample.class).serializer().serialize("t", s);
    assertEquals(TelemetryCodecs.SCOPE_SAMPLES_FORMAT, format2[0]);

    // When read as the current format, then each is a value of one scope
    Serde<WorkspaceSamples> serde = TelemetryCodecs.workspaceSamples();
    assertEquals(WorkspaceSamples.of(scope), serde.deserializer().deserialize("metrics-by-scope-repartition",
        format2));
    for (byte[] older : List.of(format1, json)) {
      assertEquals(WorkspaceSamples.of(ScopeSamples.of(s)), serde.deserializer()
          .deserialize("metrics-by-scope-repartition", older));
    }
    assertNull(serde.deserializer().deserialize("metrics-by-workspace-repartition", null));
  }

  @Test
  void aWorkspacesSamplesTakeLessRoomTogetherThanByScope() {
    List<ScopeSamples> scopes = new ArrayList<>();
    for (int c = 0; c < 10; c++) {
      AzureResourceId id = AzureResourceId.parse(WS + "/computes/gpu-" + c).orElseThrow();
      List<MetricSample> samples = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        samples.add(new MetricSample(1, id, AzureMetric.GPU_UTILIZATION, T, i, i, i, i, 1, Map.of("clustername",
            "gpu-" + c), new SourceRef("azure.monitor-metrics.raw.v1/0", 99, c * 5 + i)));
      }
      scopes.add(new ScopeSamples(ScopeSamples.SCHEMA_VERSION, id, samples));
    }
    int together = TelemetryCodecs.workspaceSamples().serializer()
        .serialize("t", WorkspaceSamples.byWorkspace(scopes).get(0)).length;
    int byScope = scopes.stream()
        .mapToInt(s -> TelemetryCodecs.scopeSamples().serializer().serialize("t", s).length).sum();
    assertTrue(together < byScope, together + " bytes together, " + byScope + " by scope");
  }

  @Test
  void unreadableWorkspaceSamplesFailOnTheTopic() {
    Serde<WorkspaceSamples> serde = TelemetryCodecs.workspaceSamples();
    byte[] full = serde.serializer().serialize("t", workspaceBody());
    // format, version, scope count: then the scopes as in format 2
    byte[] header = new CompactOutput(8).writeByte(TelemetryCodecs.WORKSPACE_SAMPLES_FORMAT).writeVarInt(1)
        .writeVarInt(3).toByteArray();
    assertArrayEquals(header, Arrays.copyOf(full, header.length), "the layout this test breaks");
    CompactOutput twoWorkspaces = new CompactOutput(512).writeByte(TelemetryCodecs.WORKSPACE_SAMPLES_FORMAT)
        .writeVarInt(1).writeVarInt(2);
    TelemetryCodecs.writeScopeSamples(body(), twoWorkspaces);
    AzureResourceId elsewhere = AzureResourceId.parse(WS + "-b/computes/gpu-1").orElseThrow();
    TelemetryCodecs.writeScopeSamples(ScopeSamples.of(new MetricSample(1, elsewhere, AzureMetric.GPU_UTILIZATION, T,
        1, 1, 1, 1, 1, null, null)), twoWorkspaces);

    List<byte[]> broken = new ArrayList<>();
    broken.add(Arrays.copyOf(full, full.length - 3));
    broken.add(Arrays.copyOf(full, full.length + 1));
    broken.add(new byte[] {TelemetryCodecs.WORKSPACE_SAMPLES_FORMAT});
    broken.add(new byte[] {TelemetryCodecs.WORKSPACE_SAMPLES_FORMAT, 1, 0}); // no scope
    broken.add(new byte[] {TelemetryCodecs.WORKSPACE_SAMPLES_FORMAT, 1, 1, 1}); // a scope cut after its version
    byte[] moreScopes = full.clone(); // four scopes announced, three there
    moreScopes[header.length - 1] = 4;
    broken.add(moreScopes);
    broken.add(twoWorkspaces.toByteArray());
    for (byte[] bytes : broken) {
      assertThrows(SerializationException.class,
          () -> serde.deserializer().deserialize("metrics-by-workspace-repartition", bytes),
          () -> Arrays.toString(bytes));
    }
    assertEquals(workspaceBody(), serde.deserializer().deserialize("t", full), "the unbroken value reads");
  }

  @Test
  void keysAreZeroPaddedAsTheFormatterWroteThem() {
    for (long v : new long[] {0, 7, 1_764_547_200_000L, -5, Long.MAX_VALUE, Long.MIN_VALUE, -1_000_000_000_000L}) {
      assertEquals(String.format("%019d", v), UsageWindowProcessor.padded(v), () -> "value " + v);
    }
  }
}
