package io.costwatch.topology;

import com.fasterxml.jackson.databind.ObjectReader;
import io.costwatch.core.Json;
import io.costwatch.core.ParseResult;
import io.costwatch.core.SourceRef;
import java.io.IOException;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** Reads a feedback command; an unreadable one is a dead letter, never a stopped stream thread. */
final class FeedbackParseProcessor implements FixedKeyProcessor<String, String, ParseResult<FeedbackCommand>> {

  private static final ObjectReader COMMANDS = Json.MAPPER.readerFor(FeedbackCommand.class);

  private final PipelineMetrics metrics;
  private final String topic;
  private FixedKeyProcessorContext<String, ParseResult<FeedbackCommand>> context;

  FeedbackParseProcessor(PipelineMetrics metrics, String topic) {
    this.metrics = metrics;
    this.topic = topic;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, ParseResult<FeedbackCommand>> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, String> record) {
    metrics.recordIn(topic);
    SourceRef source = Sources.of(record.headers(), context.recordMetadata().orElseThrow());
    FeedbackCommand command;
    String problem;
    try {
      command = record.value() == null ? null : COMMANDS.readValue(record.value());
      problem = command == null ? "the value is empty"
          : command.fingerprint() == null || command.fingerprint().split("\\|", -1).length != 3
              ? "field 'fingerprint' must be type|resourceId|currency"
              : command.feedback() == null ? "field 'feedback' is missing" : null;
    } catch (IOException | IllegalArgumentException e) {
      command = null;
      problem = "not a FeedbackCommand JSON object: " + e.getMessage();
    }
    context.forward(record.withValue(problem == null ? ParseResult.parsed(command)
        : ParseResult.rejected("bad-feedback", source + ": " + problem, "feedback", source, record.value())));
  }
}
