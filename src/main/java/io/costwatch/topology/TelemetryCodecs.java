package io.costwatch.topology;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ScopeSamples;
import io.costwatch.core.SourceRef;
import io.costwatch.core.WorkspaceSamples;
import io.costwatch.usage.InstanceMinutes;
import io.costwatch.usage.MetricStats;
import io.costwatch.usage.ScopeProgress;
import io.costwatch.usage.UsageWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;

/**
 * The compact formats ({@link CompactSerde}) of the values a metric record passes through: a workspace's samples of
 * one event body on the {@code metrics-by-workspace} repartition topic (format 3; a scope's samples, format 2, and
 * one sample, format 1, as written before) and the per-scope window state (format 1).
 * Fields in declaration order; nullable values behind a presence byte (strings: length plus one); enums by name, so
 * reordering an enum changes nothing; instants as seconds and nanoseconds, exact. Each value keeps its {@code
 * schemaVersion}, so a later shape can be told apart and upgraded as the JSON values are.
 */
final class TelemetryCodecs {

  /** The first byte of a {@link ScopeSamples} value; format 1 (and JSON) hold one sample, as written before. */
  static final byte SCOPE_SAMPLES_FORMAT = 0x02;
  /** The first byte of a {@link WorkspaceSamples} value; format 2 holds one scope's samples, as written before. */
  static final byte WORKSPACE_SAMPLES_FORMAT = 0x03;
  /** Flag of a sample in a {@link ScopeSamples} value: its own scope follows. */
  private static final int OTHER_SCOPE = 1;
  /** Flag of a sample in a {@link ScopeSamples} value: the previous sample's origin and position; its item follows. */
  private static final int SAME_SOURCE = 2;

  private TelemetryCodecs() {
  }

  /** One repartitioned sample as written before {@link #scopeSamples()}: compact, JSON still read. */
  static Serde<MetricSample> samples() {
    return CompactSerde.of(MetricSample.class, 256, TelemetryCodecs::writeSample, TelemetryCodecs::readSample);
  }

  /** @param unreadable told the store's name for each unreadable value (read as absent) */
  static Serde<UsageWindow> windows(String store, Consumer<String> unreadable) {
    return CompactSerde.stored(UsageWindow.class, store, unreadable, 512, TelemetryCodecs::writeWindow,
        TelemetryCodecs::readWindow);
  }

  static Serde<ScopeProgress> progress(String store, Consumer<String> unreadable) {
    return CompactSerde.stored(ScopeProgress.class, store, unreadable, 48, TelemetryCodecs::writeProgress,
        TelemetryCodecs::readProgress);
  }

  /**
   * The repartitioned samples: a workspace's samples of one event body as one value, in format {@link
   * #WORKSPACE_SAMPLES_FORMAT}. A scope's samples or a single sample as written before (format 2, format 1 or JSON:
   * records in flight across an upgrade) read as a value of one scope.
   */
  static Serde<WorkspaceSamples> workspaceSamples() {
    Deserializer<ScopeSamples> older = scopeSamples().deserializer();
    return CompactSerde.of(WorkspaceSamples.class, WORKSPACE_SAMPLES_FORMAT, 1024,
        TelemetryCodecs::writeWorkspaceSamples, TelemetryCodecs::readWorkspaceSamples, (topic, bytes) -> {
          ScopeSamples scope = older.deserialize(topic, bytes);
          return scope == null ? null : WorkspaceSamples.of(scope);
        });
  }

  /**
   * A scope's samples of one event body as one value, in format {@link #SCOPE_SAMPLES_FORMAT}, as repartitioned
   * before {@link #workspaceSamples()}. A single sample as written before that (format 1 or JSON) reads as a value of
   * one sample.
   */
  static Serde<ScopeSamples> scopeSamples() {
    Deserializer<MetricSample> single = samples().deserializer();
    return CompactSerde.of(ScopeSamples.class, SCOPE_SAMPLES_FORMAT, 512, TelemetryCodecs::writeScopeSamples,
        TelemetryCodecs::readScopeSamples, (topic, bytes) -> {
          MetricSample sample = single.deserialize(topic, bytes);
          return sample == null ? null : ScopeSamples.of(sample);
        });
  }

  static void writeSample(MetricSample s, CompactOutput out) {
    out.writeVarInt(s.schemaVersion());
    writeScope(s.scope(), out);
    writeValues(s, out);
    writeSource(s.source(), out);
  }

  static MetricSample readSample(CompactInput in) {
    int version = in.readVarInt();
    AzureResourceId scope = readScope(in);
    return readValues(in, version, scope, TelemetryCodecs::readSource);
  }

  /**
   * The value's version and scope, then per sample: a flags byte ({@link #OTHER_SCOPE}, {@link #SAME_SOURCE}), its
   * version, its scope only when it is not the value's (an equal resource id spelt by another {@link
   * AzureResourceId}), its measures as in format 1, and its source: only the item when origin and position are the
   * previous sample's (the samples of one body share them), else in full.
   */
  static void writeScopeSamples(ScopeSamples batch, CompactOutput out) {
    out.writeVarInt(batch.schemaVersion());
    writeScope(batch.scope(), out);
    out.writeVarInt(batch.samples().size());
    SourceRef previous = null;
    for (MetricSample s : batch.samples()) {
      boolean otherScope = !batch.scope().equals(s.scope());
      SourceRef source = s.source();
      boolean sameSource = previous != null && source != null && previous.position() == source.position()
          && Objects.equals(previous.origin(), source.origin());
      out.writeByte((otherScope ? OTHER_SCOPE : 0) | (sameSource ? SAME_SOURCE : 0));
      out.writeVarInt(s.schemaVersion());
      if (otherScope) {
        writeScope(s.scope(), out);
      }
      writeValues(s, out);
      if (sameSource) {
        out.writeVarInt(source.item());
      } else {
        writeSource(source, out);
      }
      previous = source;
    }
  }

  static ScopeSamples readScopeSamples(CompactInput in) {
    int version = in.readVarInt();
    AzureResourceId scope = readScope(in);
    int count = in.readCount();
    List<MetricSample> samples = new ArrayList<>(count);
    SourceRef[] previous = new SourceRef[1];
    for (int i = 0; i < count; i++) {
      int flags = in.readByte();
      if ((flags & ~(OTHER_SCOPE | SAME_SOURCE)) != 0 || (flags & SAME_SOURCE) != 0 && previous[0] == null) {
        throw new IllegalArgumentException("bad flags " + flags + " of sample " + i);
      }
      int sampleVersion = in.readVarInt();
      AzureResourceId sampleScope = (flags & OTHER_SCOPE) != 0 ? readScope(in) : scope;
      MetricSample sample = readValues(in, sampleVersion, sampleScope, (flags & SAME_SOURCE) != 0
          ? next -> new SourceRef(previous[0].origin(), previous[0].position(), next.readVarInt())
          : TelemetryCodecs::readSource);
      previous[0] = sample.source();
      samples.add(sample);
    }
    return new ScopeSamples(version, scope, samples);
  }

  /** The value's version and scope count, then each scope's samples as in format 2 (after its format byte). */
  static void writeWorkspaceSamples(WorkspaceSamples value, CompactOutput out) {
    out.writeVarInt(value.schemaVersion());
    out.writeVarInt(value.scopes().size());
    for (ScopeSamples scope : value.scopes()) {
      writeScopeSamples(scope, out);
    }
  }

  static WorkspaceSamples readWorkspaceSamples(CompactInput in) {
    int version = in.readVarInt();
    int count = in.readCount();
    List<ScopeSamples> scopes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      scopes.add(readScopeSamples(in));
    }
    return new WorkspaceSamples(version, scopes);
  }

  /** A sample's measures: metric, time, aggregates, count and dimensions. */
  private static void writeValues(MetricSample s, CompactOutput out) {
    out.writeString(s.metric() == null ? null : s.metric().name());
    writeInstant(s.time(), out);
    out.writeDouble(s.average()).writeDouble(s.minimum()).writeDouble(s.maximum()).writeDouble(s.total());
    out.writeVarLong(s.count());
    Map<String, String> dims = s.dimensions();
    if (dims == null) {
      out.writeByte(0);
    } else {
      out.writeVarInt(dims.size() + 1);
      for (Map.Entry<String, String> e : dims.entrySet()) {
        out.writeString(e.getKey()).writeString(e.getValue());
      }
    }
  }

  private static MetricSample readValues(CompactInput in, int version, AzureResourceId scope,
      Function<CompactInput, SourceRef> source) {
    String metric = in.readString();
    Instant time = readInstant(in);
    double average = in.readDouble();
    double minimum = in.readDouble();
    double maximum = in.readDouble();
    double total = in.readDouble();
    long count = in.readVarLong();
    int dimCount = in.readCount();
    Map<String, String> dims = null;
    if (dimCount > 0) {
      dims = new LinkedHashMap<>();
      for (int i = 0; i < dimCount - 1; i++) {
        dims.put(in.readString(), in.readString());
      }
    }
    return new MetricSample(version, scope, metric == null ? null : AzureMetric.valueOf(metric), time, average,
        minimum, maximum, total, count, dims, source.apply(in));
  }

  static void writeWindow(UsageWindow w, CompactOutput out) {
    out.writeVarInt(w.schemaVersion());
    writeScope(w.scope(), out);
    writeInstant(w.windowStart(), out);
    writeInstant(w.windowEnd(), out);
    Map<AzureMetric, MetricStats> metrics = w.metrics();
    if (metrics == null) {
      out.writeByte(0);
    } else {
      out.writeVarInt(metrics.size() + 1);
      for (Map.Entry<AzureMetric, MetricStats> e : metrics.entrySet()) {
        out.writeString(e.getKey().name());
        writeStats(e.getValue(), out);
      }
    }
    out.writeVarLong(w.records());
    writeSource(w.firstSource(), out);
    writeSource(w.lastSource(), out);
    Map<String, long[]> instances = w.instances().minutesByInstance();
    out.writeVarInt(instances.size());
    for (Map.Entry<String, long[]> e : instances.entrySet()) {
      out.writeString(e.getKey());
      writeLongs(e.getValue(), out);
    }
  }

  static UsageWindow readWindow(CompactInput in) {
    int version = in.readVarInt();
    AzureResourceId scope = readScope(in);
    Instant start = readInstant(in);
    Instant end = readInstant(in);
    int metricCount = in.readCount();
    Map<AzureMetric, MetricStats> metrics = null;
    if (metricCount > 0) {
      metrics = new EnumMap<>(AzureMetric.class);
      for (int i = 0; i < metricCount - 1; i++) {
        metrics.put(AzureMetric.valueOf(in.readString()), readStats(in));
      }
      metrics = java.util.Collections.unmodifiableMap(metrics);
    }
    long records = in.readVarLong();
    SourceRef first = readSource(in);
    SourceRef last = readSource(in);
    int instanceCount = in.readCount();
    TreeMap<String, long[]> instances = new TreeMap<>();
    for (int i = 0; i < instanceCount; i++) {
      instances.put(in.readString(), readLongs(in));
    }
    return new UsageWindow(version, scope, start, end, metrics, records, first, last,
        new InstanceMinutes(instances));
  }

  static void writeProgress(ScopeProgress p, CompactOutput out) {
    out.writeVarInt(p.schemaVersion());
    writeInstant(p.watermark(), out);
    writeInstant(p.closedThrough(), out);
    writeInstant(p.lastSeen(), out);
  }

  static ScopeProgress readProgress(CompactInput in) {
    return new ScopeProgress(in.readVarInt(), readInstant(in), readInstant(in), readInstant(in));
  }

  private static void writeStats(MetricStats s, CompactOutput out) {
    out.writeVarLong(s.count()).writeDouble(s.sum()).writeDouble(s.min()).writeDouble(s.max());
    writeLongs(s.histogram(), out);
  }

  private static MetricStats readStats(CompactInput in) {
    return new MetricStats(in.readVarLong(), in.readDouble(), in.readDouble(), in.readDouble(), readLongs(in));
  }

  /** A nullable long[]: its length plus one (0 for null), then each value as a varint. */
  private static void writeLongs(long[] values, CompactOutput out) {
    if (values == null) {
      out.writeByte(0);
      return;
    }
    out.writeVarInt(values.length + 1);
    for (long v : values) {
      out.writeVarLong(v);
    }
  }

  private static long[] readLongs(CompactInput in) {
    int n = in.readCount();
    if (n == 0) {
      return null;
    }
    long[] values = new long[n - 1];
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readVarLong();
    }
    return values;
  }

  /** A resource id, or null; the billing codecs write theirs the same way ({@link BillingCodecs}). */
  static void writeScope(AzureResourceId id, CompactOutput out) {
    if (id == null) {
      out.writeByte(0);
      return;
    }
    out.writeByte(1);
    out.writeString(id.workspaceId()).writeString(id.compute()).writeString(id.endpoint())
        .writeString(id.deployment()).writeString(id.resource());
  }

  static AzureResourceId readScope(CompactInput in) {
    return switch (in.readByte()) {
      case 0 -> null;
      case 1 -> new AzureResourceId(in.readString(), in.readString(), in.readString(), in.readString(),
          in.readString());
      default -> throw new IllegalArgumentException("bad presence byte of a resource id");
    };
  }

  private static void writeSource(SourceRef ref, CompactOutput out) {
    if (ref == null) {
      out.writeByte(0);
      return;
    }
    out.writeByte(1);
    out.writeString(ref.origin()).writeLong(ref.position()).writeVarInt(ref.item());
  }

  private static SourceRef readSource(CompactInput in) {
    return switch (in.readByte()) {
      case 0 -> null;
      case 1 -> new SourceRef(in.readString(), in.readLong(), in.readVarInt());
      default -> throw new IllegalArgumentException("bad presence byte of a source reference");
    };
  }

  private static void writeInstant(Instant t, CompactOutput out) {
    if (t == null) {
      out.writeByte(0);
      return;
    }
    out.writeByte(1);
    out.writeLong(t.getEpochSecond()).writeVarInt(t.getNano());
  }

  private static Instant readInstant(CompactInput in) {
    return switch (in.readByte()) {
      case 0 -> null;
      case 1 -> Instant.ofEpochSecond(in.readLong(), in.readVarInt());
      default -> throw new IllegalArgumentException("bad presence byte of an instant");
    };
  }
}
