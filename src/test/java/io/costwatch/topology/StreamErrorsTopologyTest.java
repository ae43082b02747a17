package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.alert.AlertEvent;
import io.costwatch.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors inside the topology are dead letters, and the records after them are still processed. */
class StreamErrorsTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  private static final String LINE_ITEMS_REPARTITION = "costwatch-test-billing-line-items-repartition";
  private static final String LIFECYCLE_REPARTITION = "costwatch-test-alert-lifecycle-by-fingerprint-repartition";

  @TempDir
  Path stateDir;

  private TopologyHarness harness;
  private TestInputTopic<String, String> metrics;
  private TestOutputTopic<String, AlertEvent> alerts;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  @BeforeEach
  void start() {
    harness = new TopologyHarness(Fixtures.config(), stateDir);
    metrics = harness.input(Topics.METRICS_RAW);
    alerts = harness.output(Topics.ALERTS);
    deadLetters = harness.output(Topics.DEAD_LETTERS);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void garbageOnAJsonRepartitionTopicIsADeadLetterWithItsExactBytes() {
    byte[] garbage = {'{', '"', 'x', (byte) 0xC3, (byte) 0x28, 0, 1, 2};
    TestInputTopic<String, byte[]> repartition = harness.driver.createInputTopic(LINE_ITEMS_REPARTITION,
        Serdes.String().serializer(), Serdes.ByteArray().serializer());

    repartition.pipeInput("li-1", garbage, T0);

    List<TestRecord<String, DeadLetter>> dead = deadLetters.readRecordsToList();
    assertEquals(1, dead.size(), dead::toString);
    DeadLetter letter = dead.get(0).value();
    assertEquals("deserialization", letter.stage());
    assertEquals("unreadable-record", letter.reason());
    assertEquals(LINE_ITEMS_REPARTITION, letter.sourceTopic());
    assertEquals(0, letter.sourcePartition());
    assertEquals(0L, letter.sourceOffset());
    assertEquals(T0, letter.recordTime());
    assertEquals("org.apache.kafka.common.errors.SerializationException", letter.exceptionClass());
    assertTrue(letter.detail().contains("cannot read CostRecord"), letter.detail());
    assertNull(letter.raw(), "invalid UTF-8 is not text; the bytes are in the header");
    Header raw = dead.get(0).headers().lastHeader(HandlerDeadLetters.RAW_VALUE);
    assertNotNull(raw);
    assertArrayEquals(garbage, raw.value());
    assertArrayEquals("li-1".getBytes(StandardCharsets.UTF_8),
        dead.get(0).headers().lastHeader(HandlerDeadLetters.RAW_KEY).value());
  }

  @Test
  void anExceptionInAProcessorIsADeadLetterNamingTheNodeAndLaterRecordsStillAlert() {
    TestInputTopic<String, String> lifecycle = harness.driver.createInputTopic(LIFECYCLE_REPARTITION,
        Serdes.String().serializer(), Serdes.String().serializer());
    lifecycle.pipeInput("GPU_IDLE|x|USD", "{\"schemaVersion\":1}", T0);

    List<DeadLetter> dead = new ArrayList<>(deadLetters.readValuesToList());
    assertEquals(1, dead.size(), dead::toString);
    assertEquals("processing", dead.get(0).stage());
    assertEquals("processing-error", dead.get(0).reason());
    assertEquals("alert-lifecycle", dead.get(0).node());
    assertEquals(LIFECYCLE_REPARTITION, dead.get(0).sourceTopic());
    assertNotNull(dead.get(0).exceptionClass());
    assertEquals("{\"schemaVersion\":1}", dead.get(0).raw());

    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0, 15, 0.5, 2, 0)), T0);
    metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0.plusSeconds(20 * 60), 1, 0.5, 2, 0)),
        T0.plusSeconds(20 * 60));
    assertEquals(List.of("GPU_IDLE"), alerts.readValuesToList().stream().map(AlertEvent::type).toList());
  }

  @Test
  void aMetricBefore1970IsAParseRejectionNotACrash() {
    for (String time : List.of("1969-12-31T23:59:00Z", "0001-01-01T00:00:00Z")) {
      String body = Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0, 1, 0.5, 2, 0)).replace(T0.toString(), time);
      metrics.pipeInput("k", body, T0);
    }

    List<DeadLetter> dead = deadLetters.readValuesToList();
    assertTrue(dead.size() >= 2, dead::toString);
    assertTrue(dead.stream().allMatch(d -> d.stage().equals("metrics-parse") && d.reason().equals("bad-time")
        && "time".equals(d.field())), dead::toString);
  }
}
