package io.costwatch.topology;

import io.costwatch.core.AzureMetric;
import io.costwatch.core.MetricSample;
import io.costwatch.core.ParseResult;
import io.costwatch.core.ScopeSamples;
import io.costwatch.core.SourceRef;
import io.costwatch.core.WorkspaceSamples;
import io.costwatch.ingest.monitor.MetricPayloadParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Parses one Azure Monitor event body. Each metric record that fails is forwarded on its own (a rejection for the
 * dead-letter topic, an ignored record for its counter), as it comes; the valid samples are forwarded after the whole
 * body, grouped by scope ({@link ScopeSamples}) and the scopes by workspace ({@link WorkspaceSamples}), so the
 * repartition by workspace carries one record per workspace and body (a body usually holds one workspace) instead of
 * one per sample or scope.
 *
 * <p>A value is stamped with its newest sample's event time. Downstream windows use each sample's own time; the
 * record time only moves the window task's stream time, which is the largest record time seen, so after the value it
 * is what it would be after its samples one by one. (The oldest time would hold stream time back, the body's arrival
 * time would put the time of the data's arrival where the data's own time belongs.)
 */
final class MetricsParseProcessor implements FixedKeyProcessor<String, String, ParseResult<WorkspaceSamples>> {

  private final MetricPayloadParser parser = new MetricPayloadParser();
  private final PipelineMetrics metrics;
  private final String topic;
  private final RangeChecks ranges;
  private FixedKeyProcessorContext<String, ParseResult<WorkspaceSamples>> context;

  MetricsParseProcessor(PipelineMetrics metrics, String topic, RangeChecks ranges) {
    this.metrics = metrics;
    this.topic = topic;
    this.ranges = ranges;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, ParseResult<WorkspaceSamples>> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, String> record) {
    SourceRef source = Sources.of(record.headers(), context.recordMetadata().orElseThrow());
    if (FlushMarker.isMarker(record.key())) {
      MetricSample marker = marker(record.timestamp(), FlushMarker.partitions(record.headers()), source);
      context.forward(record.withValue(ParseResult.parsed(WorkspaceSamples.of(ScopeSamples.of(marker)))));
      return;
    }
    metrics.recordIn(topic);
    if (record.value() == null) {
      context.forward(record.withValue(
          ParseResult.rejected("null-value", source + ": the event body is empty", null, source, null)));
      return;
    }
    long now = System.currentTimeMillis();
    List<ParseResult<MetricSample>> results = parser.parse(record.value(), source);
    List<MetricSample> samples = new ArrayList<>(results.size());
    for (ParseResult<MetricSample> parsedOrNot : results) {
      ParseResult<MetricSample> result = ranges.metric(parsedOrNot, record.value());
      if (result instanceof ParseResult.Parsed<MetricSample> parsed) {
        long eventTime = parsed.value().time().toEpochMilli();
        metrics.eventTimeLag("metrics", java.time.Duration.ofMillis(Math.max(0, now - eventTime)));
        samples.add(parsed.value());
      } else {
        context.forward(record.withValue(failure(result)));
      }
    }
    for (WorkspaceSamples workspace : WorkspaceSamples.byWorkspace(ScopeSamples.byScope(samples))) {
      context.forward(record.withValue(ParseResult.parsed(workspace))
          .withTimestamp(workspace.newest().toEpochMilli()));
    }
  }

  /** A rejected or ignored record as this processor's result: neither carries a value, both keep their source. */
  private static ParseResult<WorkspaceSamples> failure(ParseResult<MetricSample> result) {
    return result.map(sample -> {
      throw new IllegalStateException("a parsed sample is not a failure: " + sample.source());
    });
  }

  /** The end-of-input marker as a sample of its own scope; its value is the partition count (see {@link FlushMarker}). */
  private static MetricSample marker(long timestamp, int partitions, SourceRef source) {
    return new MetricSample(MetricSample.SCHEMA_VERSION, FlushMarker.SCOPE, AzureMetric.GPU_UTILIZATION,
        Instant.ofEpochMilli(timestamp), partitions, partitions, partitions, partitions, 1, Map.of(), source);
  }
}
