package io.costwatch.topology;

import io.costwatch.core.Versioned;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compact binary serde for the hot values of the telemetry path (one per metric record: the repartitioned samples
 * and the per-scope window state), where Jackson cost more than the rest of the record's work. Every value starts
 * with a format byte ({@link #FORMAT_1}); a value that does not is read as JSON, the format written before, so a
 * repartition topic or a store changelog written by an older version still reads after an upgrade. The JSON path
 * stays {@link JsonSerde}'s: unknown fields ignored, {@link Versioned} values upgraded.
 *
 * <p>{@link #of} fails on unreadable bytes (a dead letter on a topic); {@link #stored} reads an unreadable stored
 * value as absent, logged and counted as {@code unreadable-state} of its store, as {@link JsonSerde#stored} does.
 */
final class CompactSerde {

  /** The first byte of a value in compact format 1; JSON values start with '{' (or white space). */
  static final byte FORMAT_1 = 0x01;

  private static final Logger LOG = LoggerFactory.getLogger(CompactSerde.class);

  private CompactSerde() {
  }

  /** Writes a value's fields after the format byte. */
  interface Encoder<T> {
    void write(T value, CompactOutput out);
  }

  static <T> Serde<T> of(Class<T> type, int sizeHint, Encoder<T> encoder, Function<CompactInput, T> decoder) {
    Deserializer<T> json = JsonSerde.of(type).deserializer();
    Deserializer<T> strict = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      if (bytes.length == 0 || bytes[0] != FORMAT_1) {
        return json.deserialize(topic, bytes);
      }
      try {
        CompactInput in = new CompactInput(bytes, 1);
        T value = decoder.apply(in);
        in.end();
        return Versioned.class.isInstance(value) ? upgrade(value) : value;
      } catch (RuntimeException e) {
        throw new SerializationException("cannot read compact " + type.getSimpleName() + " from " + topic, e);
      }
    };
    return Serdes.serdeFrom(serializer(FORMAT_1, sizeHint, encoder), strict);
  }

  /**
   * A serde of values in their own compact format, told apart by their first byte {@code format}: a value with any
   * other first byte is read by {@code older}, the deserializer of the values the topic held before (records in
   * flight across an upgrade). Unreadable compact bytes fail, as with {@link #of}.
   */
  static <T> Serde<T> of(Class<T> type, byte format, int sizeHint, Encoder<T> encoder,
      Function<CompactInput, T> decoder, Deserializer<T> older) {
    Deserializer<T> strict = (topic, bytes) -> {
      if (bytes == null || bytes.length == 0 || bytes[0] != format) {
        return older.deserialize(topic, bytes);
      }
      try {
        CompactInput in = new CompactInput(bytes, 1);
        T value = decoder.apply(in);
        in.end();
        return value;
      } catch (RuntimeException e) {
        throw new SerializationException("cannot read compact " + type.getSimpleName() + " from " + topic, e);
      }
    };
    return Serdes.serdeFrom(serializer(format, sizeHint, encoder), strict);
  }

  /**
   * {@link #of} for the values of state store {@code store}: an unreadable value reads as null (the key starts again)
   * and {@code unreadable} is told the store's name.
   */
  static <T> Serde<T> stored(Class<T> type, String store, Consumer<String> unreadable, int sizeHint,
      Encoder<T> encoder, Function<CompactInput, T> decoder) {
    Deserializer<T> json = JsonSerde.stored(type, store, unreadable).deserializer();
    Deserializer<T> compact = of(type, sizeHint, encoder, decoder).deserializer();
    Deserializer<T> lenient = (topic, bytes) -> {
      if (bytes == null || bytes.length == 0 || bytes[0] != FORMAT_1) {
        return json.deserialize(topic, bytes);
      }
      try {
        return compact.deserialize(topic, bytes);
      } catch (RuntimeException e) {
        LOG.warn("state store {} ({}): an unreadable {} value of {} bytes is reset to the key's initial state: {}",
            store, topic, type.getSimpleName(), bytes.length, HandlerDeadLetters.message(e));
        unreadable.accept(store);
        return null;
      }
    };
    return Serdes.serdeFrom(serializer(FORMAT_1, sizeHint, encoder), lenient);
  }

  private static <T> Serializer<T> serializer(byte format, int sizeHint, Encoder<T> encoder) {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      CompactOutput out = new CompactOutput(sizeHint);
      out.writeByte(format);
      encoder.write(value, out);
      return out.toByteArray();
    };
  }

  @SuppressWarnings("unchecked")
  private static <T> T upgrade(T value) {
    return (T) ((Versioned<?>) value).upgraded();
  }
}
