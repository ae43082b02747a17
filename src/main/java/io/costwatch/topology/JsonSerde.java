package io.costwatch.topology;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.costwatch.core.Json;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Jackson serde for record values; unknown fields are ignored on read so consumers survive additive changes. */
public final class JsonSerde {

  private JsonSerde() {
  }

  /**
   * A serde for a versioned store value: every value read goes through {@code upgrade}, the value's step from an older
   * schema to the current one, so the code behind the store only ever sees the current shape.
   */
  public static <T> Serde<T> upgrading(Class<T> type, java.util.function.UnaryOperator<T> upgrade) {
    Serde<T> plain = of(type);
    return Serdes.serdeFrom(plain.serializer(), (topic, bytes) -> {
      T value = plain.deserializer().deserialize(topic, bytes);
      return value == null ? null : upgrade.apply(value);
    });
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
      } catch (IOException e) {
        throw new SerializationException("cannot read " + type.getSimpleName() + " from " + topic, e);
      }
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
