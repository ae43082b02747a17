package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.costwatch.usage.DailySpend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class JsonSerdeStoredTest {

  @Test
  void anUnreadableStoredValueReadsAsAbsentAndIsReportedWithTheStoreName() {
    List<String> unreadable = new ArrayList<>();
    Serde<DailySpend> serde = JsonSerde.stored(DailySpend.class, "daily-spend-store", unreadable::add);
    byte[] garbage = "{\"workspace\": [1, 2".getBytes(StandardCharsets.UTF_8);

    assertNull(serde.deserializer().deserialize("costwatch-daily-spend-store-changelog", garbage));
    assertEquals(List.of("daily-spend-store"), unreadable);
  }

  @Test
  void onATopicTheSameBytesFailSoTheDeserializationHandlerDeadLettersThem() {
    byte[] garbage = {(byte) 0xff, 0, 1};
    assertThrows(SerializationException.class,
        () -> JsonSerde.of(DailySpend.class).deserializer().deserialize("spend-by-workspace-repartition", garbage));
  }

  @Test
  void readableValuesRoundTripThroughTheStoredSerde() {
    Serde<DailySpend> serde = JsonSerde.stored(DailySpend.class, "daily-spend-store", s -> { });
    DailySpend empty = DailySpend.empty();
    assertEquals(empty, serde.deserializer().deserialize("t", serde.serializer().serialize("t", empty)));
  }
}
