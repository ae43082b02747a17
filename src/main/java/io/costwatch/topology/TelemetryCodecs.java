package io.costwatch.topology;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.MetricSample;
import io.costwatch.core.SourceRef;
import io.costwatch.usage.InstanceMinutes;
import io.costwatch.usage.MetricStats;
import io.costwatch.usage.ScopeProgress;
import io.costwatch.usage.UsageWindow;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serde;

/**
 * The compact format 1 ({@link CompactSerde}) of the values a metric record passes through: the samples on the
 * {@code metrics-by-scope} repartition topic and the per-scope window state. Fields in declaration order; nullable
 * values behind a presence byte (strings: length plus one); enums by name, so reordering an enum changes nothing;
 * instants as seconds and nanoseconds, exact. Each value keeps its {@code schemaVersion}, so a later shape can be
 * told apart and upgraded as the JSON values are.
 */
final class TelemetryCodecs {

  private TelemetryCodecs() {
  }

  /** The repartitioned samples: compact, JSON still read (records written before an upgrade). */
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

  static void writeSample(MetricSample s, CompactOutput out) {
    out.writeVarInt(s.schemaVersion());
    writeScope(s.scope(), out);
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
    writeSource(s.source(), out);
  }

  static MetricSample readSample(CompactInput in) {
    int version = in.readVarInt();
    AzureResourceId scope = readScope(in);
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
        minimum, maximum, total, count, dims, readSource(in));
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

  private static void writeScope(AzureResourceId id, CompactOutput out) {
    if (id == null) {
      out.writeByte(0);
      return;
    }
    out.writeByte(1);
    out.writeString(id.workspaceId()).writeString(id.compute()).writeString(id.endpoint())
        .writeString(id.deployment()).writeString(id.resource());
  }

  private static AzureResourceId readScope(CompactInput in) {
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
