package io.costwatch.bench;

import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.SourceRef;
import io.costwatch.ingest.monitor.MetricPayloadParser;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The least a telemetry topology has to do, built to be measured in the same run as the real one: how much of the
 * consume+parse baseline is left once Kafka Streams, exactly-once and the broker take their share, before any
 * windowing, detection or alerting. Not a design for production; nothing here is judged.
 *
 * <ul>
 *   <li>{@link Shape#PARSE}: the raw topic read by Streams, every body parsed and its samples grouped by workspace and
 *       scope (as the real parse step groups them), nothing forwarded.</li>
 *   <li>{@link Shape#REPARTITION_AND_STORE}: as PARSE, then one record per body and workspace through a repartition
 *       topic (the samples in a plain binary form, about 50 bytes each), and on the other side one read and one
 *       write of a 16-byte running total per body and scope in a cached, changelogged RocksDB store: the smallest
 *       per-scope state a windowed aggregate needs to keep.</li>
 * </ul>
 */
final class FloorTopology {

  enum Shape {
    PARSE("parse only"),
    REPARTITION_AND_STORE("parse, repartition by workspace, one store write per body and scope");

    private final String label;

    Shape(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  static final String STORE = "floor-scope-totals";

  private FloorTopology() {
  }

  static Topology build(Shape shape, String rawTopic, FloorProgress progress) {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<byte[], byte[]> raw = builder.stream(rawTopic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()));
    KStream<String, byte[]> byWorkspace = raw.process(() -> new Parse(shape, progress), Named.as("floor-parse"));
    if (shape == Shape.REPARTITION_AND_STORE) {
      builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
          Serdes.ByteArray()).withCachingEnabled());
      byWorkspace.repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("floor-by-workspace"))
          .process(() -> new Total(progress), Named.as("floor-total"), STORE);
    }
    return builder.build();
  }

  /** Parses a body; in PARSE counts its samples, otherwise forwards them grouped by workspace. */
  private static final class Parse implements Processor<byte[], byte[], String, byte[]> {
    private final Shape shape;
    private final FloorProgress progress;
    private final MetricPayloadParser parser = new MetricPayloadParser();
    private ProcessorContext<String, byte[]> context;

    Parse(Shape shape, FloorProgress progress) {
      this.shape = shape;
      this.progress = progress;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      progress.bodyRead();
      SourceRef source = context.recordMetadata()
          .map(m -> new SourceRef(m.topic() + "/" + m.partition(), m.offset(), -1))
          .orElseThrow();
      Map<String, Map<String, List<MetricSample>>> byWorkspace = new LinkedHashMap<>();
      long samples = 0;
      for (ParseResult<MetricSample> r : parser.parse(new String(record.value(), StandardCharsets.UTF_8), source)) {
        if (r instanceof ParseResult.Parsed<MetricSample> parsed) {
          samples++;
          MetricSample s = parsed.value();
          byWorkspace.computeIfAbsent(s.scope().workspaceId().toLowerCase(java.util.Locale.ROOT),
                  w -> new LinkedHashMap<>())
              .computeIfAbsent(s.scope().resourceId(), k -> new ArrayList<>()).add(s);
        }
      }
      if (shape == Shape.PARSE) {
        progress.samplesDone(samples);
        return;
      }
      byWorkspace.forEach((workspace, scopes) ->
          context.forward(new Record<>(workspace, encode(scopes), record.timestamp())));
    }
  }

  /** Adds each scope's samples of a value to its running total: one store read and write per value and scope. */
  private static final class Total implements Processor<String, byte[], Void, Void> {
    private final FloorProgress progress;
    private KeyValueStore<String, byte[]> totals;

    Total(FloorProgress progress) {
      this.progress = progress;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.totals = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      long samples = 0;
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record.value()))) {
        int scopes = in.readInt();
        for (int i = 0; i < scopes; i++) {
          String scope = in.readUTF();
          int n = in.readInt();
          double sum = 0;
          for (int j = 0; j < n; j++) {
            in.readByte();
            in.readLong();
            sum += in.readDouble();
            in.readDouble();
            in.readDouble();
            in.readDouble();
            in.readLong();
          }
          byte[] before = totals.get(scope);
          ByteBuffer total = ByteBuffer.allocate(16);
          if (before == null) {
            total.putLong(n).putDouble(sum);
          } else {
            ByteBuffer b = ByteBuffer.wrap(before);
            total.putLong(b.getLong() + n).putDouble(b.getDouble() + sum);
          }
          totals.put(scope, total.array());
          samples += n;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      progress.samplesDone(samples);
    }
  }

  static byte[] encode(Map<String, List<MetricSample>> scopes) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 50);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(scopes.size());
      for (Map.Entry<String, List<MetricSample>> e : scopes.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().size());
        for (MetricSample s : e.getValue()) {
          out.writeByte(s.metric().ordinal());
          out.writeLong(s.time().toEpochMilli());
          out.writeDouble(s.average());
          out.writeDouble(s.minimum());
          out.writeDouble(s.maximum());
          out.writeDouble(s.total());
          out.writeLong(s.count());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
