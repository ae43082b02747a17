package io.costwatch.topology;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exception thrown by a processor (a bug, or a value no rule expected) makes the record that triggered it a dead
 * letter with reason {@code processing-error}, naming the node, instead of stopping the stream thread (KIP-1033).
 * The dead letter carries the raw bytes of the source record, so the input can be replayed once the bug is fixed.
 */
public final class ProcessingDeadLetters implements ProcessingExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessingDeadLetters.class);

  private PipelineMetrics metrics = PipelineMetrics.NONE;

  @Override
  public void configure(Map<String, ?> configs) {
    metrics = StreamErrors.metrics(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    String reason = "processing-error";
    LOG.warn("dead letter ({}): node {} failed on {}/{}:{}", reason, context.processorNodeId(), context.topic(),
        context.partition(), context.offset(), exception);
    metrics.recordRejected(context.topic(), reason);
    return Response.resume(List.of(HandlerDeadLetters.of("processing", reason, context, exception)));
  }
}
