package io.costwatch.topology;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output record that cannot be serialised or that the broker refuses for good (too large, invalid) becomes a dead
 * letter naming the output topic and the source record, and processing goes on. Retriable errors are left to the
 * producer's own retries. A dead letter that itself cannot be sent is logged and counted, never re-sent (that would
 * loop).
 */
public final class ProductionDeadLetters implements ProductionExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProductionDeadLetters.class);

  private PipelineMetrics metrics = PipelineMetrics.NONE;

  @Override
  public void configure(Map<String, ?> configs) {
    metrics = StreamErrors.metrics(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
      Exception exception) {
    return deadLetter(context, record.topic(), HandlerDeadLetters.reason("production", exception), exception);
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
      SerializationExceptionOrigin origin) {
    return deadLetter(context, record.topic(), "serialization-error", exception);
  }

  private Response deadLetter(ErrorHandlerContext context, String outputTopic, String reason, Exception exception) {
    metrics.recordRejected(outputTopic, reason);
    if (Topics.DEAD_LETTERS.name().equals(outputTopic)) {
      LOG.error("a dead letter could not be written to {} ({}); it is only in this log: source {}/{}:{}",
          outputTopic, reason, context.topic(), context.partition(), context.offset(), exception);
      return Response.resume();
    }
    LOG.warn("dead letter ({}): cannot write to {} the output of {}/{}:{} at node {}: {}", reason, outputTopic,
        context.topic(), context.partition(), context.offset(), context.processorNodeId(),
        HandlerDeadLetters.message(exception));
    return Response.resume(List.of(HandlerDeadLetters.of("production", reason, context, exception)));
  }
}
