package io.costwatch.topology;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.SourceRef;
import io.costwatch.ingest.monitor.MetricPayloadParser;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Parses one Azure Monitor event body into one result per metric record, each stamped with its own event time (the
 * record's minute), so downstream windows use the time of the data, not of its arrival.
 */
final class MetricsParseProcessor implements FixedKeyProcessor<String, String, ParseResult<MetricSample>> {

  private final MetricPayloadParser parser = new MetricPayloadParser();
  private final PipelineMetrics metrics;
  private final String topic;
  private final RangeChecks ranges;
  private FixedKeyProcessorContext<String, ParseResult<MetricSample>> context;

  MetricsParseProcessor(PipelineMetrics metrics, String topic, RangeChecks ranges) {
    this.metrics = metrics;
    this.topic = topic;
    this.ranges = ranges;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, ParseResult<MetricSample>> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, String> record) {
    SourceRef source = Sources.of(record.headers(), context.recordMetadata().orElseThrow());
    if (FlushMarker.isMarker(record.key())) {
      context.forward(record.withValue(ParseResult.parsed(marker(record.timestamp(),
          FlushMarker.partitions(record.headers()), source))));
      return;
    }
    metrics.recordIn(topic);
    if (record.value() == null) {
      context.forward(record.withValue(
          ParseResult.rejected("null-value", source + ": the event body is empty", null, source, null)));
      return;
    }
    long now = System.currentTimeMillis();
    for (ParseResult<MetricSample> parsedOrNot : parser.parse(record.value(), source)) {
      ParseResult<MetricSample> result = ranges.metric(parsedOrNot, record.value());
      if (result instanceof ParseResult.Parsed<MetricSample> parsed) {
        long eventTime = parsed.value().time().toEpochMilli();
        metrics.eventTimeLag("metrics", java.time.Duration.ofMillis(Math.max(0, now - eventTime)));
        context.forward(record.withValue(result).withTimestamp(eventTime));
      } else {
        context.forward(record.withValue(result));
      }
    }
  }

  /** The end-of-input marker as a sample of its own scope; its value is the partition count (see {@link FlushMarker}). */
  private static MetricSample marker(long timestamp, int partitions, SourceRef source) {
    return new MetricSample(MetricSample.SCHEMA_VERSION, FlushMarker.SCOPE, AzureMetric.GPU_UTILIZATION,
        Instant.ofEpochMilli(timestamp), partitions, partitions, partitions, partitions, 1, Map.of(), source);
  }
}
