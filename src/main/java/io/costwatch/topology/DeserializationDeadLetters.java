package io.costwatch.topology;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record that cannot be deserialised (garbage on a raw or a JSON repartition topic) becomes a dead letter with
 * reason {@code unreadable-record}, and the task goes on with the next record.
 */
public final class DeserializationDeadLetters implements DeserializationExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(DeserializationDeadLetters.class);

  private PipelineMetrics metrics = PipelineMetrics.NONE;

  @Override
  public void configure(Map<String, ?> configs) {
    metrics = StreamErrors.metrics(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
      Exception exception) {
    String reason = "unreadable-record";
    LOG.warn("dead letter ({}): cannot deserialize {}/{}:{} at node {}: {}", reason, context.topic(),
        context.partition(), context.offset(), context.processorNodeId(), HandlerDeadLetters.message(exception));
    metrics.recordRejected(context.topic(), reason);
    return Response.resume(List.of(HandlerDeadLetters.of("deserialization", reason, context, exception)));
  }
}
