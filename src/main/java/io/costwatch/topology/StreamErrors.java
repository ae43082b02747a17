package io.costwatch.topology;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams exception handlers every Costwatch application runs with: an unreadable record (deserialization),
 * an exception in a processor (KIP-1033) or a record the producer cannot send is a dead letter on
 * {@code costwatch.dead-letters.v1} and a count by reason, and processing goes on. Without them one poison record
 * stops the stream thread, and the restarted instance meets the same record again: a crash loop.
 *
 * <p>The handlers return their dead letters to Kafka Streams (KIP-1034 {@code Response.resume(records)}), so under
 * exactly-once the dead letter and the skipped record's offset commit in the same transaction. Costwatch builds the
 * dead-letter record itself (a {@link DeadLetter} JSON value, the exact raw bytes in headers) instead of using
 * {@code errors.dead.letter.queue.topic.name}, so operators read one format on one topic.
 */
public final class StreamErrors {

  /** Config key under which the {@link PipelineMetrics} reach the handlers (Kafka Streams instantiates them). */
  public static final String METRICS = "costwatch.pipeline.metrics";

  private StreamErrors() {
  }

  /** Adds the three handlers (and the metrics they count with) to a Streams configuration. */
  public static void configure(Properties props, PipelineMetrics metrics) {
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeserializationDeadLetters.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingDeadLetters.class);
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ProductionDeadLetters.class);
    props.put(METRICS, metrics);
  }

  static PipelineMetrics metrics(Map<String, ?> configs) {
    Object metrics = configs.get(METRICS);
    return metrics instanceof PipelineMetrics m ? m : PipelineMetrics.NONE;
  }
}
