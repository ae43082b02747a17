package io.costwatch.cli;

import io.costwatch.core.SourceRef;
import io.costwatch.topology.InputDeadLetters;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The largest raw body file ingest sends as one Kafka record: the producer's {@code max.request.size} (default 1 MiB)
 * less room for the key, the coordinate headers and the batch overhead. A larger body is dead-lettered with its file
 * and line before it reaches the producer, whose rejection would otherwise fail the whole run (or, without a
 * callback, lose the body silently).
 */
final class RecordLimits {

  private static final int DEFAULT_MAX_REQUEST = 1_048_576;
  private static final int OVERHEAD = 4 * 1024;

  private RecordLimits() {
  }

  static int maxBody(Map<String, Object> clientConfig) {
    Object configured = clientConfig.get("max.request.size");
    int max = configured == null ? DEFAULT_MAX_REQUEST : Integer.parseInt(configured.toString().trim());
    return max - OVERHEAD;
  }

  static ProducerRecord<String, byte[]> tooLarge(String stage, SourceRef source, long bytes, int limit) {
    return InputDeadLetters.of(stage, "too-large", source + ": the body has " + bytes + " bytes, more than the "
        + limit + " one Kafka record can carry here (max.request.size less headers); split it into smaller event "
        + "bodies", source, null, bytes);
  }
}
