package io.costwatch.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.costwatch.core.AzureResourceId;
import io.costwatch.core.ChargeKind;
import io.costwatch.core.CostBasis;
import io.costwatch.core.CostRecord;
import io.costwatch.core.Json;
import io.costwatch.core.SourceRef;
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The line-item filter passes a line item on only when its content changed, whatever its source; its stored hashes
 * are of the compact encoding now, and a hash of the JSON an earlier version stored still recognises the unchanged
 * item (a restated month after an upgrade does not churn the daily totals) and is rewritten in the new form.
 */
class LineItemChangeFilterTest {

  private static final String WS = "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/"
      + "workspaces/ws-a";
  private static final Instant DAY = Instant.parse("2026-10-01T00:00:00Z");

  private static CostRecord item(String cost, int line) {
    return new CostRecord(CostRecord.SCHEMA_VERSION, "li-1", "ea/123/2026-10", "EA", CostBasis.ACTUAL,
        ChargeKind.USAGE, DAY, DAY.plusSeconds(86_400), WS + "/computes/gpu-1",
        AzureResourceId.parse(WS + "/computes/gpu-1").orElseThrow(), "Azure Machine Learning", "Virtual Machines",
        "NC Series", "NC24", new BigDecimal("24"), "1 Hour", new BigDecimal(cost), "USD", "Standard_NC24",
        Map.of("team", "vision"), SourceRef.line("part-" + line + ".csv", line));
  }

  /** The hash an earlier version stored: SHA-256 of the item's JSON without its source, first 16 bytes in hex. */
  private static String jsonHashOfEarlierVersions(CostRecord r) throws Exception {
    byte[] json = Json.MAPPER.writeValueAsBytes(r.withSource(null));
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json), 0, 16);
  }

  @Test
  void onlyChangedContentPassesAndAJsonHashOfAnEarlierVersionStillCounts() throws Exception {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in", Consumed.with(Serdes.String(), BillingCodecs.lineItems()))
        .processValues(LineItemChangeFilter.supplier(Duration.ZERO))
        .to("out", Produced.with(Serdes.String(), BillingCodecs.lineItems()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "line-item-changes");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
      TestInputTopic<String, CostRecord> in = driver.createInputTopic("in", Serdes.String().serializer(),
          BillingCodecs.lineItems().serializer());
      TestOutputTopic<String, CostRecord> out = driver.createOutputTopic("out", Serdes.String().deserializer(),
          BillingCodecs.lineItems().deserializer());
      KeyValueStore<String, String> seen = driver.getKeyValueStore(LineItemChangeFilter.STORE);

      // Given an item seen once, a restatement from another file passes nothing; a changed cost passes
      in.pipeInput("li-1", item("10.00", 1));
      in.pipeInput("li-1", item("10.00", 2));
      in.pipeInput("li-1", item("12.50", 3));
      assertEquals(List.of("10.00", "12.50"), costs(out));
      assertTrue(seen.get("li-1").startsWith(LineItemChangeFilter.COMPACT_HASH), seen.get("li-1"));

      // Given the hash an earlier version stored, the same content passes nothing and the hash is rewritten
      CostRecord restated = new CostRecord(1, "li-2", "ea/123/2026-10", "EA", CostBasis.ACTUAL, ChargeKind.USAGE,
          DAY, DAY.plusSeconds(86_400), WS + "/computes/gpu-1", AzureResourceId.parse(WS + "/computes/gpu-1")
          .orElseThrow(), "Azure Machine Learning", "Virtual Machines", "NC Series", "NC24", new BigDecimal("24"),
          "1 Hour", new BigDecimal("7.25"), "USD", "Standard_NC24", Map.of("team", "vision"),
          SourceRef.line("part-5.csv", 5));
      seen.put("li-2", jsonHashOfEarlierVersions(restated));
      in.pipeInput("li-2", restated);
      assertEquals(List.of(), costs(out));
      assertTrue(seen.get("li-2").startsWith(LineItemChangeFilter.COMPACT_HASH), seen.get("li-2"));
      in.pipeInput("li-2", restated.withSource(SourceRef.line("part-6.csv", 6)));
      assertEquals(List.of(), costs(out));

      // ... and an earlier version's hash of other content lets the changed item through
      seen.put("li-3", jsonHashOfEarlierVersions(item("1.00", 7)));
      in.pipeInput("li-3", item("2.00", 8));
      assertEquals(List.of("2.00"), costs(out));
    }
  }

  private static List<String> costs(TestOutputTopic<String, CostRecord> out) {
    return out.readValuesToList().stream().map(r -> r.cost().toPlainString()).toList();
  }
}
