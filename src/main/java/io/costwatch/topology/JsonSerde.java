package io.costwatch.topology;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.costwatch.core.Json;
import io.costwatch.core.Versioned;
import java.io.IOException;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jackson serde for record values; unknown fields are ignored on read so consumers survive additive changes.
 *
 * <p>{@link #of} fails on unreadable bytes: on a topic that is the deserialization handler's business (a dead
 * letter). {@link #stored} is for state stores: an unreadable stored value (a corrupted changelog restored into the
 * store, an incompatible old format) reads as absent, so that key starts again from its initial state instead of
 * failing every record of the key, and is counted and logged with the store's name.
 */
public final class JsonSerde {

  private static final Logger LOG = LoggerFactory.getLogger(JsonSerde.class);

  private JsonSerde() {
  }

  /**
   * A serde for a versioned store value: every value read goes through {@code upgrade}, the value's step from an older
   * schema to the current one, so the code behind the store only ever sees the current shape.
   */
  public static <T> Serde<T> upgrading(Class<T> type, java.util.function.UnaryOperator<T> upgrade) {
    return upgrading(of(type), upgrade);
  }

  /** {@code plain} with every value it reads upgraded, e.g. a {@link #stored} serde of a versioned value. */
  public static <T> Serde<T> upgrading(Serde<T> plain, java.util.function.UnaryOperator<T> upgrade) {
    return Serdes.serdeFrom(plain.serializer(), (topic, bytes) -> {
      T value = plain.deserializer().deserialize(topic, bytes);
      return value == null ? null : upgrade.apply(value);
    });
  }

  /** {@link #stored(Class, String, Consumer)} counting each reset value as {@code unreadable-state} of its store. */
  public static <T> Serde<T> stored(Class<T> type, String store, PipelineMetrics metrics) {
    return stored(type, store, s -> metrics.recordRejected(s, "unreadable-state"));
  }

  /**
   * A serde for the values of state store {@code store}: an unreadable stored value is read as null (the key's state
   * is reset), logged and reported to {@code unreadable} with the store's name. A {@link Versioned} value is upgraded
   * to its current version on read; a value whose upgrade fails counts as unreadable too.
   */
  public static <T> Serde<T> stored(Class<T> type, String store, Consumer<String> unreadable) {
    Serde<T> strict = Versioned.class.isAssignableFrom(type) ? upgrading(of(type), JsonSerde::upgrade) : of(type);
    Deserializer<T> lenient = (topic, bytes) -> {
      try {
        return strict.deserializer().deserialize(topic, bytes);
      } catch (RuntimeException e) { // SerializationException, or an upgrade step that cannot build the value
        LOG.warn("state store {} ({}): an unreadable {} value of {} bytes is reset to the key's initial state: {}",
            store, topic, type.getSimpleName(), bytes.length, HandlerDeadLetters.message(e));
        unreadable.accept(store);
        return null;
      }
    };
    return Serdes.serdeFrom(strict.serializer(), lenient);
  }

  @SuppressWarnings("unchecked")
  private static <T> T upgrade(T value) {
    return (T) ((Versioned<?>) value).upgraded();
  }

  public static <T> Serde<T> of(Class<T> type) {
    ObjectWriter writer = Json.MAPPER.writerFor(type);
    ObjectReader reader = Json.MAPPER.readerFor(type);
    Serializer<T> serializer = (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        return writer.writeValueAsBytes(value);
      } catch (IOException e) {
        throw new SerializationException("cannot write " + type.getSimpleName() + " for " + topic, e);
      }
    };
    Deserializer<T> deserializer = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return reader.readValue(bytes);
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("cannot read " + type.getSimpleName() + " from " + topic, e);
      }
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
