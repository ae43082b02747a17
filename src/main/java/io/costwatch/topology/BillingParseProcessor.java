package io.costwatch.topology;

import com.fasterxml.jackson.databind.ObjectReader;
import io.costwatch.core.AzureResourceId;
import io.costwatch.core.ChargeKind;
import io.costwatch.core.Json;
import io.costwatch.core.CostBasis;
import io.costwatch.core.CostRecord;
import io.costwatch.core.ParseResult;
import io.costwatch.core.SourceRef;
import io.costwatch.ingest.RawBillingRow;
import io.costwatch.ingest.billing.BillingRowParser;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Parses one raw export row (read leniently as text, so an unreadable value becomes a dead letter); a parsed row
 * keeps its arrival timestamp.
 */
final class BillingParseProcessor implements FixedKeyProcessor<String, String, ParseResult<BillingItem>> {

  private static final ObjectReader ROWS = Json.MAPPER.readerFor(RawBillingRow.class);

  private final BillingRowParser parser = new BillingRowParser();
  private final PipelineMetrics metrics;
  private final String topic;
  private final RangeChecks ranges;
  private FixedKeyProcessorContext<String, ParseResult<BillingItem>> context;

  BillingParseProcessor(PipelineMetrics metrics, String topic, RangeChecks ranges) {
    this.metrics = metrics;
    this.topic = topic;
    this.ranges = ranges;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, ParseResult<BillingItem>> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, String> record) {
    if (FlushMarker.isMarker(record.key()) || FlushMarker.isFinal(record.key())) {
      boolean live = FlushMarker.isFinal(record.key());
      context.forward(record.withValue(ParseResult.parsed(BillingItem.of(marker(live, record.timestamp(),
          FlushMarker.partitions(record.headers())), null))));
      return;
    }
    metrics.recordIn(topic);
    RawBillingRow row;
    try {
      row = record.value() == null ? null : ROWS.readValue(record.value());
    } catch (IOException e) {
      row = null;
    }
    if (row != null && row.runEnd() != null) {
      context.forward(record.withValue(ParseResult.parsed(BillingItem.end(row.runEnd()))));
      return;
    }
    if (row == null || row.columns() == null) {
      SourceRef source = Sources.of(record.headers(), context.recordMetadata().orElseThrow());
      context.forward(record.withValue(ParseResult.rejected("malformed-row", source + ": the value is not a "
          + "RawBillingRow JSON object with columns", null, source, record.value())));
      return;
    }
    ParseResult<CostRecord> result = ranges.billing(parser.parse(row), record.value());
    if (result instanceof ParseResult.Parsed<CostRecord> parsed) {
      metrics.eventTimeLag("billing", java.time.Duration.ofMillis(Math.max(0, System.currentTimeMillis()
          - parsed.value().periodEnd().toEpochMilli())));
    }
    // The record keeps its arrival time: the charge day is data (the spend detector keeps its own clock of charge
    // days), and a timestamp weeks in the past would make brokers expire the exactly-once producers' state
    // (producer.id.expiration.ms counts from record timestamps). Restated rows stop at the content filter.
    String run = row.exportRun();
    context.forward(record.withValue(result.map(value -> BillingItem.of(value, run))));
  }

  /**
   * The end-of-input marker (or, {@code live}, the end of billing input of {@code ingest billing --final}) as a line
   * item of its own scope, identified by its time; its quantity is the partition count.
   */
  private static CostRecord marker(boolean live, long timestamp, int partitions) {
    Instant t = Instant.ofEpochMilli(timestamp);
    String key = live ? FlushMarker.FINAL_KEY : FlushMarker.KEY;
    AzureResourceId scope = live ? FlushMarker.FINAL_SCOPE : FlushMarker.SCOPE;
    return new CostRecord(CostRecord.SCHEMA_VERSION, key + timestamp, key, "MARKER",
        CostBasis.ACTUAL, ChargeKind.USAGE, t, t, scope.workspaceId(), scope, null, null, null,
        null, BigDecimal.valueOf(partitions), null, BigDecimal.ZERO, "XXX", null, Map.of(),
        new SourceRef(FlushMarker.KEY, 0, -1));
  }
}
