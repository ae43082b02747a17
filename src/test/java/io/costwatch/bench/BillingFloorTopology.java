package io.costwatch.bench;

import com.fasterxml.jackson.databind.ObjectReader;
import io.costwatch.core.CostRecord;
import io.costwatch.core.Json;
import io.costwatch.core.ParseResult;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingRowParser;
import io.costwatch.topology.Topics;
import io.costwatch.usage.DailySpend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The least a billing topology has to do, measured in the same run as the real one ({@link BillingReplayBench}): the
 * raw billing topic read by Streams, each row's JSON decoded and parsed as the real parse step parses it, one record
 * per row through a repartition topic keyed by workspace and day (rows must meet their day's total somewhere), and
 * there one read and one write of a 16-byte running total per row in a cached, changelogged RocksDB store. Nothing
 * more: no line-item memory (so not idempotent), no export runs, no detection. Not a design for production.
 */
final class BillingFloorTopology {

  static final String STORE = "floor-day-totals";
  private static final ObjectReader ROWS = Json.MAPPER.readerFor(RawBillingRow.class);

  private BillingFloorTopology() {
  }

  /** @param stored counts every row that reached its day's total */
  static Topology build(LongAdder stored) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
        Serdes.ByteArray()).withCachingEnabled());
    builder.stream(Topics.BILLING_RAW.name(), Consumed.with(Serdes.String(), Serdes.String()))
        .process(Parse::new, Named.as("floor-billing-parse"))
        .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("floor-by-day"))
        .process(() -> new Total(stored), Named.as("floor-day-total"), STORE);
    return builder.build();
  }

  /** Decodes and parses a row; forwards its cost (8 bytes) keyed by its workspace-day, skips run ends. */
  private static final class Parse implements Processor<String, String, String, byte[]> {
    private final BillingRowParser parser = new BillingRowParser();
    private ProcessorContext<String, byte[]> context;

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, String> record) {
      if (record.value() == null) {
        return; // an end-of-input marker: none are sent before the floor runs
      }
      RawBillingRow row;
      try {
        row = ROWS.readValue(record.value());
      } catch (IOException e) {
        throw new UncheckedIOException("the generated rows should all decode", e);
      }
      if (row.runEnd() != null) {
        return;
      }
      if (parser.parse(row) instanceof ParseResult.Parsed<CostRecord> parsed) {
        byte[] cost = ByteBuffer.allocate(Double.BYTES).putDouble(parsed.value().cost().doubleValue()).array();
        context.forward(new Record<>(DailySpend.key(parsed.value()), cost, record.timestamp()));
      } else {
        throw new IllegalStateException("the generated rows should all parse: " + row);
      }
    }
  }

  /** Adds a row's cost to its day's running total: one store read and one write per row. */
  private static final class Total implements Processor<String, byte[], Void, Void> {
    private final LongAdder stored;
    private KeyValueStore<String, byte[]> totals;

    Total(LongAdder stored) {
      this.stored = stored;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      totals = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      byte[] old = totals.get(record.key());
      ByteBuffer total = ByteBuffer.allocate(16);
      long rows = old == null ? 0 : ByteBuffer.wrap(old).getLong(0);
      double sum = old == null ? 0 : ByteBuffer.wrap(old).getDouble(8);
      total.putLong(rows + 1).putDouble(sum + ByteBuffer.wrap(record.value()).getDouble());
      totals.put(record.key(), total.array());
      stored.increment();
    }
  }
}
