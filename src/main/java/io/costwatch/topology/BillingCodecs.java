package io.costwatch.topology;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.ChargeKind;
import io.costwatch.core.CostBasis;
import io.costwatch.core.CostRecord;
import io.costwatch.core.SourceRef;
import io.costwatch.usage.DailySpend;
import io.costwatch.usage.SpendHistoryIndex;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;

/**
 * The compact format 1 ({@link CompactSerde}) of the values each billing row passes through: line items on the
 * {@code billing-line-items} and {@code spend-by-day} repartition topics and in the line-item table, the daily spend
 * in its aggregate's store, on the {@code spend-by-workspace} repartition topic and in the spend detector's day
 * store, and the detector's per-workspace index. Each of them was a JSON value written and read back several times
 * per row. The published {@code cost.daily-spend.v1} stays JSON: it is a public topic.
 *
 * <p>Fields in declaration order; nullable values behind a presence byte (strings: length plus one, maps: size plus
 * one), so null and empty stay apart as JSON kept them; enums by name; instants as seconds and nanoseconds and days
 * as epoch days, exact; money ({@link BigDecimal}) as its scale and unscaled value, so value and scale read back
 * exactly. Signed numbers are zig-zag varints. Maps read back as {@link LinkedHashMap}s in the order written, as
 * Jackson read them. Each value keeps its {@code schemaVersion}; older values are upgraded on read as the JSON ones
 * are, and JSON written before this format still reads ({@link CompactSerde}).
 */
final class BillingCodecs {

  private static final int NULL = 0;
  private static final int PRESENT = 1;
  /** A BigDecimal whose unscaled value fits a long: scale and unscaled value as zig-zag varints. */
  private static final int DECIMAL_LONG = 1;
  /** A BigDecimal with a larger unscaled value: scale, then the two's-complement bytes with their length. */
  private static final int DECIMAL_BIG = 2;

  /** Initial buffer sizes: a line item carries two ARM ids, meters and tags; a day its drivers' keys. */
  static final int LINE_ITEM_BYTES = 1024;
  private static final int DAY_BYTES = 2048;
  private static final int INDEX_BYTES = 256;

  private BillingCodecs() {
  }

  /** Line items on a repartition topic: compact, JSON still read (records written before an upgrade). */
  static Serde<CostRecord> lineItems() {
    return CompactSerde.of(CostRecord.class, LINE_ITEM_BYTES, BillingCodecs::writeLineItem,
        BillingCodecs::readLineItem);
  }

  /** @param unreadable told the store's name for each unreadable value (read as absent) */
  static Serde<CostRecord> lineItems(String store, Consumer<String> unreadable) {
    return CompactSerde.stored(CostRecord.class, store, unreadable, LINE_ITEM_BYTES, BillingCodecs::writeLineItem,
        BillingCodecs::readLineItem);
  }

  /** Daily spend on a repartition topic. */
  static Serde<DailySpend> dailySpend() {
    return CompactSerde.of(DailySpend.class, DAY_BYTES, BillingCodecs::writeDailySpend,
        BillingCodecs::readDailySpend);
  }

  static Serde<DailySpend> dailySpend(String store, Consumer<String> unreadable) {
    return CompactSerde.stored(DailySpend.class, store, unreadable, DAY_BYTES, BillingCodecs::writeDailySpend,
        BillingCodecs::readDailySpend);
  }

  static Serde<SpendHistoryIndex> index(String store, Consumer<String> unreadable) {
    return CompactSerde.stored(SpendHistoryIndex.class, store, unreadable, INDEX_BYTES, BillingCodecs::writeIndex,
        BillingCodecs::readIndex);
  }

  static void writeLineItem(CostRecord r, CompactOutput out) {
    out.writeVarInt(r.schemaVersion());
    out.writeString(r.lineItemId()).writeString(r.exportScope()).writeString(r.schema());
    out.writeString(r.basis() == null ? null : r.basis().name());
    out.writeString(r.chargeKind() == null ? null : r.chargeKind().name());
    writeInstant(r.periodStart(), out);
    writeInstant(r.periodEnd(), out);
    out.writeString(r.resourceId());
    TelemetryCodecs.writeScope(r.workspace(), out);
    out.writeString(r.serviceName()).writeString(r.meterCategory()).writeString(r.meterSubCategory())
        .writeString(r.meterName());
    writeDecimal(r.quantity(), out);
    out.writeString(r.unit());
    writeDecimal(r.cost(), out);
    out.writeString(r.currency()).writeString(r.vmSize());
    writeMap(r.tags(), out, CompactOutput::writeString, CompactOutput::writeString);
    writeSource(r.source(), out);
  }

  static CostRecord readLineItem(CompactInput in) {
    int version = in.readVarInt();
    String lineItemId = in.readString();
    String exportScope = in.readString();
    String schema = in.readString();
    String basis = in.readString();
    String chargeKind = in.readString();
    Instant periodStart = readInstant(in);
    Instant periodEnd = readInstant(in);
    String resourceId = in.readString();
    AzureResourceId workspace = TelemetryCodecs.readScope(in);
    String serviceName = in.readString();
    String meterCategory = in.readString();
    String meterSubCategory = in.readString();
    String meterName = in.readString();
    BigDecimal quantity = readDecimal(in);
    String unit = in.readString();
    BigDecimal cost = readDecimal(in);
    String currency = in.readString();
    String vmSize = in.readString();
    Map<String, String> tags = readMap(in, CompactInput::readString, CompactInput::readString);
    return new CostRecord(version, lineItemId, exportScope, schema, basis == null ? null : CostBasis.valueOf(basis),
        chargeKind == null ? null : ChargeKind.valueOf(chargeKind), periodStart, periodEnd, resourceId, workspace,
        serviceName, meterCategory, meterSubCategory, meterName, quantity, unit, cost, currency, vmSize, tags,
        readSource(in));
  }

  static void writeDailySpend(DailySpend s, CompactOutput out) {
    out.writeVarInt(s.schemaVersion());
    TelemetryCodecs.writeScope(s.workspace(), out);
    out.writeString(s.currency());
    writeDay(s.day(), out);
    writeDecimal(s.amount(), out);
    writeSigned(s.lineItems(), out);
    writeSource(s.lastSource(), out);
    writeMap(s.drivers(), out, CompactOutput::writeString, (o, v) -> writeDecimal(v, o));
    writeMap(s.storage(), out, CompactOutput::writeString, (o, v) -> writeDecimal(v, o));
    writeMap(s.hours(), out, (o, hour) -> writeSigned(hour, o), (o, v) -> writeDecimal(v, o));
  }

  static DailySpend readDailySpend(CompactInput in) {
    int version = in.readVarInt();
    AzureResourceId workspace = TelemetryCodecs.readScope(in);
    String currency = in.readString();
    LocalDate day = readDay(in);
    BigDecimal amount = readDecimal(in);
    long lineItems = readSigned(in);
    SourceRef lastSource = readSource(in);
    Map<String, BigDecimal> drivers = readMap(in, CompactInput::readString, BillingCodecs::readDecimal);
    Map<String, BigDecimal> storage = readMap(in, CompactInput::readString, BillingCodecs::readDecimal);
    Map<Integer, BigDecimal> hours = readMap(in, i -> Math.toIntExact(readSigned(i)), BillingCodecs::readDecimal);
    return new DailySpend(version, workspace, currency, day, amount, lineItems, lastSource, drivers, storage, hours);
  }

  static void writeIndex(SpendHistoryIndex x, CompactOutput out) {
    out.writeVarInt(x.schemaVersion());
    TelemetryCodecs.writeScope(x.workspace(), out);
    out.writeString(x.currency());
    writeDay(x.firstDay(), out);
    writeDay(x.newestDay(), out);
    writeDay(x.lastEvaluated(), out);
    writeSource(x.lastSource(), out);
    writeDay(x.due(), out);
  }

  static SpendHistoryIndex readIndex(CompactInput in) {
    return new SpendHistoryIndex(in.readVarInt(), TelemetryCodecs.readScope(in), in.readString(), readDay(in), readDay(in),
        readDay(in), readSource(in), readDay(in));
  }

  /** A nullable amount with its exact scale. */
  static void writeDecimal(BigDecimal value, CompactOutput out) {
    if (value == null) {
      out.writeByte(NULL);
      return;
    }
    BigInteger unscaled = value.unscaledValue();
    if (unscaled.bitLength() < 64) {
      out.writeByte(DECIMAL_LONG);
      writeSigned(value.scale(), out);
      writeSigned(unscaled.longValue(), out);
      return;
    }
    out.writeByte(DECIMAL_BIG);
    writeSigned(value.scale(), out);
    byte[] bytes = unscaled.toByteArray();
    out.writeVarInt(bytes.length);
    for (byte b : bytes) {
      out.writeByte(b);
    }
  }

  static BigDecimal readDecimal(CompactInput in) {
    return switch (in.readByte()) {
      case NULL -> null;
      case DECIMAL_LONG -> {
        int scale = Math.toIntExact(readSigned(in));
        yield BigDecimal.valueOf(readSigned(in), scale);
      }
      case DECIMAL_BIG -> {
        int scale = Math.toIntExact(readSigned(in));
        int n = in.readCount();
        if (n == 0) {
          throw new IllegalArgumentException("an unscaled value of no bytes");
        }
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
          bytes[i] = (byte) in.readByte();
        }
        yield new BigDecimal(new BigInteger(bytes), scale);
      }
      default -> throw new IllegalArgumentException("bad tag of an amount");
    };
  }

  /** Writes one side of a map entry. */
  private interface Writer<T> {
    void write(CompactOutput out, T value);
  }

  private static <K, V> void writeMap(Map<K, V> map, CompactOutput out, Writer<K> keys, Writer<V> values) {
    if (map == null) {
      out.writeByte(NULL);
      return;
    }
    out.writeVarInt(map.size() + 1);
    for (Map.Entry<K, V> e : map.entrySet()) {
      keys.write(out, e.getKey());
      values.write(out, e.getValue());
    }
  }

  private static <K, V> Map<K, V> readMap(CompactInput in, Function<CompactInput, K> keys,
      Function<CompactInput, V> values) {
    int n = in.readCount();
    if (n == 0) {
      return null;
    }
    Map<K, V> map = new LinkedHashMap<>();
    for (int i = 0; i < n - 1; i++) {
      map.put(keys.apply(in), values.apply(in));
    }
    return map;
  }

  /** Zig-zag: small negative numbers (a refund's count, a negative scale, a -1 item) stay one or two bytes. */
  private static void writeSigned(long v, CompactOutput out) {
    out.writeVarLong((v << 1) ^ (v >> 63));
  }

  private static long readSigned(CompactInput in) {
    long v = in.readVarLong();
    return (v >>> 1) ^ -(v & 1);
  }

  private static void writeSource(SourceRef ref, CompactOutput out) {
    if (ref == null) {
      out.writeByte(NULL);
      return;
    }
    out.writeByte(PRESENT);
    out.writeString(ref.origin());
    writeSigned(ref.position(), out);
    writeSigned(ref.item(), out);
  }

  private static SourceRef readSource(CompactInput in) {
    return switch (in.readByte()) {
      case NULL -> null;
      case PRESENT -> new SourceRef(in.readString(), readSigned(in), Math.toIntExact(readSigned(in)));
      default -> throw new IllegalArgumentException("bad presence byte of a source reference");
    };
  }

  private static void writeInstant(Instant t, CompactOutput out) {
    if (t == null) {
      out.writeByte(NULL);
      return;
    }
    out.writeByte(PRESENT);
    writeSigned(t.getEpochSecond(), out);
    out.writeVarInt(t.getNano());
  }

  private static Instant readInstant(CompactInput in) {
    return switch (in.readByte()) {
      case NULL -> null;
      case PRESENT -> Instant.ofEpochSecond(readSigned(in), in.readVarInt());
      default -> throw new IllegalArgumentException("bad presence byte of an instant");
    };
  }

  private static void writeDay(LocalDate day, CompactOutput out) {
    if (day == null) {
      out.writeByte(NULL);
      return;
    }
    out.writeByte(PRESENT);
    writeSigned(day.toEpochDay(), out);
  }

  private static LocalDate readDay(CompactInput in) {
    return switch (in.readByte()) {
      case NULL -> null;
      case PRESENT -> LocalDate.ofEpochDay(readSigned(in));
      default -> throw new IllegalArgumentException("bad presence byte of a day");
    };
  }
}
