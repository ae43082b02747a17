package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.costwatch.alert.AlertEvent;
import io.costwatch.recommend.RecommendationEvent;
import io.costwatch.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CloudEvents binary-mode headers on the alert and recommendation topics, matching the event in the value. */
class CloudEventHeadersTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  @TempDir
  Path stateDir;

  @Test
  void alertAndRecommendationRecordsCarryCloudEventsHeadersThatMatchTheirValue() {
    try (TopologyHarness harness = new TopologyHarness(Fixtures.config(), stateDir)) {
      TestInputTopic<String, String> metrics = harness.driver.createInputTopic(Topics.METRICS_RAW.name(),
          Serdes.String().serializer(), Serdes.String().serializer());
      TestOutputTopic<String, AlertEvent> alerts = harness.output(Topics.ALERTS);
      TestOutputTopic<String, RecommendationEvent> recommendations = harness.output(Topics.RECOMMENDATIONS);
      Headers upstream = new RecordHeaders().add("x-from-event-hubs", "1".getBytes(StandardCharsets.UTF_8));

      metrics.pipeInput(new TestRecord<>("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0, 15, 0.5, 2, 0)),
          upstream, T0));
      metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0.plusSeconds(20 * 60), 1, 0.5, 2, 0)),
          T0.plusSeconds(20 * 60));
      metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0.plusSeconds(3 * 3600), 30, 90, 2,
          0)), T0.plusSeconds(3 * 3600));
      metrics.pipeInput("k", Fixtures.body(Fixtures.cluster("ws-a", "gpu1", T0.plusSeconds(5 * 3600), 1, 90, 2, 0)),
          T0.plusSeconds(5 * 3600));

      List<TestRecord<String, AlertEvent>> records = alerts.readRecordsToList();
      assertEquals(List.of("OPEN", "RESOLVED"), records.stream().map(r -> r.value().status().name()).toList());
      for (TestRecord<String, AlertEvent> r : records) {
        AlertEvent a = r.value();
        String verb = a.status().name().equals("OPEN") ? "opened" : "resolved";
        assertEquals("1.0", header(r.headers(), "ce_specversion"));
        assertEquals(a.alertId() + ":" + a.status() + ":" + a.episode().lastSeen(), header(r.headers(), "ce_id"));
        assertEquals("io.costwatch.alert." + verb + ".v1", header(r.headers(), "ce_type"));
        assertEquals("/costwatch/costwatch-test", header(r.headers(), "ce_source"));
        assertEquals(a.resourceId(), header(r.headers(), "ce_subject"));
        assertEquals(a.status().name().equals("OPEN") ? a.episode().lastSeen().toString()
            : a.episode().resolvedAt().toString(), header(r.headers(), "ce_time"));
        assertEquals("urn:costwatch:schema:alert-event:v1", header(r.headers(), "ce_dataschema"));
        assertEquals("application/json", header(r.headers(), "content-type"));
        assertNull(r.headers().lastHeader("x-from-event-hubs"), "input headers must not leak into events");
        assertEquals(8, r.headers().toArray().length, () -> List.of(r.headers().toArray()).toString());
      }

      TestRecord<String, RecommendationEvent> rec = recommendations.readRecord();
      RecommendationEvent value = rec.value();
      assertEquals(records.get(0).value().alertId(), value.alertId());
      assertEquals(value.recommendationId() + ":" + value.windowEnd(), header(rec.headers(), "ce_id"));
      assertEquals("io.costwatch.recommendation.issued.v1", header(rec.headers(), "ce_type"));
      assertEquals("/costwatch/costwatch-test", header(rec.headers(), "ce_source"));
      assertEquals(value.resourceId(), header(rec.headers(), "ce_subject"));
      assertEquals(value.windowEnd().toString(), header(rec.headers(), "ce_time"));
      assertEquals("1.0", header(rec.headers(), "ce_specversion"));
      assertEquals("application/json", header(rec.headers(), "content-type"));
    }
  }

  private static String header(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
